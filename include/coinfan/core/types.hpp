#pragma once
// Domain types shared by the provider parsers, the merge layer and the API renderers.
// Pure values, no I/O. Each keeps the provider's own identifiers next to the normalised ones
// so a caller can always trace a merged figure back to what the provider said.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/decimal.hpp"

namespace coinfan {

using TimePointMs = std::chrono::sys_time<std::chrono::milliseconds>;

enum class RecordStatus { success, processing, failed };

std::string_view to_string(RecordStatus status) noexcept;

// Maps a provider's status text (CCPayment v2: "Success", "Processing", "Failed"; compared
// case-insensitively, surrounding whitespace ignored) to RecordStatus.
RecordStatus normalise_record_status(std::string_view provider_status);

struct Balance {
  std::string gateway;                 // configured gateway id, e.g. "ccp-main"
  std::string asset;                   // normalised upper-case symbol, e.g. "USDT"
  std::optional<std::string> network;  // e.g. "TRC20" when the provider splits by network
  Decimal total;
  Decimal available;
  Decimal locked;
  std::optional<Decimal> usd_price;
  std::optional<Decimal> usd_value;
  std::string raw_asset;               // provider's own code or id, e.g. "USDT_TRC20", "1280"

  friend bool operator==(const Balance&, const Balance&) = default;
};

// Significant digits a price obtained by division keeps (rounded half-even once, from the
// exact quotient): enough for any real price, from BTC to sub-micro-cent tokens.
inline constexpr unsigned derived_price_digits = 12;

// One source's quote for one asset.
struct Price {
  std::string asset;    // normalised upper-case symbol
  Decimal usd;          // price of one unit
  std::string gateway;  // configured gateway id of the source
  std::string quote;    // what the provider quoted in: "USD" or "USDT" (counted as USD)
  std::string raw_id;   // provider's coin id or code
  std::optional<std::string> network;  // set when the source quotes each network apart (CryptoCloud)
  bool derived = false;  // obtained by division, so rounded to derived_price_digits

  friend bool operator==(const Price&, const Price&) = default;
};

// A source as a person reads it: "<gateway> <ASSET>" or "<gateway> <ASSET>/<NETWORK>"
// ("cloud USDT/TRC20").
std::string source_name(const Price& price);

// One network of a coin, as in CCPayment v2 getCoinList / getCoin `networks.<CHAIN>`.
struct CoinNetwork {
  std::string chain;     // `chain`, e.g. "BSC"
  std::string name;      // `chainFullName`, e.g. "Binance Smart Chain"
  std::string contract;  // `contract`
  std::optional<std::int64_t> precision;  // `precision`
  bool can_deposit = false;               // `canDeposit`
  bool can_withdraw = false;              // `canWithdraw`
  bool memo_required = false;             // `isSupportMemo`
  std::optional<Decimal> min_deposit;     // `minimumDepositAmount`
  std::optional<Decimal> min_withdraw;    // `minimumWithdrawAmount`
  std::optional<Decimal> max_withdraw;    // `maximumWithdrawAmount`; zero means no maximum
  std::optional<Decimal> withdraw_fee;    // not in the v2 coin list; other sources may fill it

  friend bool operator==(const CoinNetwork&, const CoinNetwork&) = default;
};

struct Coin {
  std::string gateway;
  std::string coin_id;  // provider's id as text (`coinId` 1280 -> "1280")
  std::string asset;    // normalised symbol (`symbol`)
  std::string name;     // `coinFullName`
  std::string status;   // provider's text: "Normal", "Maintain", "Pre-delisting", "Delisted"
  std::string logo;     // `logoUrl`
  std::vector<CoinNetwork> networks;

  friend bool operator==(const Coin&, const Coin&) = default;
};

// CCPayment v2 getUserTransferRecord(List) record.
struct TransferRecord {
  std::string gateway;
  std::string record_id;  // `recordId`
  std::string order_id;   // `orderId`
  std::string coin_id;    // `coinId` as text
  std::string asset;      // `coinSymbol`, normalised
  Decimal amount;         // `amount`
  std::string from_user_id;
  std::string to_user_id;
  std::string remark;
  std::string raw_status;  // `status` as sent
  RecordStatus status = RecordStatus::processing;
  // Transfer records carry no timestamp: derived from the record id's UTC prefix.
  std::optional<TimePointMs> created_at;

  friend bool operator==(const TransferRecord&, const TransferRecord&) = default;
};

// CCPayment v2 getUserSwapRecord(List) record / userSwap answer.
struct SwapRecord {
  std::string gateway;
  std::string record_id;   // `recordId`
  std::string order_id;    // `orderId`
  std::string user_id;     // `userId`
  std::string coin_id_in;  // `coinIdIn` as text
  std::string asset_in;    // `coinInSymbol`, normalised
  Decimal amount_in;       // `amountIn`
  std::string coin_id_out;
  std::string asset_out;   // `coinOutSymbol`, normalised
  Decimal amount_out;      // `amountOut`
  Decimal net_amount_out;  // `netAmountOut` = amountOut - fee - extraFee
  Decimal fee;             // `fee`
  Decimal fee_rate;        // `feeRate`
  Decimal extra_fee;       // `extraFee`
  Decimal extra_fee_rate;  // `extraFeeRate`
  Decimal swap_rate;       // `swapRate`
  std::optional<Decimal> amount_out_minimum;  // `amountOutMinimum`
  std::string raw_status;
  RecordStatus status = RecordStatus::processing;
  std::optional<TimePointMs> created_at;  // `createdAt` (10-digit seconds), else record id
  std::optional<TimePointMs> arrived_at;  // `arrivedAt`

  friend bool operator==(const SwapRecord&, const SwapRecord&) = default;
};

// CCPayment v2 `estimate` answer.
struct SwapQuote {
  std::string coin_id_in;
  Decimal amount_in;
  std::string coin_id_out;
  Decimal amount_out;
  Decimal net_amount_out;
  Decimal fee;
  Decimal fee_rate;
  Decimal extra_fee;
  Decimal swap_rate;

  friend bool operator==(const SwapQuote&, const SwapQuote&) = default;
};

// A UTC time written as fixed-position ASCII digit fields: a 4-digit year, then 2-digit month,
// day, hour, minute and second, starting at `offsets` (in that order). nullopt when `text` is
// too short, a field is not all digits, or the fields name no real instant (February 30,
// hour 24, a leap second).
std::optional<std::chrono::sys_seconds> utc_from_digit_fields(std::string_view text,
                                                              const std::array<std::size_t, 6>& offsets);

// Provider timestamps in Unix seconds; nullopt outside years 1970-9999 and for non-positive
// values, which providers send for "unset".
std::optional<TimePointMs> time_from_unix_seconds(std::int64_t seconds);

// "2026-11-21T10:00:00.123Z": always milliseconds, always 'Z'.
std::string format_rfc3339_utc(TimePointMs time);

// Accepts "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)" ('t'/'z'/' ' tolerated as
// RFC 3339 allows); fraction digits past milliseconds are truncated. nullopt when invalid.
std::optional<TimePointMs> parse_rfc3339(std::string_view text);

}  // namespace coinfan
