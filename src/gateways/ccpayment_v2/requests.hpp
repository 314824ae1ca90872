#pragma once
// CCPayment API v2 request builders. Every call is POST https://<base>/ccpayment/v2/<method>
// with a JSON body serialized once here; the HMAC in `Sign` is over exactly call.body.
// Write calls validate their input first (the provider's own rules) and fail with
// invalid_argument before anything is signed or sent.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/request.hpp"
#include "gateways/ccpayment_v2/signer.hpp"

namespace coinfan::gateways::ccpayment_v2 {

inline constexpr std::string_view path_prefix = "/ccpayment/v2/";
// Lists and price lookups accept at most this many ids (provider error 11010).
inline constexpr std::size_t max_ids_per_call = 100;

// --- inputs -------------------------------------------------------------------------------

struct TransferRequest {
  std::string from_user_id;  // 5-64 characters, not starting with "sys"; the merchant is its App ID
  std::string to_user_id;    // same rules
  std::int64_t coin_id = 0;
  // Positive plain decimal. The provider's 0.001 USD minimum needs a price, so the provider
  // enforces that one.
  std::string amount;
  std::string order_id;               // 3-64 characters, the merchant's idempotency key
  std::optional<std::string> remark;  // at most 255 characters
};

// Exactly one of record id / order id (getUserSwapRecord rejects both or neither, and
// getUserTransferRecord needs at least one).
struct RecordLookup {
  enum class By { record_id, order_id };
  By by = By::record_id;
  std::string value;

  static RecordLookup record_id(std::string id) { return {By::record_id, std::move(id)}; }
  static RecordLookup order_id(std::string id) { return {By::order_id, std::move(id)}; }
};

struct TransferRecordQuery {
  std::optional<std::int64_t> coin_id;
  // The document's table marks both user ids required while its example sends only
  // fromUserId; at least one is required here.
  std::optional<std::string> from_user_id;
  std::optional<std::string> to_user_id;
  std::optional<std::int64_t> start_at;  // unix seconds
  std::optional<std::int64_t> end_at;    // unix seconds
  std::optional<std::string> next_id;    // from the previous page; empty means first page
};

struct SwapQuoteRequest {
  std::int64_t coin_id_in = 0;
  std::string amount_in;  // positive plain decimal
  std::int64_t coin_id_out = 0;
  std::optional<std::string> extra_fee_rate;  // 0 <= rate < 1 ("0.01" is 1 %)
};

struct SwapRequest {
  std::string order_id;  // 3-64 characters
  std::string user_id;   // 5-64 characters, not starting with "sys"
  std::int64_t coin_id_in = 0;
  std::string amount_in;  // positive plain decimal
  std::int64_t coin_id_out = 0;
  std::optional<std::string> extra_fee_rate;      // 0 <= rate < 1
  std::optional<std::string> amount_out_minimum;  // positive plain decimal
};

struct SwapRecordQuery {
  std::vector<std::string> record_ids;  // at most 100
  std::vector<std::string> order_ids;   // at most 100, each 3-64 characters
  std::optional<std::string> user_id;
  std::optional<std::int64_t> coin_id_in;
  std::optional<std::int64_t> coin_id_out;
  std::optional<std::int64_t> start_at;  // unix seconds
  std::optional<std::int64_t> end_at;    // unix seconds
  std::optional<std::string> next_id;
};

struct RescanRequest {
  std::string chain;       // chain symbol, e.g. "XLM"
  std::string to_address;  // the deposit address
  std::optional<std::string> memo;
  std::string tx_id;
};

// --- validation (also usable by the API layer before it builds anything) ------------------

Result<std::monostate> validate_user_id(std::string_view field, std::string_view user_id);
Result<std::monostate> validate_order_id(std::string_view field, std::string_view order_id);
// A fee rate: a plain decimal below 1 ("0.01" is a 1 % fee).
Result<std::monostate> validate_fee_rate(std::string_view field, std::string_view rate);
Result<std::monostate> validate(const TransferRequest& request);
Result<std::monostate> validate(const SwapQuoteRequest& request);
Result<std::monostate> validate(const SwapRequest& request);
Result<std::monostate> validate(const RescanRequest& request);

// --- builders (unix_seconds: the 10-digit Timestamp header, valid for two minutes) ----------

Result<upstream::Request> build_get_app_coin_asset_list(const Credentials& credentials,
                                                   std::int64_t unix_seconds);
Result<upstream::Request> build_get_app_coin_asset(const Credentials& credentials,
                                              std::int64_t unix_seconds, std::int64_t coin_id);
Result<upstream::Request> build_get_coin_list(const Credentials& credentials, std::int64_t unix_seconds);
Result<upstream::Request> build_get_coin(const Credentials& credentials, std::int64_t unix_seconds,
                                    std::int64_t coin_id);
Result<upstream::Request> build_get_coin_usdt_price(const Credentials& credentials,
                                               std::int64_t unix_seconds,
                                               std::span<const std::int64_t> coin_ids);
Result<upstream::Request> build_user_transfer(const Credentials& credentials, std::int64_t unix_seconds,
                                         const TransferRequest& request);
Result<upstream::Request> build_get_user_transfer_record(const Credentials& credentials,
                                                    std::int64_t unix_seconds,
                                                    const RecordLookup& lookup);
Result<upstream::Request> build_get_user_transfer_record_list(const Credentials& credentials,
                                                         std::int64_t unix_seconds,
                                                         const TransferRecordQuery& query);
Result<upstream::Request> build_estimate(const Credentials& credentials, std::int64_t unix_seconds,
                                    const SwapQuoteRequest& request);
Result<upstream::Request> build_user_swap(const Credentials& credentials, std::int64_t unix_seconds,
                                     const SwapRequest& request);
Result<upstream::Request> build_get_user_swap_record(const Credentials& credentials,
                                                std::int64_t unix_seconds,
                                                const RecordLookup& lookup);
Result<upstream::Request> build_get_user_swap_record_list(const Credentials& credentials,
                                                     std::int64_t unix_seconds,
                                                     const SwapRecordQuery& query);
Result<upstream::Request> build_rescan_lost_transaction(const Credentials& credentials,
                                                   std::int64_t unix_seconds,
                                                   const RescanRequest& request);

// The generic form behind every builder: signs `body` (possibly empty) for `method`.
Result<upstream::Request> build_signed_call(const Credentials& credentials, std::int64_t unix_seconds,
                                       std::string_view method, std::string body, bool idempotent);

}  // namespace coinfan::gateways::ccpayment_v2
