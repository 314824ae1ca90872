#include "app/reload.hpp"

namespace coinfan::app {

std::string render_reload_metrics(const ReloadCounters& counters) {
  std::string out;
  out += "# HELP coinfan_config_reloads_total Configuration reloads (SIGHUP) by result.\n";
  out += "# TYPE coinfan_config_reloads_total counter\n";
  out += "coinfan_config_reloads_total{result=\"applied\"} " + std::to_string(counters.applied.load()) + "\n";
  out += "coinfan_config_reloads_total{result=\"rejected\"} " + std::to_string(counters.rejected.load()) + "\n";
  out += "# HELP coinfan_config_last_reload_successful Whether the last reload was applied (1) or refused (0).\n";
  out += "# TYPE coinfan_config_last_reload_successful gauge\n";
  out += "coinfan_config_last_reload_successful " + std::string(counters.last_successful.load() ? "1" : "0") + "\n";
  out += "# HELP coinfan_config_last_reload_success_timestamp_seconds When the running configuration was loaded.\n";
  out += "# TYPE coinfan_config_last_reload_success_timestamp_seconds gauge\n";
  out += "coinfan_config_last_reload_success_timestamp_seconds " + std::to_string(counters.last_success_unix.load()) +
         "\n";
  return out;
}

}  // namespace coinfan::app
