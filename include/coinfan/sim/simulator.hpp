#pragma once
// Simulated payment gateways over real HTTP on loopback (127.0.0.1, an ephemeral port), used by
// `coinfan --demo`, the integration tests and the benchmarks. Each Simulator serves one
// Provider (provider.hpp) and can be told to misbehave: latency, an HTTP status, a provider
// error, malformed or truncated JSON, a tampered response signature, token expiry, a dropped
// connection or a body trickled slower than any client deadline.
//
// Threading: the io_context may be run by any number of threads; every public member is
// thread-safe. Destroy a Simulator before its io_context.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/sim/provider.hpp"

namespace boost::asio {
class io_context;
}

namespace coinfan::sim {

// One injected misbehaviour. A fault applies to every request it matches (`path`) until its
// `remaining` count is used up (-1: until clear_faults()). Several faults may match one
// request; each counts it. What each kind does on the wire:
//   latency            the request is handled, then the answer waits `delay` before it is sent
//                      (with before_handling(): the wait comes first, then the handling).
//   http_status        the request is NOT handled; the answer is `status` (0 -> 500) with a
//                      reverse proxy's HTML page (429 and 503 add Retry-After: 1).
//   provider_error     the request is NOT handled; the answer is the provider's own error shape
//                      with provider_code / provider_message (empty: its generic failure) and
//                      its usual status for errors (`status` overrides when non-zero).
//   malformed_json     the request is handled; the body sent is the answer with a stray ','
//                      before its final '}' or ']' (invalid JSON, complete HTTP message).
//   truncated_json     the request is handled; the body sent is the first half of the answer,
//                      with a Content-Length that matches (complete HTTP message).
//   tampered_signature the request is handled; the response `Sign` header no longer matches
//                      the body (CCPayment v1 only; inject() throws for other providers).
//   token_expiry       before the request is handled, every token issued so far expires
//                      (TruBit, Kuna only; inject() throws for other providers).
//   drop_connection    the request is handled (money may have moved), then the connection is
//                      closed without a byte of answer (with before_handling(): closed unhandled,
//                      so the request never happened).
//   slow_body          the request is handled; the status line and headers are sent at once,
//                      then the body in `chunk_bytes` pieces with `delay` before each piece.
// A body-changing fault (malformed, truncated) is applied before a v1 answer is signed, so the
// signature still covers exactly the bytes sent: the fault is the bad JSON, not a bad signature.
struct Fault {
  enum class Kind {
    latency,
    http_status,
    provider_error,
    malformed_json,
    truncated_json,
    tampered_signature,
    token_expiry,
    drop_connection,
    slow_body,
  };

  Kind kind = Kind::latency;
  std::chrono::milliseconds delay{0};  // latency: before the answer; slow_body: before each piece
  unsigned status = 0;                 // http_status: the status; provider_error: override
  std::string provider_code;           // provider_error
  std::string provider_message;        // provider_error
  std::size_t chunk_bytes = 8;         // slow_body: bytes per piece (at least 1)
  // Which requests: "" any; "/..." exactly that path (query ignored); otherwise the last path
  // segment, e.g. "userTransfer" for /ccpayment/v2/userTransfer.
  std::string path;
  int remaining = -1;  // requests left to apply to; negative: until clear_faults()
  bool act_before_handling = false;  // latency, drop_connection: act before the provider sees it
  // And only requests whose body contains this text ("" any), e.g. "\"orderId\":\"o-17\"".
  std::string body_contains;

  static Fault latency_of(std::chrono::milliseconds delay);
  static Fault http_status_of(unsigned status);
  static Fault provider_error_of(std::string code, std::string message);
  static Fault malformed_json();
  static Fault truncated_json();
  static Fault tampered_signature();
  static Fault token_expiry();
  static Fault drop_connection();
  static Fault slow_body_of(std::chrono::milliseconds delay_per_chunk, std::size_t chunk_bytes = 8);

  // Chainable scoping: `Fault::drop_connection().on("userTransfer").times(1)`.
  Fault& on(std::string request_path) & {
    path = std::move(request_path);
    return *this;
  }
  Fault&& on(std::string request_path) && {
    path = std::move(request_path);
    return std::move(*this);
  }
  Fault& with_body(std::string text) & {
    body_contains = std::move(text);
    return *this;
  }
  Fault&& with_body(std::string text) && {
    body_contains = std::move(text);
    return std::move(*this);
  }
  Fault& before_handling() & {
    act_before_handling = true;
    return *this;
  }
  Fault&& before_handling() && {
    act_before_handling = true;
    return std::move(*this);
  }
  Fault& times(int count) & {
    remaining = count;
    return *this;
  }
  Fault&& times(int count) && {
    remaining = count;
    return std::move(*this);
  }
};

std::string_view to_string(Fault::Kind kind) noexcept;

struct SimulatorOptions {
  std::size_t max_request_body_bytes = 1u << 20;  // larger bodies get 413 and a closed connection
  std::size_t max_request_header_bytes = 16u << 10;
  std::chrono::milliseconds idle_timeout{60000};   // an idle keep-alive connection is closed
  std::chrono::milliseconds write_timeout{30000};  // per write (each slow_body piece too)
};

class Simulator {
 public:
  // Binds 127.0.0.1:0 now (port() is valid on return) and serves once the io_context runs.
  static std::unique_ptr<Simulator> start(boost::asio::io_context& io,
                                          std::shared_ptr<Provider> provider,
                                          SimulatorOptions options = {});
  // A provider of `type` with the demo data set (demo.hpp).
  static std::unique_ptr<Simulator> start(boost::asio::io_context& io, config::GatewayType type,
                                          SimulatorOptions options = {});

  ~Simulator();  // stop()
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  std::uint16_t port() const noexcept;
  std::string base_url() const;  // "http://127.0.0.1:<port>"
  config::GatewayType type() const noexcept;
  // A gateway entry for coinfan's configuration: this base_url and matching credentials.
  config::GatewayConfig gateway_config(std::string id) const;

  Provider& provider() const noexcept;
  std::shared_ptr<Provider> shared_provider() const;

  // Throws std::invalid_argument for a kind this provider cannot show (see Fault).
  void inject(Fault fault);
  void clear_faults();
  std::size_t active_faults() const;

  // Every token issued so far is rejected from now on (TruBit, Kuna; no-op elsewhere).
  void expire_tokens();
  // Tests move time instead of sleeping; the default is system_clock::now.
  void set_clock(SystemClock clock);

  // Requests received (complete HTTP requests, whatever the answer): for one path (query
  // ignored), or in total for an empty path.
  std::uint64_t requests(std::string_view path = {}) const;
  std::map<std::string, std::uint64_t> request_counts() const;
  // When each request counted since the last reset arrived, in order (the first max_arrivals).
  static constexpr std::size_t max_arrivals = 1000000;
  std::vector<std::chrono::steady_clock::time_point> request_times() const;
  void reset_counters();
  // Connections accepted so far (keep-alive reuse shows here).
  std::uint64_t connections() const;

  // Stops listening and closes every connection (also those mid-fault). Idempotent.
  void stop();

 private:
  struct Impl;
  explicit Simulator(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// The five simulated gateways of `coinfan --demo`, one per provider type, with the demo data
// set, and the configuration entries that point at them.
struct DemoGateways {
  std::vector<std::unique_ptr<Simulator>> simulators;
  std::vector<config::GatewayConfig> gateways;  // ids: ccp-main, ccp-legacy, cloud, trubit, kuna
};

DemoGateways start_demo_gateways(boost::asio::io_context& io, SimulatorOptions options = {});

}  // namespace coinfan::sim
