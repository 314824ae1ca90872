#pragma once
// What the views have seen of each gateway's calls, for GET /v1/gateways: last outcome, last
// success, last error and latency. Pure: the caller passes the time of each outcome in.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/log_throttle.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::aggregate {

// One configured gateway as GET /v1/gateways shows it.
struct GatewayHealth {
  std::string id;
  std::string type;
  std::string health;   // "healthy", "unhealthy" or "unknown" (see gateway_health())
  std::string circuit;  // "closed", "open" or "half_open"
  std::optional<TimePointMs> last_success_at;
  std::optional<Error> last_error;
  std::optional<TimePointMs> last_error_at;
  std::optional<std::int64_t> last_latency_ms;
  std::uint64_t requests = 0;   // upstream requests sent by this gateway's client
  std::uint64_t in_flight = 0;  // upstream requests not yet answered

  friend bool operator==(const GatewayHealth&, const GatewayHealth&) = default;
};

// "unknown" before any call finished; "healthy" when the last call succeeded and the circuit
// is closed; "unhealthy" otherwise.
std::string_view gateway_health(std::optional<bool> last_call_ok, std::string_view circuit);

// The calls of one gateway as seen so far.
struct CallHistory {
  std::optional<bool> last_ok;
  std::optional<TimePointMs> last_success_at;
  std::optional<Error> last_error;      // kept after later successes
  std::optional<TimePointMs> last_error_at;
  std::optional<std::chrono::milliseconds> last_latency;
};

// What the service log says about a gateway after one of its calls: a warning when it starts
// failing, at most one "still failing" line per `log::repeat_window` while it goes on
// (with the failures held back since the last line), and a line when it answers again.
struct HealthNotice {
  enum class Kind { failing, still_failing, recovered };
  Kind kind = Kind::failing;
  ErrorCode code = ErrorCode::internal;        // failing, still_failing: this call's error
  std::string detail;                          // failing, still_failing: its detail
  std::uint64_t failures = 0;                  // still_failing: since the last line; recovered: in all
  std::chrono::milliseconds failing_for{0};    // still_failing, recovered: since the first failure

  friend bool operator==(const HealthNotice&, const HealthNotice&) = default;
};

// One CallHistory per gateway (by index, configuration order).
class HealthTracker {
 public:
  explicit HealthTracker(std::size_t gateways) : history_(gateways), outages_(gateways) {}

  // A call of `gateway` finished at `at`: failed with `error`, or succeeded. Returns what the
  // log should say about it, if anything (see HealthNotice).
  std::optional<HealthNotice> record(std::size_t gateway, const std::optional<Error>& error,
                                     std::chrono::milliseconds latency, TimePointMs at);
  const CallHistory& history(std::size_t gateway) const { return history_.at(gateway); }
  const std::vector<CallHistory>& all() const noexcept { return history_; }

 private:
  // A run of failed calls, from its first one to the next success.
  struct Outage {
    std::optional<TimePointMs> since;   // the first failure; nullopt: not failing
    std::uint64_t failures = 0;         // in all
    log::BasicThrottle<TimePointMs> lines{log::repeat_window};  // its first line opens the window
  };

  std::vector<CallHistory> history_;
  std::vector<Outage> outages_;
};

// The GET /v1/gateways entry of one gateway from what was seen of it and its client's state.
GatewayHealth health_entry(std::string id, std::string type, const CallHistory& seen, std::string_view circuit,
                           std::uint64_t requests, std::uint64_t in_flight);

}  // namespace coinfan::aggregate
