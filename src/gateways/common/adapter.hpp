#pragma once
// What every provider adapter shares: its upstream client, the clock, and the step from a
// built UpstreamCall to an upstream response interpreted by the provider's parser.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "coinfan/gateways/call.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/upstream/client.hpp"

namespace coinfan::gateways {

// Upstream client settings for one configured gateway.
upstream::Options client_options(const config::GatewayConfig& config);

class AdapterBase : public Gateway {
 public:
  upstream::Stats stats() const override { return client_->stats(); }
  upstream::BreakerState breaker_state() const override { return client_->breaker_state(); }

 protected:
  AdapterBase(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
              GatewayEnvironment env);

  // Sends exactly the bytes the builder produced.
  boost::asio::awaitable<Result<upstream::Response>> send(UpstreamCall call);

  std::int64_t unix_seconds() const;
  std::int64_t unix_millis() const;
  TimePointMs now_ms() const;

  const config::GatewayConfig& config() const { return config_; }

 private:
  config::GatewayConfig config_;
  std::shared_ptr<upstream::Client> client_;
  GatewayEnvironment env_;
};

// A non-2xx answer: the provider's own error when its body says one (provider_error,
// auth_failed, rate_limited), otherwise http_status / rate_limited from the status alone.
Error error_for_status(const upstream::Response& response, const Error& parse_error);

// Applies `parse` to a response: 2xx bodies are parsed; other statuses become an Error via
// error_for_status, using what the parser made of the body.
template <typename T, typename Parse>
Result<T> interpret(const upstream::Response& response, Parse&& parse) {
  Result<T> parsed = parse(response.body);
  if (response.status >= 200 && response.status < 300) return parsed;
  if (parsed.ok()) return upstream::status_error(response);
  return error_for_status(response, parsed.error());
}

}  // namespace coinfan::gateways
