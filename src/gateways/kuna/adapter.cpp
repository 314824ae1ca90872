// Kuna Core: balances with a Bearer JWT from /v2/auth/login (re-login shortly before the JWT's
// `exp` and once after a 401), or with a static `api-key`.

#include "gateways/common/cached_credential.hpp"
#include "gateways/kuna/requests.hpp"
#include "gateways/kuna/responses.hpp"
#include "gateways/registry.hpp"

namespace coinfan::gateways {
namespace {

constexpr auto relogin_margin = std::chrono::seconds(60);

class KunaGateway final : public AdapterBase {
 public:
  KunaGateway(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
              const GatewayEnvironment& env)
      : AdapterBase(config, std::move(client), env),
        login_{config.merchant_id, config.email, config.password} {}

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    auto first = co_await fetch_balances(false);
    if (first || first.error().code != ErrorCode::auth_failed || !config().api_key.empty()) co_return first;
    // The JWT was refused before its exp: log in again, once.
    co_return co_await fetch_balances(true);
  }

 private:
  boost::asio::awaitable<Result<BalanceSnapshot>> fetch_balances(bool force_login) {
    kuna::Authorization authorization = kuna::ApiKey{config().api_key};
    if (config().api_key.empty()) {
      auto jwt = co_await current_jwt(force_login);
      if (!jwt) co_return std::move(jwt).error();
      authorization = kuna::BearerToken{std::move(*jwt)};
    }
    auto call = kuna::build_balance_request(authorization, config().wallet_id);
    if (!call) co_return std::move(call).error();
    auto response = co_await send(std::move(*call));
    if (!response) co_return std::move(response).error();
    if (response->status == 401) co_return make_error(ErrorCode::auth_failed, "Kuna answered HTTP 401");
    co_return interpret<BalanceSnapshot>(*response, [&](std::string_view body) -> Result<BalanceSnapshot> {
      auto wallet = kuna::parse_balance_response(id(), body);
      if (!wallet) return std::move(wallet).error();
      return BalanceSnapshot{std::move(wallet->balances), {}};
    });
  }

  boost::asio::awaitable<Result<std::string>> current_jwt(bool force_login) {
    if (!force_login) {
      if (auto cached = session_.usable(now_ms(), relogin_margin)) co_return std::move(*cached);
    }
    auto call = kuna::build_login_request(login_);
    if (!call) co_return std::move(call).error();
    auto response = co_await send(std::move(*call));
    if (!response) co_return std::move(response).error();
    if (response->status == 401 || response->status == 403) {
      co_return make_error(ErrorCode::auth_failed, "Kuna refused the login (HTTP " + std::to_string(response->status) + ")");
    }
    auto login = interpret<kuna::LoginResult>(*response, [](std::string_view body) { return kuna::parse_login_response(body); });
    if (!login) co_return std::move(login).error();
    session_.store(login->access_token, login->expires_at);
    co_return std::move(login->access_token);
  }

  kuna::LoginCredentials login_;
  CachedCredential session_;
};

}  // namespace

std::shared_ptr<Gateway> make_kuna(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                                   const GatewayEnvironment& env) {
  return std::make_shared<KunaGateway>(config, std::move(client), env);
}

}  // namespace coinfan::gateways
