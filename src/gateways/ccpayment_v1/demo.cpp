// The CCPayment v1 merchant behind `coinfan --demo` and the benchmarks: six coins, one of them
// zero, one a single satoshi-sized dust balance.
// Credentials are fixed demo values, so a demo configuration is reproducible.

#include "gateways/ccpayment_v1/simulator.hpp"

#include "gateways/ccpayment_v1/config.hpp"

namespace coinfan::sim {

namespace {

Decimal dec(std::string_view text) { return Decimal::parse(text).value(); }

}  // namespace

CcpaymentV1Account demo_ccpayment_v1_account() {
  CcpaymentV1Account account;
  account.app_id = "202302010636261620672405236006912";
  account.app_secret = "5b1f0d8e2c9a4f7b8e6d3c2a1f0e9d8c";
  const std::string logo = "https://resource.cwallet.com/token/icon/";
  account.coins = {
      {"8e5741cf-6e51-4892-9d04-3d40e1dd0128", "USDT", "Tether USD", dec("127.9514"), dec("1"), logo + "usdt.png"},
      {"f36ad1cf-222a-4933-9ad0-86df8069f916", "BTC", "Bitcoin", dec("0.00523418"), dec("67321.55"), logo + "btc.png"},
      {"e8f64d3d-df5b-411d-897f-c6d8d30206b7", "ETH", "Ethereum", dec("0.4821"), dec("3412.08"), logo + "eth.png"},
      {"2e1d5b8a-6c0f-4f55-8d1e-7a3b9c0d4e21", "TRX", "TRON", dec("0"), dec("0.1213"), logo + "trx.png"},
      {"0c9a6f51-3b8e-4d27-9f1a-5e6d7c8b9a01", "DOGE", "Dogecoin", dec("0.00000001"), dec("0.1587"), logo + "doge.png"},
      {"7d3e2f1a-9b8c-4a5d-8e7f-6a5b4c3d2e1f", "SHIB", "SHIBA INU", dec("1523400.5"), dec("0.00001712"),
       logo + "shib.png"},
  };
  return account;
}

}  // namespace coinfan::sim

namespace coinfan::gateways::ccpayment_v1 {

DemoFactory* const Provider::make_demo = &sim::demo_from_account<sim::CcpaymentV1Provider, &sim::demo_ccpayment_v1_account>;

}  // namespace coinfan::gateways::ccpayment_v1
