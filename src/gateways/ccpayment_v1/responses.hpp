#pragma once
// CCPayment API v1 response parsers: /ccpayment/v1/assets -> balances and USD prices.

#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"
#include "gateways/ccpayment_v1/signer.hpp"

namespace coinfan::gateways::ccpayment_v1 {

inline constexpr std::int64_t success_code = 10000;

struct AssetsSnapshot {
  std::vector<Balance> balances;
  std::vector<Price> prices;  // one per coin with a non-zero `price`
};

// Parses the raw body of an assets response WITHOUT checking its signature (for tests and for
// callers that verified already). `code != 10000` -> provider_error with the provider's code
// and msg. Each `data.list[]` item {coin_id, crypto, name, value, price, logo} becomes:
//   Balance: asset = crypto, total = available = value (v1 reports one figure: the balance),
//            locked = 0, usd_price = price, usd_value = value * price, raw_asset = coin_id.
//   Price:   usd = price (v1 quotes in USD), raw_id = coin_id.
// A price of 0 means "no rate" and yields neither usd_price nor a Price.
Result<AssetsSnapshot> parse_assets_response(std::string_view gateway_id, std::string_view body);

// What the adapter calls: error answers (code != 10000) -> provider_error as above (the SDKs
// only verify success answers); a success answer must carry a valid response signature
// (bad_signature otherwise) before any of its data is used.
Result<AssetsSnapshot> parse_verified_assets_response(std::string_view gateway_id,
                                                      const Credentials& credentials,
                                                      const ResponseSignature& signature,
                                                      std::string_view body);

}  // namespace coinfan::gateways::ccpayment_v1
