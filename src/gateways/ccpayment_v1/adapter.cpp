// CCPayment API v1: one signed POST for every coin's balance and USD price. The response is
// signed too; data whose signature does not verify is never used (bad_signature).

#include "gateways/ccpayment_v1/requests.hpp"
#include "gateways/ccpayment_v1/responses.hpp"
#include "gateways/registry.hpp"

namespace coinfan::gateways {
namespace {

class CcpaymentV1Gateway final : public AdapterBase {
 public:
  CcpaymentV1Gateway(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                     const GatewayEnvironment& env)
      : AdapterBase(config, std::move(client), env), credentials_{config.app_id, config.app_secret} {}

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    auto call = ccpayment_v1::build_assets_request(credentials_, unix_seconds());
    if (!call) co_return std::move(call).error();
    auto response = co_await send(std::move(*call));
    if (!response) co_return std::move(response).error();
    const auto& answer = *response;
    co_return interpret<BalanceSnapshot>(answer, [&](std::string_view body) -> Result<BalanceSnapshot> {
      const auto app_id = answer.header("Appid");
      const auto timestamp = answer.header("Timestamp");
      const auto sign = answer.header("Sign");
      auto parsed = ccpayment_v1::parse_verified_assets_response(id(), credentials_, {app_id, timestamp, sign}, body);
      if (!parsed) return std::move(parsed).error();
      return BalanceSnapshot{std::move(parsed->balances), std::move(parsed->prices)};
    });
  }

 private:
  ccpayment_v1::Credentials credentials_;
};

}  // namespace

std::shared_ptr<Gateway> make_ccpayment_v1(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                                           const GatewayEnvironment& env) {
  return std::make_shared<CcpaymentV1Gateway>(config, std::move(client), env);
}

}  // namespace coinfan::gateways
