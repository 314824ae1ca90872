#pragma once
// Simulated CCPayment API v2: POST /ccpayment/v2/<method>, HMAC-SHA256 request signatures, a
// coin catalogue with USDT prices, balances per user (the merchant's own account is its App ID)
// that move when transfers and swaps execute, unique order ids and record lists paged by 20.
//
// Every answer is HTTP 200 with {"code":<int>,"msg":"..."} (plus "data" on success). Codes used
// (numbers and meanings from the official error list; the msg texts are my wording):
//   11000 invalid argument (bad JSON, missing/ill-typed field, user id rules, amounts, nextId)
//   11001 invalid header (Appid, Timestamp or Sign missing; Timestamp not digits)
//   11003 not found (record lookups)
//   11005 signature verification failed (also an unknown Appid: nothing to verify against)
//   11006 request expired (Timestamp more than 120 s from the simulator's clock, either side)
//   11010 too many items (more than 100 ids in one call)
//   11011 duplicate order (an orderId already used for the same kind of order)
//   13000 coin not supported (unknown coinId) — my choice inside the documented 13000-13004
//   14000 insufficient balance
// Unknown paths and non-POST methods get 404 text/plain "404 page not found" (a Go router's
// answer; my reading). Quirks kept from the documents: "available": "" for a listed coin that
// never held a balance; swap records carry amountIn, netAmountOut, swapRate and fee with 24
// fractional digits; record ids start with their UTC creation time YYYYMMDDhhmmss; lists are
// newest first (the documents do not say; my reading), 20 per page, "nextId" empty when done.
// getUserTransferRecordList needs fromUserId or toUserId (the table marks both required, the
// example sends one); nextId is the id of the first record of the next page and must belong to
// the same query (else 11000). Not simulated: 11004 rate limits, 11008 query span, 11009 daily
// limits (inject them as provider_error faults); answers are not signed (v2 signatures of
// responses are undocumented).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/decimal.hpp"
#include "coinfan/sim/provider.hpp"

namespace coinfan::sim {

struct CcpaymentV2Network {
  std::string chain;            // "TRX"
  std::string chain_full_name;  // "Tron"
  std::string contract;
  int precision = 18;
  bool can_deposit = true;
  bool can_withdraw = true;
  bool is_support_memo = false;
  std::string minimum_deposit_amount = "0";
  std::string minimum_withdraw_amount = "0";
  std::string maximum_withdraw_amount = "0";
};

struct CcpaymentV2Coin {
  std::int64_t coin_id = 0;
  std::string symbol;     // "USDT"
  std::string full_name;  // "Tether USD"
  std::string logo_url;
  std::string status = "Normal";  // Normal, Maintain, Pre-delisting, Delisted
  std::vector<CcpaymentV2Network> networks;
  Decimal usdt_price;  // what getCoinUSDTPrice answers; zero: no price
};

// A balance of one user (or of the merchant: user_id == app_id) in one coin. nullopt is listed
// as "available": "" (a coin enabled but never funded).
struct CcpaymentV2Balance {
  std::string user_id;
  std::int64_t coin_id = 0;
  std::optional<Decimal> available;
};

struct CcpaymentV2Account {
  std::string app_id;
  std::string app_secret;
  std::vector<CcpaymentV2Coin> coins;
  std::vector<CcpaymentV2Balance> balances;
  Decimal swap_fee_rate;      // CCPayment's share of amountOut, e.g. 0.002
  Decimal min_swap_fee_usdt;  // a smaller fee is raised to this many USDT worth of the out coin
  Decimal min_transfer_usd;   // documented: 0.001
};

struct CcpaymentV2TransferRecord {
  std::string record_id;  // empty when seeding: generated from created_at
  std::string order_id;
  std::string from_user_id;
  std::string to_user_id;
  std::int64_t coin_id = 0;
  Decimal amount;
  std::string remark;
  std::string status = "Success";  // Success, Processing, Failed
  std::chrono::sys_seconds created_at{};
};

struct CcpaymentV2SwapRecord {
  std::string record_id;  // empty when seeding: generated from created_at
  std::string order_id;
  std::string user_id;
  std::int64_t coin_id_in = 0;
  std::int64_t coin_id_out = 0;
  Decimal amount_in;
  Decimal amount_out;
  Decimal net_amount_out;  // amount_out - fee - extra_fee
  Decimal swap_rate;       // amount_out / amount_in
  Decimal fee_rate;
  Decimal fee;
  Decimal extra_fee_rate;
  Decimal extra_fee;
  std::optional<Decimal> amount_out_minimum;
  std::string status = "Success";
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds arrived_at{};
};

// A generated history: `transfers` transfers and `swaps` swaps spread evenly through one time
// line (interleaved, `spacing` apart, the oldest at `first_at`). Transfers go round the users
// (users[i] -> users[i+1]); swaps rotate through the users. History only: balances do not move.
struct CcpaymentV2HistorySpec {
  std::vector<std::string> users;  // at least two, each a valid user id (or the App ID)
  std::size_t transfers = 0;
  std::size_t swaps = 0;
  std::chrono::sys_seconds first_at{};
  std::chrono::seconds spacing{60};
  std::int64_t transfer_coin_id = 1280;
  std::int64_t swap_coin_id_in = 1280;
  std::int64_t swap_coin_id_out = 1482;
  std::string order_prefix = "seed";
};

struct CcpaymentV2SeededHistory {
  std::vector<std::string> transfer_record_ids;  // oldest first
  std::vector<std::string> swap_record_ids;      // oldest first
};

class CcpaymentV2Provider final : public Provider {
 public:
  static constexpr std::string_view path_prefix = "/ccpayment/v2/";
  static constexpr std::chrono::seconds timestamp_window{120};
  static constexpr std::size_t page_size = 20;
  static constexpr std::size_t max_ids = 100;

