// The Kuna Core merchant behind `coinfan --demo` and the benchmarks: six assets with deposit
// addresses (one with a memo), hold/lock/referral balances and dust.
// Credentials are fixed demo values, so a demo configuration is reproducible.

#include "gateways/kuna/simulator.hpp"

#include "gateways/kuna/config.hpp"

namespace coinfan::sim {

KunaAccount demo_kuna_account() {
  KunaAccount account;
  account.merchant_id = "f2d6a8c4-31b5-4e9a-8c7d-0e1f2a3b4c5d";
  account.email = "treasury@demo-merchant.example";
  account.password = "demo-kuna-password-42";
  account.api_key = "kuna_demo_api_key_3c9e1f7a5b";
  account.wallet_id = "1f44b1c7-9fd4-4d20-b9a4-7aca3646d0d5";
  account.balances = {
      {"BTC", "0", "0", "0", "0", {{"BTC", "bc1q4curzl6agt0l3zvc3ermrzuesm2f9nevm9rll0", std::nullopt}}},
      {"USDT", "0.64", "0", "0", "0",
       {{"TRX", "TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc", std::nullopt},
        {"ETH", "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", std::nullopt}}},
      {"ETH", "0.75", "0.05", "0", "0.001", {{"ETH", "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", std::nullopt}}},
      {"TRX", "1520.123456", "0", "12.5", "0", {{"TRX", "TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc", std::nullopt}}},
      {"XRP", "0.000001", "0", "0", "0", {{"XRP", "rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh", std::string("109")}}},
      {"UAH", "12500.5", "250", "0", "0", {}},
  };
  return account;
}

}  // namespace coinfan::sim

namespace coinfan::gateways::kuna {

DemoFactory* const Provider::make_demo = &sim::demo_from_account<sim::KunaProvider, &sim::demo_kuna_account>;

}  // namespace coinfan::gateways::kuna
