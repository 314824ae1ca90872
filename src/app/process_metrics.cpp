#include "app/process_metrics.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <thread>
#include <vector>

#include "coinfan/core/metrics.hpp"

namespace coinfan::app {

namespace {

std::optional<std::uint64_t> to_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> read_text(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void gauge(std::string& out, std::string_view name, std::string_view type, std::string_view help, const std::string& value) {
  metrics::family_header(out, name, type, help);
  out += name;
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> fields;  // from field 3 (state) on
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  // Field n of proc(5) is fields[n - 3].
  if (fields.size() < 22) return std::nullopt;
  const auto utime = to_number(fields[11]);
  const auto stime = to_number(fields[12]);
  const auto start = to_number(fields[19]);
  const auto vsize = to_number(fields[20]);
  const auto rss = to_number(fields[21]);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime, *stime, *start, *vsize, *rss};
}

std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat) {
  for (std::size_t at = 0; at < proc_stat.size();) {
    auto end = proc_stat.find('\n', at);
    if (end == std::string_view::npos) end = proc_stat.size();
    const auto line = proc_stat.substr(at, end - at);
    if (line.starts_with("btime ")) return to_number(line.substr(6));
    at = end + 1;
  }
  return std::nullopt;
}

ProcessMetrics read_process_metrics() {
  ProcessMetrics out;
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  const auto stat_text = read_text("/proc/self/stat");
  const auto stat = stat_text ? parse_proc_stat(*stat_text) : std::nullopt;
  if (stat && ticks_per_second > 0) {
    const auto hz = static_cast<std::uint64_t>(ticks_per_second);
    out.cpu_us = (stat->utime_ticks + stat->stime_ticks) * 1000000 / hz;
    const auto boot_text = read_text("/proc/stat");
    if (const auto boot = boot_text ? parse_boot_time(*boot_text) : std::nullopt) {
      out.start_time_us = *boot * 1000000 + stat->start_ticks * 1000000 / hz;
    }
  }
  if (stat && page_size > 0) out.resident_bytes = stat->rss_pages * static_cast<std::uint64_t>(page_size);
  if (stat) out.virtual_bytes = stat->vsize_bytes;
  std::error_code ec;
  std::uint64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  // The count includes the descriptor of the directory being read.
  if (!ec && fds > 0) out.open_fds = fds - 1;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out.max_fds = static_cast<std::uint64_t>(limit.rlim_cur);
  }
  return out;
}

std::string render_process_metrics(const ProcessMetrics& process) {
  std::string out;
  if (process.cpu_us) {
    gauge(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
          metrics::seconds_text(*process.cpu_us));
  }
  if (process.resident_bytes) {
    gauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
          std::to_string(*process.resident_bytes));
  }
  if (process.virtual_bytes) {
    gauge(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
          std::to_string(*process.virtual_bytes));
  }
  if (process.open_fds) {
    gauge(out, "process_open_fds", "gauge", "Number of open file descriptors.", std::to_string(*process.open_fds));
  }
  if (process.max_fds) {
    gauge(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", std::to_string(*process.max_fds));
  }
  if (process.start_time_us) {
    gauge(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
          metrics::seconds_text(*process.start_time_us));
  }
  return out;
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<unsigned>(count);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace coinfan::app
