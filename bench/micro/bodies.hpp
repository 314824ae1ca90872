#pragma once
// Generated inputs of the micro-benchmarks: provider response bodies with N assets in each
// provider's own shape (the fields the parsers read plus the ones the providers also send, as
// in tests/fixtures/<provider>/), and the merge layer's inputs for S sources x N balances.
// Every amount is decimal text made from integers, so the inputs are identical on every run.

#include <cstddef>
#include <string>
#include <vector>

#include "coinfan/aggregate/gateway_status.hpp"
#include "coinfan/aggregate/merge.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::bench {

// The i-th ticker: the common ones first, then made-up "T0042"-style symbols.
std::string ticker(std::size_t i);
// Amount text of asset i at gateway g: a few integer digits and up to 8 fraction digits;
// every fifth asset is empty ("0").
std::string amount_text(std::size_t i, std::size_t g);
// USD price text of asset i as gateway g quotes it: 1e-6 .. 1e5, sources within 0.5 %.
std::string price_text(std::size_t i, std::size_t g);
// The same amounts as JSON floats (CryptoCloud): at most 15 significant digits.
std::string float_amount_text(std::size_t i);

std::string ccpayment_v1_assets_body(std::size_t assets);
std::string ccpayment_v2_asset_list_body(std::size_t assets);
std::string ccpayment_v2_usdt_prices_body(std::size_t assets);
std::string cryptocloud_balance_all_body(std::size_t assets);
std::string trubit_assets_body(std::size_t assets);
std::string kuna_balance_body(std::size_t assets);

// S gateways ("gw0".."gw4"), each with N balances (the same N tickers) and one USD quote per
// asset (none for every seventh asset, so some assets are priced by fewer sources).
std::vector<aggregate::GatewayBalances> merge_sources(std::size_t sources, std::size_t assets);
std::vector<aggregate::GatewayStatus> ok_statuses(std::size_t sources);

}  // namespace coinfan::bench
