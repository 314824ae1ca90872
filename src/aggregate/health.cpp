#include "coinfan/aggregate/health.hpp"

#include <utility>

namespace coinfan::aggregate {

std::string_view gateway_health(std::optional<bool> last_call_ok, std::string_view circuit) {
  if (circuit != "closed") return "unhealthy";
  if (!last_call_ok) return "unknown";
  return *last_call_ok ? "healthy" : "unhealthy";
}

void HealthTracker::record(std::size_t gateway, const std::optional<Error>& error, std::chrono::milliseconds latency,
                           TimePointMs at) {
  CallHistory& h = history_.at(gateway);
  h.last_ok = !error.has_value();
  h.last_latency = latency;
  if (error) {
    h.last_error = *error;
    h.last_error_at = at;
  } else {
    h.last_success_at = at;
  }
}

GatewayHealth health_entry(std::string id, std::string type, const CallHistory& seen, std::string_view circuit,
                           std::uint64_t requests, std::uint64_t in_flight) {
  GatewayHealth entry;
  entry.id = std::move(id);
  entry.type = std::move(type);
  entry.circuit = std::string(circuit);
  entry.health = std::string(gateway_health(seen.last_ok, entry.circuit));
  entry.last_success_at = seen.last_success_at;
  entry.last_error = seen.last_error;
  entry.last_error_at = seen.last_error_at;
  if (seen.last_latency) entry.last_latency_ms = seen.last_latency->count();
  entry.requests = requests;
  entry.in_flight = in_flight;
  return entry;
}

}  // namespace coinfan::aggregate
