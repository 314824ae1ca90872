// TruBit Business: balances need a token from /v2/token/generate (signed timestamp). The token
// is reused until shortly before its expireTime, and fetched again once after an
// authentication failure. A configured static `token` is used as it is, never refreshed.

#include "gateways/common/cached_credential.hpp"
#include "gateways/registry.hpp"
#include "gateways/trubit/requests.hpp"
#include "gateways/trubit/responses.hpp"

namespace coinfan::gateways {
namespace {

// A token this close to its expiry is replaced before use, so it cannot expire in flight.
constexpr auto refresh_margin = std::chrono::seconds(60);

class TrubitGateway final : public AdapterBase {
 public:
  TrubitGateway(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                const GatewayEnvironment& env)
      : AdapterBase(config, std::move(client), env), credentials_{config.api_key, config.api_secret} {}

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    auto first = co_await fetch_assets(false);
    if (first || first.error().code != ErrorCode::auth_failed || !config().token.empty()) co_return first;
    // The token was refused although we believed it valid: fetch a new one, once.
    co_return co_await fetch_assets(true);
  }

 private:
  boost::asio::awaitable<Result<BalanceSnapshot>> fetch_assets(bool force_new_token) {
    auto token = co_await current_token(force_new_token);
    if (!token) co_return std::move(token).error();
    auto call = trubit::build_assets_request(*token);
    if (!call) co_return std::move(call).error();
    auto response = co_await send(std::move(*call));
    if (!response) co_return std::move(response).error();
    co_return interpret<BalanceSnapshot>(*response, [&](std::string_view body) -> Result<BalanceSnapshot> {
      auto balances = trubit::parse_assets_response(id(), body);
      if (!balances) return std::move(balances).error();
      return BalanceSnapshot{std::move(*balances), {}};
    });
  }

  boost::asio::awaitable<Result<std::string>> current_token(bool force_new) {
    if (!config().token.empty()) co_return config().token;
    if (!force_new) {
      if (auto cached = token_.usable(now_ms(), refresh_margin)) co_return std::move(*cached);
    }
    auto call = trubit::build_token_request(credentials_, unix_millis());
    if (!call) co_return std::move(call).error();
    auto response = co_await send(std::move(*call));
    if (!response) co_return std::move(response).error();
    const auto now = now_ms();
    auto token = interpret<trubit::Token>(*response, [&](std::string_view body) {
      return trubit::parse_token_response(body, now);
    });
    if (!token) co_return std::move(token).error();
    token_.store(token->token, token->expires_at);
    co_return std::move(token->token);
  }

  trubit::Credentials credentials_;
  CachedCredential token_;
};

}  // namespace

std::shared_ptr<Gateway> make_trubit(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                                     const GatewayEnvironment& env) {
  return std::make_shared<TrubitGateway>(config, std::move(client), env);
}

}  // namespace coinfan::gateways
