#include "app/reload.hpp"

#include "coinfan/core/metrics.hpp"

namespace coinfan::app {

std::string render_reload_metrics(const ReloadCounters& counters) {
  std::string out;
  metrics::family_header(out, "coinfan_config_reloads_total", "counter", "Configuration reloads (SIGHUP) by result.");
  out += "coinfan_config_reloads_total{result=\"applied\"} " + std::to_string(counters.applied.load()) + "\n";
  out += "coinfan_config_reloads_total{result=\"rejected\"} " + std::to_string(counters.rejected.load()) + "\n";
  metrics::family_header(out, "coinfan_config_last_reload_successful", "gauge",
                         "Whether the last reload was applied (1) or refused (0).");
  out += "coinfan_config_last_reload_successful " + std::string(counters.last_successful.load() ? "1" : "0") + "\n";
  metrics::family_header(out, "coinfan_config_last_reload_success_timestamp_seconds", "gauge",
                         "When the running configuration was loaded.");
  out += "coinfan_config_last_reload_success_timestamp_seconds " + std::to_string(counters.last_success_unix.load()) +
         "\n";
  return out;
}

}  // namespace coinfan::app
