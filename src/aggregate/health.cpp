#include "coinfan/aggregate/health.hpp"

#include <algorithm>
#include <utility>

namespace coinfan::aggregate {

std::string_view gateway_health(std::optional<bool> last_call_ok, std::string_view circuit) {
  if (circuit != "closed") return "unhealthy";
  if (!last_call_ok) return "unknown";
  return *last_call_ok ? "healthy" : "unhealthy";
}

std::optional<HealthNotice> HealthTracker::record(std::size_t gateway, const std::optional<Error>& error,
                                                  std::chrono::milliseconds latency, TimePointMs at) {
  CallHistory& h = history_.at(gateway);
  Outage& outage = outages_.at(gateway);
  h.last_ok = !error.has_value();
  h.last_latency = latency;
  if (!error) {
    h.last_success_at = at;
    if (!outage.since) return std::nullopt;
    HealthNotice notice;
    notice.kind = HealthNotice::Kind::recovered;
    notice.failures = outage.failures;
    notice.failing_for = std::max(std::chrono::milliseconds(0), at - *outage.since);
    outage = Outage{};
    return notice;
  }
  h.last_error = *error;
  h.last_error_at = at;
  ++outage.failures;
  const auto held_back = outage.lines.admit(at);
  if (!outage.since) {
    outage.since = at;
    HealthNotice notice;
    notice.kind = HealthNotice::Kind::failing;
    notice.code = error->code;
    notice.detail = error->detail;
    notice.failures = 1;
    return notice;
  }
  if (!held_back) return std::nullopt;
  HealthNotice notice;
  notice.kind = HealthNotice::Kind::still_failing;
  notice.code = error->code;
  notice.detail = error->detail;
  notice.failures = *held_back + 1;  // this call and those held back since the last line
  notice.failing_for = std::max(std::chrono::milliseconds(0), at - *outage.since);
  return notice;
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
