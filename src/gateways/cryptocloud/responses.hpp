#pragma once
// CryptoCloud API v2 response parser: /v2/merchant/wallet/balance/all -> balances with USD
// values, and a USD price per currency derived from them.

#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::gateways::cryptocloud {

struct BalanceSnapshot {
  std::vector<Balance> balances;
  std::vector<Price> prices;  // one per balance with a usd_price
};

// Success: {"status":"success","result":[{currency:{code, short_code, obj_network:{code}},
// balance_crypto, balance_usd, available_balance, available_balance_usd}]}. The amounts are
// JSON floats; they are read from their source text, so 0.1 stays exactly 0.1. Mapping:
//   asset = short_code (else the part of `code` before '_'), network = the part of `code`
//   after '_' ("USDT_TRC20" -> TRC20; none for "BTC"), raw_asset = code,
//   total = balance_crypto, available = available_balance (total when absent),
//   locked = total - available (never below zero), usd_value = balance_usd,
//   usd_price = balance_usd / balance_crypto when balance_crypto > 0 and balance_usd > 0,
//   rounded to derived_price_digits significant digits; one Price per currency code, its
//   network named (USDT on TRC20 and on ERC20 are two quotes a person can tell apart).
// Errors:
//   {"detail": "..."} (the API's authentication layer: "Invalid header padding",
//   "Signature verification failed" for a bad key) -> auth_failed for key/header/signature/
//   token problems, rate_limited for "throttled", provider_error otherwise;
//   {"status":"error","result":...} (unverified, seen in a third-party SDK) -> provider_error.
Result<BalanceSnapshot> parse_balance_all_response(std::string_view gateway_id,
                                                   std::string_view body);

}  // namespace coinfan::gateways::cryptocloud
