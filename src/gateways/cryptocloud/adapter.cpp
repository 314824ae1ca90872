// CryptoCloud: one POST with `Authorization: Token <key>` for every balance with its USD value;
// the USD price per currency is derived from them by the parser.

#include "gateways/cryptocloud/requests.hpp"
#include "gateways/cryptocloud/responses.hpp"
#include "gateways/registry.hpp"

namespace coinfan::gateways {
namespace {

class CryptocloudGateway final : public AdapterBase {
 public:
  CryptocloudGateway(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                     const GatewayEnvironment& env)
      : AdapterBase(config, std::move(client), env) {}

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    auto call = cryptocloud::build_balance_all_request(config().api_key);
    if (!call) co_return std::move(call).error();
    auto response = co_await send(std::move(*call));
    if (!response) co_return std::move(response).error();
    co_return interpret<BalanceSnapshot>(*response, [&](std::string_view body) -> Result<BalanceSnapshot> {
      auto parsed = cryptocloud::parse_balance_all_response(id(), body);
      if (!parsed) return std::move(parsed).error();
      return BalanceSnapshot{std::move(parsed->balances), std::move(parsed->prices)};
    });
  }
};

}  // namespace

std::shared_ptr<Gateway> make_cryptocloud(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                                          const GatewayEnvironment& env) {
  return std::make_shared<CryptocloudGateway>(config, std::move(client), env);
}

}  // namespace coinfan::gateways
