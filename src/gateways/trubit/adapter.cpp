// TruBit Business: balances need a token from /v2/token/generate (signed timestamp). The token
// follows the shared refresh policy: reused until shortly before its expireTime, and fetched
// again once after an authentication failure. A configured static `token` is used as it is,
// never refreshed.

#include "gateways/common/adapter.hpp"
#include "gateways/trubit/config.hpp"
#include "gateways/trubit/requests.hpp"
#include "gateways/trubit/responses.hpp"

namespace coinfan::gateways::trubit {
namespace {

class TrubitGateway final : public AdapterBase {
 public:
  using AdapterBase::AdapterBase;

  // A token this close to its expireTime is replaced before use.
  static constexpr TokenRefreshPolicy token_policy{std::chrono::seconds(60)};

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    const auto& static_token = settings<Settings>().token;
    if (!static_token.empty()) {
      auto fetching = fetch_assets(static_token);
      co_return co_await std::move(fetching);
    }
    co_return co_await with_issued_credential<BalanceSnapshot>(
        token_, token_policy, [this] { return new_token(); },
        [this](const std::string& token) { return fetch_assets(token); });
  }

 private:
  boost::asio::awaitable<Result<BalanceSnapshot>> fetch_assets(std::string token) {
    auto balances = co_await call<std::vector<Balance>>(
        "balances", build_assets_request(token), [this](std::string_view body) { return parse_assets_response(id(), body); });
    if (!balances) co_return std::move(balances).error();
    co_return BalanceSnapshot{std::move(*balances), {}, std::nullopt};
  }

  boost::asio::awaitable<Result<IssuedCredential>> new_token() {
    const auto now = now_ms();
    auto token = co_await call<Token>("token", build_token_request(settings<Settings>().credentials, unix_millis()),
                                      [now](std::string_view body) { return parse_token_response(body, now); });
    if (!token) co_return std::move(token).error();
    co_return IssuedCredential{std::move(token->token), token->expires_at};
  }

  CachedCredential token_;
};

}  // namespace

AdapterFactory* const Provider::make_adapter = &make_adapter_of<TrubitGateway>;

}  // namespace coinfan::gateways::trubit
