// CCPayment API v1: one signed POST for every coin's balance and USD price. The response is
// signed too; data whose signature does not verify is never used (bad_signature).

#include "gateways/ccpayment_v1/config.hpp"
#include "gateways/ccpayment_v1/requests.hpp"
#include "gateways/ccpayment_v1/responses.hpp"
#include "gateways/common/adapter.hpp"

namespace coinfan::gateways::ccpayment_v1 {
namespace {

class CcpaymentV1Gateway final : public AdapterBase {
 public:
  using AdapterBase::AdapterBase;

  bool has_prices() const override { return true; }

  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    const auto& credentials = settings<Settings>().credentials;
    auto built = build_assets_request(credentials, unix_seconds());
    if (!built) co_return std::move(built).error();
    const CallStart started = std::chrono::steady_clock::now();
    auto response = co_await send(std::move(*built));
    if (!response) co_return counted("balances", started, Result<BalanceSnapshot>(std::move(response).error()));
    const auto& answer = *response;
    const auto app_id = answer.header("Appid");
    const auto timestamp = answer.header("Timestamp");
    const auto sign = answer.header("Sign");
    co_return counted("balances", started,
                      interpret<BalanceSnapshot>(answer, [&](std::string_view body) -> Result<BalanceSnapshot> {
                        auto parsed = parse_verified_assets_response(id(), credentials, {app_id, timestamp, sign}, body);
                        if (!parsed) return std::move(parsed).error();
                        return BalanceSnapshot{std::move(parsed->balances), std::move(parsed->prices), std::nullopt};
                      }));
  }
};

}  // namespace

AdapterFactory* const Provider::make_adapter = &make_adapter_of<CcpaymentV1Gateway>;

}  // namespace coinfan::gateways::ccpayment_v1
