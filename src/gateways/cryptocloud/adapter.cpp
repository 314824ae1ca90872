// CryptoCloud: one POST with `Authorization: Token <key>` for every balance with its USD value;
// the USD price per currency is derived from them by the parser.

#include "gateways/common/adapter.hpp"
#include "gateways/cryptocloud/config.hpp"
#include "gateways/cryptocloud/requests.hpp"
#include "gateways/cryptocloud/responses.hpp"

namespace coinfan::gateways::cryptocloud {
namespace {

class CryptocloudGateway final : public AdapterBase {
 public:
  using AdapterBase::AdapterBase;

  bool has_prices() const override { return true; }

  boost::asio::awaitable<Result<gateways::BalanceSnapshot>> balances() override {
    auto parsed = co_await call<BalanceSnapshot>("balances", build_balance_all_request(settings<Settings>().api_key),
                                                 [this](std::string_view body) { return parse_balance_all_response(id(), body); });
    if (!parsed) co_return std::move(parsed).error();
    co_return gateways::BalanceSnapshot{std::move(parsed->balances), std::move(parsed->prices), std::nullopt};
  }
};

}  // namespace

AdapterFactory* const Provider::make_adapter = &make_adapter_of<CryptocloudGateway>;

}  // namespace coinfan::gateways::cryptocloud
