#pragma once
// What every provider adapter shares: its upstream client, its settings, the clock, the step
// from a built upstream::Request to a response interpreted by the provider's parser, and the
// execution of the token-refresh policy for providers that issue credentials.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "coinfan/gateways/gateway.hpp"
#include "coinfan/upstream/client.hpp"
#include "gateways/common/credential_share.hpp"
#include "gateways/common/token_refresh.hpp"

namespace coinfan::gateways {

// Upstream client settings for one configured gateway.
upstream::Options client_options(const config::GatewayConfig& config);

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

class AdapterBase : public Gateway {
 public:
  // make_gateway has checked that `config.settings` holds the provider's Settings.
  AdapterBase(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
              GatewayEnvironment env);

  upstream::Stats stats() const override { return client_->stats(); }
  upstream::BreakerState breaker_state() const override { return client_->breaker_state(); }
  OperationStats operation_stats() const override { return operations_.snapshot(); }

 protected:
  using CallStart = std::chrono::steady_clock::time_point;

  // Sends exactly the bytes the builder produced.
  boost::asio::awaitable<Result<upstream::Response>> send(upstream::Request request);

  // Builds, sends and parses one call (see interpret), counted for /metrics under `operation`
  // (a fixed word naming the provider call: "balances", "token", "transfer", ...). A request
  // that could not be built was never sent and is not counted.
  template <typename T, typename Parse>
  boost::asio::awaitable<Result<T>> call(std::string_view operation, Result<upstream::Request> built, Parse parse) {
    if (!built) co_return std::move(built).error();
    const CallStart started = std::chrono::steady_clock::now();
    auto response = co_await send(std::move(*built));
    if (!response) co_return counted(operation, started, Result<T>(std::move(response).error()));
    co_return counted(operation, started, interpret<T>(*response, parse));
  }

  // Counts one sent call of `operation` that began at `started` with its outcome; returns it.
  template <typename T>
  Result<T> counted(std::string_view operation, CallStart started, Result<T> result) {
    count_operation(operation, started, result.ok() ? std::nullopt : std::optional<ErrorCode>(result.error().code));
    return result;
  }

  // Runs `use(credential)` (an awaitable Result<T>) with a provider-issued credential, doing
  // what `policy` decides: the cached one or a renewed one, and after an auth_failed, at most
  // one renewal and retry. A renewal goes through the replicas' store when there is one (see
  // obtain_credential), else straight to `renew()` (an awaitable Result<IssuedCredential>).
  template <typename T, typename Renew, typename Use>
  boost::asio::awaitable<Result<T>> with_issued_credential(CachedCredential& cache, const TokenRefreshPolicy& policy,
                                                           Renew renew, Use use) {
    std::optional<std::string> refused;  // the credential the provider refused on the last attempt
    for (unsigned attempt = 1;; ++attempt) {
      auto credential = cache.current();
      auto origin = CredentialOrigin::cached;
      if (policy.before_attempt(attempt, env_.now(), credential) == CredentialStep::renew) {
        auto obtaining = obtain_credential(policy, std::move(refused), RenewCredential(renew));
        Result<ObtainedCredential> obtained = co_await std::move(obtaining);
        if (!obtained) co_return std::move(obtained).error();
        cache.store(obtained->credential);
        credential = std::move(obtained->credential);
        origin = obtained->origin;
      }
      Result<T> result = co_await use(credential->value);
      if (result || result.error().code != ErrorCode::auth_failed || !policy.retry_after_refusal(attempt, origin)) {
        co_return result;
      }
      refused = std::move(credential->value);
    }
  }

  template <typename Settings>
  const Settings& settings() const {
    return *config_.settings_as<Settings>();
  }

  std::int64_t unix_seconds() const;
  std::int64_t unix_millis() const;
  TimePointMs now_ms() const;

  const config::GatewayConfig& config() const { return config_; }

 private:
  using RenewCredential = std::function<boost::asio::awaitable<Result<IssuedCredential>>()>;
  struct ObtainedCredential {
    IssuedCredential credential;
    CredentialOrigin origin = CredentialOrigin::renewed;
  };

  // A credential to replace the cached one (`refused`: the one the provider just refused).
  // Without a store: `renew()`. With one: what SharedRenewal decides — another replica's
  // credential from the store, or this replica renews under the lease and stores the result;
  // when the store cannot answer, `renew()` alone.
  boost::asio::awaitable<Result<ObtainedCredential>> obtain_credential(TokenRefreshPolicy policy,
                                                                       std::optional<std::string> refused,
                                                                       RenewCredential renew);
  // Renews holding `lease`, stores the result for the other replicas and hands the lease back.
  boost::asio::awaitable<Result<ObtainedCredential>> renew_for_all(RenewCredential renew, std::string lease);

  void count_operation(std::string_view operation, CallStart started, std::optional<ErrorCode> failed);

  config::GatewayConfig config_;
  std::shared_ptr<upstream::Client> client_;
  GatewayEnvironment env_;
  std::shared_ptr<CredentialShare> credential_share_;  // null: no store (each replica renews its own)
  metrics::DurationFamily operations_;
};

// The AdapterFactory of an adapter class, for a provider's `make_adapter`.
template <typename Adapter>
std::shared_ptr<Gateway> make_adapter_of(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                                         const GatewayEnvironment& env) {
  return std::make_shared<Adapter>(config, std::move(client), env);
}

}  // namespace coinfan::gateways
