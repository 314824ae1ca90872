#pragma once
// SIGHUP: the configuration file is read again. An invalid one is refused with every error
// logged and the running configuration stays; a valid one replaces gateways, API keys, the
// cache policy and the server's limits for every request that starts afterwards. Both
// outcomes are counted for /metrics.

#include <atomic>
#include <cstdint>
#include <string>

namespace coinfan::app {

struct ReloadCounters {
  std::atomic<std::uint64_t> applied{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<bool> last_successful{true};
  std::atomic<std::int64_t> last_success_unix{0};  // seconds; the start counts as one
};

// The Prometheus text of `counters`.
std::string render_reload_metrics(const ReloadCounters& counters);

}  // namespace coinfan::app
