#pragma once
// A simulated payment provider: pure request -> reply logic over plain structs. The loopback
// server (simulator.hpp) carries the bytes, counts requests and applies injected faults; the
// provider only decides what the real gateway would answer. No sockets here, so every provider
// can also be driven directly.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coinfan/config/config.hpp"

namespace coinfan::sim {

// Wall-clock source for timestamp windows, token expiry and record creation times.
using SystemClock = std::function<std::chrono::system_clock::time_point()>;

// One HTTP request as the simulator received it.
struct SimRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent
  std::string path;    // target before '?'
  std::string query;   // target after '?' (without it); empty when none
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header named `name` (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // First query parameter named `name` (exact, percent-decoded), or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
};

// One HTTP answer. Content-Length and Connection are the server's business.
struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // True when the provider signs this answer (CCPayment v1): the server calls
  // Provider::sign_response() after any fault has changed the body, so the signature always
  // covers the bytes sent.
  bool signable = false;

  void set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

class Provider {
 public:
  explicit Provider(config::GatewayType type) : type_(type) {}
  virtual ~Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;

  config::GatewayType type() const noexcept { return type_; }

  // What the real gateway answers. Thread-safe; never throws on hostile input.
  virtual Reply handle(const SimRequest& request) = 0;

  // The provider's own error answer, in its documented shape, for an injected provider_error
  // fault. Empty code / message: the provider's generic failure. status 0: its usual status.
  virtual Reply error_reply(std::string_view code, std::string_view message,
                            unsigned status) const = 0;

  // True when answers carry a signature (CCPayment v1); sign_response() then adds it.
  virtual bool signs_responses() const noexcept { return false; }
  virtual void sign_response(Reply& reply) const { (void)reply; }

  // True when the provider issues session tokens (TruBit, Kuna); expire_tokens() then makes
  // every token issued so far unusable (the next call with one is rejected as expired).
  virtual bool issues_tokens() const noexcept { return false; }
  virtual void expire_tokens() {}

  // The gateway entry that points coinfan at this provider with matching credentials.
  virtual config::GatewayConfig gateway_config(std::string id, std::string base_url) const = 0;

  // The clock used for timestamp windows, token expiry and new records. Default: system_clock.
  void set_clock(SystemClock clock);
  std::chrono::system_clock::time_point now() const;

 private:
  config::GatewayType type_;
  mutable std::mutex clock_mutex_;
  SystemClock clock_;
};

// The demo factory of a provider whose demo is its demo account alone (no history), for its
// registration card's make_demo.
template <typename Simulated, auto account>
std::shared_ptr<Provider> demo_from_account(std::chrono::system_clock::time_point) {
  return std::make_shared<Simulated>(account());
}

}  // namespace coinfan::sim
