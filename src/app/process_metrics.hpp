#pragma once
// The process_* metrics Prometheus clients export by convention, read from /proc/self on Linux
// (CPU time, memory, descriptors, start time). What cannot be read is left out.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coinfan::app {

// The fields of /proc/self/stat that the metrics use.
struct ProcStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;  // after boot
  std::uint64_t vsize_bytes = 0;
  std::uint64_t rss_pages = 0;
};

// Parses /proc/<pid>/stat (the command name may hold spaces and parentheses).
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// The `btime` line of /proc/stat: boot time in seconds since the epoch.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat);

struct ProcessMetrics {
  std::optional<std::uint64_t> cpu_us;
  std::optional<std::uint64_t> resident_bytes;
  std::optional<std::uint64_t> virtual_bytes;
  std::optional<std::uint64_t> open_fds;
  std::optional<std::uint64_t> max_fds;
  std::optional<std::uint64_t> start_time_us;  // since the epoch
};

ProcessMetrics read_process_metrics();

// The process_* families in Prometheus text format.
std::string render_process_metrics(const ProcessMetrics& process);

// The CPUs this process may run on (its affinity mask: taskset, a container's cpuset), at
// least 1; the machine's count when the mask cannot be read. `server.threads: 0` starts one
// I/O thread per such CPU: more threads than cores hand work between threads that wait for a
// time slice, which shows in the tail latency (BENCHMARKS.md).
unsigned usable_cpus();

}  // namespace coinfan::app
