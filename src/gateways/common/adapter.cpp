#include "gateways/common/adapter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace coinfan::gateways {

upstream::Options client_options(const config::GatewayConfig& config) {
  upstream::Options options;
  options.name = config.id;
  options.base_url = config.base_url;
  options.ca_file = config.ca_file;
  options.timeout = config.timeout;
  // Set-up steps may not use more than the whole call's budget.
  options.resolve_timeout = std::min(options.resolve_timeout, config.timeout);
  options.connect_timeout = std::min(options.connect_timeout, config.timeout);
  options.handshake_timeout = std::min(options.handshake_timeout, config.timeout);
  options.retries = config.retries;
  options.max_concurrency = config.max_concurrency;
  options.rate_limit_rps = config.rate_limit_rps.value_or(0.0);
  return options;
}

AdapterBase::AdapterBase(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                         GatewayEnvironment env)
    : Gateway(config.id, config.type),
      config_(config),
      client_(std::move(client)),
      env_(std::move(env)),
      credential_share_(env_.shared_credentials ? env_.shared_credentials(config_) : nullptr) {}

boost::asio::awaitable<Result<upstream::Response>> AdapterBase::send(upstream::Request request) {
  co_return co_await client_->send(std::move(request));
}

boost::asio::awaitable<Result<AdapterBase::ObtainedCredential>> AdapterBase::obtain_credential(
    TokenRefreshPolicy policy, std::optional<std::string> refused, RenewCredential renew) {
  if (const auto& share = credential_share_) {
    // A lease lasts one whole provider call (the gateway's timeout); a waiter gives up on a
    // lease it never saw handed back once that has surely passed.
    const std::chrono::milliseconds lease_ttl = config_.timeout;
    const SharedRenewal renewal(policy, std::move(refused),
                                std::chrono::steady_clock::now() + lease_ttl + 2 * SharedRenewal::poll_interval);
    std::optional<IssuedCredential> stored;
    for (ShareStep step = SharedRenewal::first(); step != ShareStep::renew_alone;) {
      if (step == ShareStep::look) {
        auto loading = share->load();
        auto loaded = co_await std::move(loading);
        if (!loaded) break;
        stored = std::move(*loaded);
        step = renewal.looked(env_.now(), stored);
      } else if (step == ShareStep::use_stored) {
        co_return ObtainedCredential{std::move(*stored), CredentialOrigin::shared};
      } else if (step == ShareStep::discard_refused) {
        auto discarding = share->discard(*renewal.refused());
        auto removed = co_await std::move(discarding);
        if (!removed) break;
        step = renewal.discarded(*removed, std::chrono::steady_clock::now());
      } else if (step == ShareStep::claim_lease) {
        auto claiming = share->claim(lease_ttl);
        auto lease = co_await std::move(claiming);
        if (!lease) break;
        step = renewal.claimed(lease->has_value(), std::chrono::steady_clock::now());
        if (step == ShareStep::renew) {
          auto renewing = renew_for_all(std::move(renew), std::move(**lease));
          co_return co_await std::move(renewing);
        }
      } else if (step == ShareStep::wait) {
        auto executor = co_await boost::asio::this_coro::executor;
        boost::asio::steady_timer timer(executor, SharedRenewal::poll_interval);
        auto pausing = timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        const auto [ec] = co_await std::move(pausing);
        if (ec) co_return make_error(ErrorCode::cancelled, "the call was cancelled while another replica renewed");
        step = SharedRenewal::waited();
      } else {
        break;
      }
    }
  }
  // No store, or it could not answer (it has counted and logged that): renew alone.
  auto renewing = renew();
  Result<IssuedCredential> issued = co_await std::move(renewing);
  if (!issued) co_return std::move(issued).error();
  co_return ObtainedCredential{std::move(*issued), CredentialOrigin::renewed};
}

boost::asio::awaitable<Result<AdapterBase::ObtainedCredential>> AdapterBase::renew_for_all(RenewCredential renew,
                                                                                          std::string lease) {
  const auto& share = credential_share_;
  auto renewing = renew();
  Result<IssuedCredential> issued = co_await std::move(renewing);
  if (!issued) {
    // Handed back so that a waiting replica tries at once; whether Redis answered changes
    // nothing for this call.
    auto releasing = share->release(std::move(lease));
    co_await std::move(releasing);
    co_return std::move(issued).error();
  }
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::milliseconds>(issued->expires_at - env_.now());
  if (lifetime > std::chrono::milliseconds::zero()) {
    // A credential the store did not take is still good for this replica.
    auto publishing = share->publish(*issued, lifetime, std::move(lease));
    co_await std::move(publishing);
  } else {
    auto releasing = share->release(std::move(lease));
    co_await std::move(releasing);
  }
  co_return ObtainedCredential{std::move(*issued), CredentialOrigin::renewed};
}

void AdapterBase::count_operation(std::string_view operation, CallStart started, std::optional<ErrorCode> failed) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  operations_.observe({operation, failed ? to_string(*failed) : std::string_view("ok")}, elapsed);
}

std::int64_t AdapterBase::unix_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(env_.now().time_since_epoch()).count();
}

std::int64_t AdapterBase::unix_millis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(env_.now().time_since_epoch()).count();
}

TimePointMs AdapterBase::now_ms() const { return std::chrono::time_point_cast<std::chrono::milliseconds>(env_.now()); }

Error error_for_status(const upstream::Response& response, const Error& parse_error) {
  switch (parse_error.code) {
    case ErrorCode::provider_error:
    case ErrorCode::auth_failed:
    case ErrorCode::rate_limited:
      return parse_error;
    default:
      break;
  }
  if (response.status == 401 || response.status == 403) {
    return make_error(ErrorCode::auth_failed, "upstream answered HTTP " + std::to_string(response.status));
  }
  return upstream::status_error(response);
}

}  // namespace coinfan::gateways
