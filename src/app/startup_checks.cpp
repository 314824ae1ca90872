#include "app/startup_checks.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "coinfan/core/log.hpp"

namespace coinfan::app {

namespace {

// Descriptors open in this process now (the listener, logs, simulators in --demo, ...).
std::size_t descriptors_in_use() {
  std::error_code ec;
  std::size_t count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++count;
  }
  return ec ? 16 : count;
}

}  // namespace

void fit_descriptor_limit(config::ServerConfig& options, std::size_t upstream_descriptors) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  constexpr std::size_t spare = 32 + 32;  // answers refused at accept (short-lived), files, resolver, ...
  const std::size_t in_use = descriptors_in_use();
  const std::size_t wanted = in_use + upstream_descriptors + spare + options.max_connections + options.reserved_connections;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(limit.rlim_max, wanted);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
  const std::size_t available = limit.rlim_cur > in_use + upstream_descriptors + spare + 2
                                    ? limit.rlim_cur - in_use - upstream_descriptors - spare
                                    : 2;
  const std::size_t requested = options.max_connections;
  // The reserve keeps its share (an eighth at most, at least one) so health checks still pass.
  options.reserved_connections = std::min(options.reserved_connections, std::max<std::size_t>(1, available / 8));
  options.max_connections = std::max<std::size_t>(1, available - options.reserved_connections);
  log::warn("max_connections capped by the open-file limit",
            {{"configured", static_cast<std::uint64_t>(requested)},
             {"max_connections", static_cast<std::uint64_t>(options.max_connections)},
             {"reserved_connections", static_cast<std::uint64_t>(options.reserved_connections)},
             {"rlimit_nofile", static_cast<std::uint64_t>(limit.rlim_cur)}});
}

}  // namespace coinfan::app
