// The TruBit account behind `coinfan --demo` and the benchmarks: five assets (one zero, one
// dust) and two VelaFi merchants.
// Credentials are fixed demo values, so a demo configuration is reproducible.

#include "gateways/trubit/simulator.hpp"

#include "gateways/trubit/config.hpp"

namespace coinfan::sim {

TruBitAccount demo_trubit_account() {
  TruBitAccount account;
  account.api_key = "tbk_demo_6f1d2c3b4a5e6f708192a3b4c5d6e7f8";
  account.api_secret = "tbs_demo_0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  account.balances = {
      {"BTC", "1", "Bitcoin", "1.5", "1.0", "0.5"},
      {"ETH", "2", "Ethereum", "10.0", "5.0", "5.0"},
      {"USDT", "5", "Tether USD", "2500.75", "2400.75", "100"},
      {"USDC", "6", "USD Coin", "0", "0", "0"},
      {"TRX", "9", "TRON", "0.000001", "0.000001", "0"},
  };
  account.merchants = {
      {101, {{"BTC", "1", "Bitcoin", "1.0", "0.5", "0.5"}, {"USDT", "5", "Tether USD", "2000", "1900", "100"}}},
      {102, {{"BTC", "1", "Bitcoin", "0.5", "0.5", "0"}, {"USDT", "5", "Tether USD", "500.75", "500.75", "0"}}},
  };
  return account;
}

}  // namespace coinfan::sim

namespace coinfan::gateways::trubit {

DemoFactory* const Provider::make_demo = &sim::demo_from_account<sim::TruBitProvider, &sim::demo_trubit_account>;

}  // namespace coinfan::gateways::trubit
