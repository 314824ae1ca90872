#pragma once
// CCPayment API v2 response parsers: raw body text -> domain types.
//
// Every answer is an envelope {code, msg, data}. code 10000 is success; anything else is
// mapped by error_for_code() and keeps the provider's code and msg in the Error:
//   11004 (rate limited)                                   -> rate_limited
//   11005 (signature verification failed), 11006 (expired) -> auth_failed
//   every other code (10001 failed, 11000..15003)          -> provider_error
// Missing fields the documents mark as always present, wrong JSON types and negative amounts
// are bad_response; nothing here throws.
// Response signatures: v2 does not document any and the official v2 SDK verifies none
// (unverified whether they are sent), so, unlike v1, nothing is checked here.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::gateways::ccpayment_v2 {

inline constexpr std::int64_t success_code = 10000;

Error error_for_code(std::int64_t code, std::string_view message);

// getAppCoinAssetList / getAppCoinAsset. v2 reports one figure per coin, `available`, the
// spendable merchant balance; it knows of nothing locked, so the mapping is
//   total = available = `available` ("" means zero), locked = 0,
//   asset = `coinSymbol`, raw_asset = `coinId` as text, no network, no USD figures.
Result<std::vector<Balance>> parse_app_coin_asset_list(std::string_view gateway_id,
                                                       std::string_view body);
Result<Balance> parse_app_coin_asset(std::string_view gateway_id, std::string_view body);

// getCoinList / getCoin: coins with their networks in the provider's order.
Result<std::vector<Coin>> parse_coin_list(std::string_view gateway_id, std::string_view body);
Result<Coin> parse_coin(std::string_view gateway_id, std::string_view body);

// getCoinUSDTPrice: `data.prices` maps coin id -> USDT price. The answer has no symbols, so
// `symbols` (coin id text -> symbol, e.g. from getCoinList) names the asset; an id it does not
// know yields a Price with an empty asset for the caller to resolve or drop. quote = "USDT".
// A zero price means "no rate" and is left out.
using CoinSymbols = std::unordered_map<std::string, std::string>;
Result<std::vector<Price>> parse_coin_usdt_prices(std::string_view gateway_id,
                                                  std::string_view body,
                                                  const CoinSymbols& symbols);

// userTransfer: the record id of the new transfer.
struct TransferResult {
  std::string record_id;
};
Result<TransferResult> parse_user_transfer(std::string_view body);

// getUserTransferRecord (data.record) and getUserTransferRecordList (data.records + nextId).
// created_at comes from the record id's UTC prefix: transfer records carry no timestamp.
Result<TransferRecord> parse_transfer_record(std::string_view gateway_id, std::string_view body);

struct TransferRecordPage {
  std::vector<TransferRecord> records;
  std::string next_id;  // empty: no further page
};
Result<TransferRecordPage> parse_transfer_record_list(std::string_view gateway_id,
                                                      std::string_view body);

// estimate.
Result<SwapQuote> parse_estimate(std::string_view body);

// userSwap: the new record's ids and the amounts the swap was executed at.
struct SwapResult {
  std::string record_id;
  std::string order_id;
  SwapQuote quote;
};
Result<SwapResult> parse_user_swap(std::string_view body);

// getUserSwapRecord (data.record) and getUserSwapRecordList (data.records + nextId).
// created_at is `createdAt` (10-digit seconds), or the record id's prefix when that is absent.
Result<SwapRecord> parse_swap_record(std::string_view gateway_id, std::string_view body);

struct SwapRecordPage {
  std::vector<SwapRecord> records;
  std::string next_id;  // empty: no further page
};
Result<SwapRecordPage> parse_swap_record_list(std::string_view gateway_id, std::string_view body);

// rescanLostTransaction: the provider's description of what it did, to show to the user.
struct RescanResult {
  std::string description;
};
Result<RescanResult> parse_rescan_lost_transaction(std::string_view body);

}  // namespace coinfan::gateways::ccpayment_v2
