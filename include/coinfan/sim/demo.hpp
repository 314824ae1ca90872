#pragma once
// The realistic merchant data behind `coinfan --demo` and the benchmarks: several assets and
// networks per provider, some zero and some tiny balances, the documents' quirks ("available":
// "", float amounts, 24-digit decimals), and a CCPayment v2 history of transfers and swaps.
// Credentials are fixed demo values, so a demo configuration is reproducible.

#include <chrono>
#include <memory>

#include "coinfan/config/config.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "coinfan/sim/provider.hpp"
#include "gateways/trubit/simulator.hpp"

namespace coinfan::sim {

CcpaymentV1Account demo_ccpayment_v1_account();
// Coins, merchant and user balances; no records (see make_demo_provider).
CcpaymentV2Account demo_ccpayment_v2_account();
CryptoCloudAccount demo_cryptocloud_account();
TruBitAccount demo_trubit_account();
KunaAccount demo_kuna_account();

// The user ids of the demo CCPayment v2 account (besides the merchant's App ID).
inline constexpr const char* demo_ccpayment_v2_users[] = {"user-alice-1001", "user-bob-2002",
                                                          "user-carol-3003"};

// A provider of `type` with the demo data; CCPayment v2 also gets a history of 46 transfers and
// 18 swaps over the 48 hours before `now`.
std::shared_ptr<Provider> make_demo_provider(config::GatewayType type,
                                             std::chrono::system_clock::time_point now =
                                                 std::chrono::system_clock::now());

}  // namespace coinfan::sim
