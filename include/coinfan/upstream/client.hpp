#pragma once
// The upstream HTTPS client every gateway adapter uses: one Client per configured gateway.
//
// What one `send()` does, in order:
//   circuit breaker → concurrency slot → pooled connection (resolve, connect, TLS handshake on a
//   new one) → rate-limit token → write → read (size-capped) → retry a read if worth it.
// Every wait (slot, connection, token, backoff) counts against the request's deadline.
//
// Result contract (decided for the adapters, which must see provider error bodies):
//   * Any complete HTTP response is returned as a Response, whatever its status (a 401 from Kuna
//     must reach the adapter, CCPayment reports errors inside a 200). After retries, the last
//     response is returned — a 503 that stayed a 503 comes back as Response{503}. Adapters that
//     have nothing more specific to say call `status_error(response)` (→ http_status or
//     rate_limited).
//   * An Error means no usable response: timeout, cancelled, unreachable, tls_error, bad_response
//     (malformed HTTP), response_too_large, rate_limited (local token bucket could not grant a
//     token before the deadline), circuit_open, invalid_argument (request rejected before
//     sending). Details name the step and host:port, never a target, header or body.
//
// Log lines (warnings, each naming the gateway): "circuit opened" when the breaker leaves
// closed, "circuit closed" when a probe closes it again, "circuit still open" when a probe
// fails (at most once a minute, with the failed probes counted), and "upstream call failed"
// for a call without a usable response (at most once a minute, with the failures held back).
//
// Threading: a Client runs on its own strand over the executor given to `create`; `send` may be
// called from any thread and any executor. Cancelling the awaiting operation (per-operation
// cancellation, e.g. `co_spawn(..., bind_cancellation_slot(...))` or awaitable operators `||`)
// closes the socket in use and completes the call with ErrorCode::cancelled at once.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/circuit_breaker.hpp"
#include "coinfan/upstream/request.hpp"

namespace coinfan::upstream {

// Test hooks for determinism. Called on the client's strand; must be thread-safe when clients run
// on several threads. Empty members use the real thing.
struct Hooks {
  // Time for the circuit breaker and for idle-connection expiry (tests advance a fake clock
  // instead of sleeping). Deadlines, backoff and the rate limit always use the real clock.
  std::function<std::chrono::steady_clock::time_point()> now;
  // Uniform random number in [0, 1) for backoff jitter.
  std::function<double()> jitter;
  // Observes each retry: retry number (1 = first) and the wait chosen before it.
  std::function<void(unsigned retry, std::chrono::milliseconds delay)> on_retry;
};

// A request budget shared with other replicas, asked right before each attempt is sent (after
// the local bucket): how long to wait before asking again (zero: send now), or nullopt when it
// cannot decide (its store is slow or down: the local bucket alone governs then).
using SharedBudget = std::function<boost::asio::awaitable<std::optional<std::chrono::microseconds>>()>;

struct Options {
  std::string base_url;  // https://host[:port][/path]; http:// only for loopback hosts
  std::string ca_file;   // extra trusted CA bundle (PEM), on top of the system store

  std::chrono::milliseconds timeout{5000};  // whole send(): waits, attempts, retries
  std::chrono::milliseconds resolve_timeout{2000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds handshake_timeout{3000};
  // An idle pooled connection is closed after this long (keep it below the servers' keep-alive).
  std::chrono::milliseconds idle_timeout{30000};

  std::size_t max_connections = 8;            // pooled + in use + being opened
  std::size_t max_response_bytes = 4u << 20;  // body cap → response_too_large
  std::size_t max_header_bytes = 16u << 10;   // header cap → response_too_large

  unsigned retries = 2;  // extra attempts for idempotent requests only
  std::chrono::milliseconds retry_base_delay{100};
  std::chrono::milliseconds retry_max_delay{2000};

  unsigned max_concurrency = 16;  // calls past the breaker at once; 0 = unlimited
  double rate_limit_rps = 0.0;    // attempts per second; 0 = off
  double rate_limit_burst = 0.0;  // bucket size; 0 = max(1, rate_limit_rps)
  SharedBudget shared_budget;     // empty: none (see SharedBudget)

  unsigned breaker_failures = 5;  // consecutive failed calls that open the circuit; 0 = off
  std::chrono::milliseconds breaker_cooldown{10000};

  std::string user_agent;  // empty: "coinfan/<version>"
  // Names the gateway in the service log's lines (circuit opened / closed, upstream call
  // failed); empty: the endpoint (host:port) names it.
  std::string name;
  Hooks hooks;
};

inline constexpr std::size_t kErrorCodeCount = static_cast<std::size_t>(ErrorCode::internal) + 1;
// Upper bounds (inclusive, milliseconds) of the latency histogram; one more bucket for +Inf.
inline constexpr std::array<std::uint32_t, 12> kLatencyBucketsMs = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

// A snapshot of the client's counters (monotonic unless marked as a gauge).
struct Stats {
  std::uint64_t requests = 0;   // send() calls
  std::uint64_t attempts = 0;   // HTTP exchanges started, retries included
  std::uint64_t retries = 0;    // attempts after the first (backoff or stale connection)
  std::uint64_t responses = 0;  // send() calls that returned a Response
  std::array<std::uint64_t, 5> responses_by_class{};    // [0] = 1xx ... [4] = 5xx
  std::array<std::uint64_t, kErrorCodeCount> errors{};  // send() failures by ErrorCode
  std::uint64_t tls_handshakes = 0;                     // handshakes started
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;  // attempts sent on a pooled connection
  std::uint64_t connections_open = 0;    // gauge: idle + in use + being opened
  std::uint64_t connections_idle = 0;    // gauge
  std::uint64_t in_flight = 0;           // gauge: send() calls not yet returned
  std::array<std::uint64_t, kLatencyBucketsMs.size() + 1> latency_buckets{};  // not cumulative
  std::uint64_t latency_count = 0;
  std::uint64_t latency_sum_us = 0;

  std::uint64_t errors_of(ErrorCode code) const { return errors[static_cast<std::size_t>(code)]; }
};

class Client {
 public:
  // Checks the options (base_url, ca_file, limits); invalid_argument names the bad one.
  static Result<std::shared_ptr<Client>> create(boost::asio::any_io_executor executor,
                                                Options options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  // Closes idle connections; calls still in flight finish normally.
  ~Client();

  // Never throws for network or upstream data; see the result contract above.
  boost::asio::awaitable<Result<Response>> send(Request request);

  Stats stats() const;
  BreakerState breaker_state() const;
  const Options& options() const;

  class Impl;

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace coinfan::upstream