  explicit CcpaymentV2Provider(CcpaymentV2Account account);
  ~CcpaymentV2Provider() override;

  Reply handle(const SimRequest& request) override;
  Reply error_reply(std::string_view code, std::string_view message,
                    unsigned status) const override;
  config::GatewayConfig gateway_config(std::string id, std::string base_url) const override;

  const std::string& app_id() const noexcept { return app_id_; }

  // Balance of `user_id` (the App ID for the merchant) in `coin_id`; nullopt when none or "".
  std::optional<Decimal> available(std::string_view user_id, std::int64_t coin_id) const;
  void set_available(std::string user_id, std::int64_t coin_id, std::optional<Decimal> amount);

  // Appends a record as history (balances do not move); returns its record id. Throws
  // std::invalid_argument for an unknown coin or an order id already used.
  std::string add_transfer_record(CcpaymentV2TransferRecord record);
  std::string add_swap_record(CcpaymentV2SwapRecord record);
  CcpaymentV2SeededHistory seed_history(const CcpaymentV2HistorySpec& spec);

  // userTransfer / userSwap requests with this orderId that passed the signature checks, and
  // how many times the order was carried out (a duplicate is refused with 11011: at most once).
  std::uint64_t submissions(std::string_view order_id) const;
  std::uint64_t executions(std::string_view order_id) const;

  std::vector<CcpaymentV2TransferRecord> transfer_records() const;  // in creation order
  std::vector<CcpaymentV2SwapRecord> swap_records() const;          // in creation order

  // The quote `estimate` would give (also used by userSwap and seed_history); nullopt with
  // `error` set when the coins are unknown or the amount is too small to pay the fee.
  struct Quote {
    Decimal amount_in, amount_out, net_amount_out, swap_rate, fee_rate, fee, extra_fee;
  };
  std::optional<Quote> quote(std::int64_t coin_in, const Decimal& amount_in, std::int64_t coin_out,
                             const Decimal& extra_fee_rate, std::string* error = nullptr) const;

  struct State;

 private:
  std::string app_id_;
  mutable std::mutex mutex_;
  std::unique_ptr<State> state_;  // guarded by mutex_
};

// --- demo data (demo.cpp): the realistic account behind `coinfan --demo` and the benchmarks ---

// Coins, merchant and user balances; no records (see make_demo_ccpayment_v2).
CcpaymentV2Account demo_ccpayment_v2_account();
// The user ids of the demo CCPayment v2 account (besides the merchant's App ID).
inline constexpr const char* demo_ccpayment_v2_users[] = {"user-alice-1001", "user-bob-2002",
                                                          "user-carol-3003"};
// A provider with the demo account and a history of 46 transfers and 18 swaps over the 48 hours
// before `now`.
std::shared_ptr<Provider> make_demo_ccpayment_v2(std::chrono::system_clock::time_point now);

}  // namespace coinfan::sim
