// Kuna Core: balances with a Bearer JWT from /v2/auth/login, following the shared refresh
// policy (re-login shortly before the JWT's `exp`, and once after a 401), or with a static
// `api-key`.

#include "gateways/common/adapter.hpp"
#include "gateways/kuna/config.hpp"
#include "gateways/kuna/requests.hpp"
#include "gateways/kuna/responses.hpp"

namespace coinfan::gateways::kuna {
namespace {

constexpr TokenRefreshPolicy jwt_policy(std::chrono::seconds(60));

class KunaGateway final : public AdapterBase {
 public:
  using AdapterBase::AdapterBase;

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    if (const auto& key = settings<Settings>().api_key; !key.empty()) {
      // Not `co_await fetch_balances(ApiKey{key})`: g++ 12 destroys a temporary inside a
      // co_await expression twice.
      auto fetching = fetch_balances(ApiKey{key});
      co_return co_await std::move(fetching);
    }
    auto with_jwt = [this](const std::string& jwt) { return fetch_balances(BearerToken{jwt}); };
    co_return co_await with_issued_credential<BalanceSnapshot>(session_, jwt_policy, [this] { return login(); }, with_jwt);
  }

 private:
  CachedCredential session_;  // the JWT from the last login

  boost::asio::awaitable<Result<BalanceSnapshot>> fetch_balances(Authorization authorization) {
    auto built = build_balance_request(authorization, settings<Settings>().wallet_id);
    if (!built) co_return std::move(built).error();
    const CallStart started = std::chrono::steady_clock::now();
    auto response = co_await send(std::move(*built));
    co_return counted("balances", started, balances_from(std::move(response)));
  }

  Result<BalanceSnapshot> balances_from(Result<upstream::Response> response) const {
    if (!response) return std::move(response).error();
    if (response->status == 401) return make_error(ErrorCode::auth_failed, "Kuna answered HTTP 401");
    auto wallet = interpret<WalletSnapshot>(*response, [this](std::string_view body) { return parse_balance_response(id(), body); });
    if (!wallet) return std::move(wallet).error();
    return BalanceSnapshot{std::move(wallet->balances), {}, std::nullopt};
  }

  boost::asio::awaitable<Result<IssuedCredential>> login() {
    auto built = build_login_request(settings<Settings>().login);
    if (!built) co_return std::move(built).error();
    const CallStart started = std::chrono::steady_clock::now();
    auto response = co_await send(std::move(*built));
    co_return counted("login", started, login_from(std::move(response)));
  }

  static Result<IssuedCredential> login_from(Result<upstream::Response> response) {
    if (!response) return std::move(response).error();
    if (response->status == 401 || response->status == 403) {
      return make_error(ErrorCode::auth_failed, "Kuna refused the login (HTTP " + std::to_string(response->status) + ")");
    }
    auto login = interpret<LoginResult>(*response, [](std::string_view body) { return parse_login_response(body); });
    if (!login) return std::move(login).error();
    return IssuedCredential{std::move(login->access_token), login->expires_at};
  }
};

}  // namespace

AdapterFactory* const Provider::make_adapter = &make_adapter_of<KunaGateway>;

}  // namespace coinfan::gateways::kuna
