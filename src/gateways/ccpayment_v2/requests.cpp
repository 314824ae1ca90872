#include "gateways/ccpayment_v2/requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "gateways/common/input.hpp"

namespace coinfan::gateways::ccpayment_v2 {
namespace {

using Status = Result<std::monostate>;

// Generous bounds for identifiers the documents give no length for (chains, addresses, txids).
constexpr std::size_t max_record_id_chars = 64;
constexpr std::size_t max_chain_chars = 32;
constexpr std::size_t max_address_chars = 256;

std::optional<Error> check_coin_id(std::string_view field, std::int64_t coin_id) {
  if (coin_id <= 0) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must be a positive coin id");
  }
  return std::nullopt;
}

std::optional<Error> check_unix_time(std::string_view field, std::optional<std::int64_t> value) {
  // Ten digits at most: the provider takes 10-digit seconds, not milliseconds.
  if (value && (*value < 0 || *value > 9'999'999'999)) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must be unix seconds (10 digits at most)");
  }
  return std::nullopt;
}

std::optional<Error> check_time_range(std::optional<std::int64_t> start_at,
                                      std::optional<std::int64_t> end_at) {
  if (auto error = check_unix_time("startAt", start_at)) return error;
  if (auto error = check_unix_time("endAt", end_at)) return error;
  if (start_at && end_at && *start_at > *end_at) {
    return make_error(ErrorCode::invalid_argument, "startAt must not be after endAt");
  }
  return std::nullopt;
}

std::optional<Error> check_fee_rate(std::string_view field, std::string_view rate) {
  if (!is_plain_decimal(rate)) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must be a plain decimal string such as \"0.01\"");
  }
  // Below 1: the integer part is all zeros ("0.01" is a 1 % fee; 100 % or more is a mistake).
  const auto point = rate.find('.');
  const std::string_view integer_part = rate.substr(0, point);
  if (integer_part.find_first_not_of('0') != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must be below 1 (0.01 means 1 %)");
  }
  return std::nullopt;
}

std::optional<Error> first_error(const Status& status) {
  if (status) return std::nullopt;
  return status.error();
}

std::optional<Error> check_record_lookup(const RecordLookup& lookup) {
  if (lookup.by == RecordLookup::By::order_id) {
    return first_error(validate_order_id("orderId", lookup.value));
  }
  return check_text("recordId", lookup.value, 1, max_record_id_chars);
}

boost::json::object lookup_body(const RecordLookup& lookup) {
  boost::json::object body;
  if (lookup.by == RecordLookup::By::order_id) {
    body["orderId"] = lookup.value;
  } else {
    body["recordId"] = lookup.value;
  }
  return body;
}

// The optional filters the list calls share; each is checked before it goes into `body`.
std::optional<Error> add_coin_id(boost::json::object& body, std::string_view field, std::optional<std::int64_t> coin_id) {
  if (!coin_id) return std::nullopt;
  if (auto error = check_coin_id(field, *coin_id)) return error;
  body[field] = *coin_id;
  return std::nullopt;
}

std::optional<Error> add_user_id(boost::json::object& body, std::string_view field,
                                 const std::optional<std::string>& user_id) {
  if (!user_id) return std::nullopt;
  if (auto status = validate_user_id(field, *user_id); !status) return std::move(status).error();
  body[field] = *user_id;
  return std::nullopt;
}

// startAt / endAt and the page cursor nextId (empty: first page).
std::optional<Error> add_range_and_cursor(boost::json::object& body, std::optional<std::int64_t> start_at,
                                          std::optional<std::int64_t> end_at,
                                          const std::optional<std::string>& next_id) {
  if (auto error = check_time_range(start_at, end_at)) return error;
  if (start_at) body["startAt"] = *start_at;
  if (end_at) body["endAt"] = *end_at;
  if (next_id && !next_id->empty()) {
    if (auto error = check_text("nextId", *next_id, 1, 256)) return error;
    body["nextId"] = *next_id;
  }
  return std::nullopt;
}

// What estimate and userSwap both send, in this order.
void add_swap_terms(boost::json::object& body, std::int64_t coin_id_in, const std::string& amount_in,
                    std::int64_t coin_id_out, const std::optional<std::string>& extra_fee_rate) {
  body["coinIdIn"] = coin_id_in;
  body["amountIn"] = amount_in;
  body["coinIdOut"] = coin_id_out;
  if (extra_fee_rate) body["extraFeeRate"] = *extra_fee_rate;
}

// getUserTransferRecord / getUserSwapRecord: one record by record id or order id.
Result<upstream::Request> build_lookup(const Credentials& credentials, std::int64_t unix_seconds,
                                       std::string_view method, const RecordLookup& lookup);

// An empty object is sent as an empty body: the documents' examples send "" for calls
// without parameters, and the signature then covers appId + timestamp only.
std::string serialize_body(const boost::json::object& body) {
  if (body.empty()) return {};
  return boost::json::serialize(body);
}

}  // namespace

Result<std::monostate> validate_user_id(std::string_view field, std::string_view user_id) {
  if (auto error = check_text(field, user_id, 5, 64)) return std::move(*error);
  if (user_id.starts_with("sys")) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must not start with \"sys\" (reserved by CCPayment)");
  }
  return std::monostate{};
}

Result<std::monostate> validate_order_id(std::string_view field, std::string_view order_id) {
  if (auto error = check_text(field, order_id, 3, 64)) return std::move(*error);
  return std::monostate{};
}

Result<std::monostate> validate_fee_rate(std::string_view field, std::string_view rate) {
  if (auto error = check_fee_rate(field, rate)) return std::move(*error);
  return std::monostate{};
}

Result<std::monostate> validate(const TransferRequest& request) {
  if (auto status = validate_user_id("fromUserId", request.from_user_id); !status) return status;
  if (auto status = validate_user_id("toUserId", request.to_user_id); !status) return status;
  if (request.from_user_id == request.to_user_id) {
    return make_error(ErrorCode::invalid_argument, "fromUserId and toUserId must differ");
  }
  if (auto error = check_coin_id("coinId", request.coin_id)) return std::move(*error);
  if (auto error = check_positive_amount("amount", request.amount)) return std::move(*error);
  if (auto status = validate_order_id("orderId", request.order_id); !status) return status;
  if (request.remark) {
    if (auto error = check_text("remark", *request.remark, 0, 255)) return std::move(*error);
  }
  return std::monostate{};
}

Result<std::monostate> validate(const SwapQuoteRequest& request) {
  if (auto error = check_coin_id("coinIdIn", request.coin_id_in)) return std::move(*error);
  if (auto error = check_coin_id("coinIdOut", request.coin_id_out)) return std::move(*error);
  if (request.coin_id_in == request.coin_id_out) {
    return make_error(ErrorCode::invalid_argument, "coinIdIn and coinIdOut must differ");
  }
  if (auto error = check_positive_amount("amountIn", request.amount_in)) return std::move(*error);
  if (request.extra_fee_rate) {
    if (auto error = check_fee_rate("extraFeeRate", *request.extra_fee_rate)) {
      return std::move(*error);
    }
  }
  return std::monostate{};
}

Result<std::monostate> validate(const SwapRequest& request) {
  if (auto status = validate_order_id("orderId", request.order_id); !status) return status;
  if (auto status = validate_user_id("userId", request.user_id); !status) return status;
  const SwapQuoteRequest quote{request.coin_id_in, request.amount_in, request.coin_id_out,
                               request.extra_fee_rate};
  if (auto status = validate(quote); !status) return status;
  if (request.amount_out_minimum) {
    if (auto error = check_positive_amount("amountOutMinimum", *request.amount_out_minimum)) {
      return std::move(*error);
    }
  }
  return std::monostate{};
}

Result<std::monostate> validate(const RescanRequest& request) {
  if (auto error = check_text("chain", request.chain, 1, max_chain_chars)) return std::move(*error);
  if (auto error = check_text("toAddress", request.to_address, 1, max_address_chars)) {
    return std::move(*error);
  }
  if (auto error = check_text("txId", request.tx_id, 1, max_address_chars))
    return std::move(*error);
  if (request.memo) {
    if (auto error = check_text("memo", *request.memo, 0, max_address_chars)) {
      return std::move(*error);
    }
  }
  return std::monostate{};
}

Result<upstream::Request> build_signed_call(const Credentials& credentials, std::int64_t unix_seconds,
                                       std::string_view method, std::string body, bool idempotent) {
  if (auto error = check_credential("app_id", credentials.app_id)) return std::move(*error);
  if (auto error = check_credential("app_secret", credentials.app_secret)) return std::move(*error);
  if (unix_seconds < 0) return make_error(ErrorCode::invalid_argument, "timestamp is negative");

  const std::string timestamp = std::to_string(unix_seconds);
  auto signature = sign(credentials, timestamp, body);
  if (!signature) return std::move(signature).error();

  upstream::Request call;
  call.method = "POST";
  call.target = std::string(path_prefix) + std::string(method);
  call.headers = {
      {"Appid", credentials.app_id},
      {"Timestamp", timestamp},
      {"Sign", std::move(*signature)},
      {"Content-Type", "application/json"},
  };
  call.body = std::move(body);
  call.idempotent = idempotent;
  return call;
}

namespace {

Result<upstream::Request> build_lookup(const Credentials& credentials, std::int64_t unix_seconds,
                                       std::string_view method, const RecordLookup& lookup) {
  if (auto error = check_record_lookup(lookup)) return std::move(*error);
  return build_signed_call(credentials, unix_seconds, method, serialize_body(lookup_body(lookup)), true);
}

}  // namespace

Result<upstream::Request> build_get_app_coin_asset_list(const Credentials& credentials,
                                                   std::int64_t unix_seconds) {
  return build_signed_call(credentials, unix_seconds, "getAppCoinAssetList", {}, true);
}

Result<upstream::Request> build_get_app_coin_asset(const Credentials& credentials,
                                              std::int64_t unix_seconds, std::int64_t coin_id) {
  if (auto error = check_coin_id("coinId", coin_id)) return std::move(*error);
  boost::json::object body;
  body["coinId"] = coin_id;
  return build_signed_call(credentials, unix_seconds, "getAppCoinAsset", serialize_body(body),
                           true);
}

Result<upstream::Request> build_get_coin_list(const Credentials& credentials,
                                         std::int64_t unix_seconds) {
  return build_signed_call(credentials, unix_seconds, "getCoinList", {}, true);
}

Result<upstream::Request> build_get_coin(const Credentials& credentials, std::int64_t unix_seconds,
                                    std::int64_t coin_id) {
  if (auto error = check_coin_id("coinId", coin_id)) return std::move(*error);
  boost::json::object body;
  body["coinId"] = coin_id;
  return build_signed_call(credentials, unix_seconds, "getCoin", serialize_body(body), true);
}

Result<upstream::Request> build_get_coin_usdt_price(const Credentials& credentials,
                                               std::int64_t unix_seconds,
                                               std::span<const std::int64_t> coin_ids) {
  if (coin_ids.empty()) {
    return make_error(ErrorCode::invalid_argument, "coinIds must name at least one coin");
  }
  if (coin_ids.size() > max_ids_per_call) {
    return make_error(ErrorCode::invalid_argument,
                      "coinIds names more than " + std::to_string(max_ids_per_call) + " coins");
  }
  boost::json::array ids;
  ids.reserve(coin_ids.size());
  for (const std::int64_t id : coin_ids) {
    if (auto error = check_coin_id("coinIds[]", id)) return std::move(*error);
    ids.emplace_back(id);
  }
  boost::json::object body;
  body["coinIds"] = std::move(ids);
  return build_signed_call(credentials, unix_seconds, "getCoinUSDTPrice", serialize_body(body),
                           true);
}

Result<upstream::Request> build_user_transfer(const Credentials& credentials, std::int64_t unix_seconds,
                                         const TransferRequest& request) {
  if (auto status = validate(request); !status) return std::move(status).error();
  boost::json::object body;
  body["fromUserId"] = request.from_user_id;
  body["toUserId"] = request.to_user_id;
  body["coinId"] = request.coin_id;
  body["amount"] = request.amount;
  body["orderId"] = request.order_id;
  if (request.remark && !request.remark->empty()) body["remark"] = *request.remark;
  return build_signed_call(credentials, unix_seconds, "userTransfer", serialize_body(body), false);
}

Result<upstream::Request> build_get_user_transfer_record(const Credentials& credentials,
                                                    std::int64_t unix_seconds,
                                                    const RecordLookup& lookup) {
  return build_lookup(credentials, unix_seconds, "getUserTransferRecord", lookup);
}

Result<upstream::Request> build_get_user_transfer_record_list(const Credentials& credentials,
                                                         std::int64_t unix_seconds,
                                                         const TransferRecordQuery& query) {
  if (!query.from_user_id && !query.to_user_id) {
    return make_error(ErrorCode::invalid_argument,
                      "getUserTransferRecordList needs fromUserId or toUserId");
  }
  boost::json::object body;
  if (auto error = add_coin_id(body, "coinId", query.coin_id)) return std::move(*error);
  if (auto error = add_user_id(body, "fromUserId", query.from_user_id)) return std::move(*error);
  if (auto error = add_user_id(body, "toUserId", query.to_user_id)) return std::move(*error);
  if (auto error = add_range_and_cursor(body, query.start_at, query.end_at, query.next_id)) return std::move(*error);
  return build_signed_call(credentials, unix_seconds, "getUserTransferRecordList",
                           serialize_body(body), true);
}

Result<upstream::Request> build_estimate(const Credentials& credentials, std::int64_t unix_seconds,
                                    const SwapQuoteRequest& request) {
  if (auto status = validate(request); !status) return std::move(status).error();
  boost::json::object body;
  add_swap_terms(body, request.coin_id_in, request.amount_in, request.coin_id_out, request.extra_fee_rate);
  // A quote moves no money, so it may be retried like a read.
  return build_signed_call(credentials, unix_seconds, "estimate", serialize_body(body), true);
}

Result<upstream::Request> build_user_swap(const Credentials& credentials, std::int64_t unix_seconds,
                                     const SwapRequest& request) {
  if (auto status = validate(request); !status) return std::move(status).error();
  boost::json::object body;
  body["orderId"] = request.order_id;
  body["userId"] = request.user_id;
  add_swap_terms(body, request.coin_id_in, request.amount_in, request.coin_id_out, request.extra_fee_rate);
  if (request.amount_out_minimum) body["amountOutMinimum"] = *request.amount_out_minimum;
  return build_signed_call(credentials, unix_seconds, "userSwap", serialize_body(body), false);
}

Result<upstream::Request> build_get_user_swap_record(const Credentials& credentials,
                                                std::int64_t unix_seconds,
                                                const RecordLookup& lookup) {
  return build_lookup(credentials, unix_seconds, "getUserSwapRecord", lookup);
}

Result<upstream::Request> build_get_user_swap_record_list(const Credentials& credentials,
                                                     std::int64_t unix_seconds,
                                                     const SwapRecordQuery& query) {
  if (query.record_ids.size() > max_ids_per_call || query.order_ids.size() > max_ids_per_call) {
    return make_error(
        ErrorCode::invalid_argument,
        "recordIds and orderIds take at most " + std::to_string(max_ids_per_call) + " ids each");
  }
  boost::json::object body;
  if (!query.record_ids.empty()) {
    boost::json::array ids;
    for (const auto& id : query.record_ids) {
      if (auto error = check_text("recordIds[]", id, 1, max_record_id_chars)) {
        return std::move(*error);
      }
      ids.emplace_back(id);
    }
    body["recordIds"] = std::move(ids);
  }
  if (!query.order_ids.empty()) {
    boost::json::array ids;
    for (const auto& id : query.order_ids) {
      if (auto status = validate_order_id("orderIds[]", id); !status) {
        return std::move(status).error();
      }
      ids.emplace_back(id);
    }
    body["orderIds"] = std::move(ids);
  }
  if (auto error = add_user_id(body, "userId", query.user_id)) return std::move(*error);
  if (auto error = add_coin_id(body, "coinIdIn", query.coin_id_in)) return std::move(*error);
  if (auto error = add_coin_id(body, "coinIdOut", query.coin_id_out)) return std::move(*error);
  if (auto error = add_range_and_cursor(body, query.start_at, query.end_at, query.next_id)) return std::move(*error);
  return build_signed_call(credentials, unix_seconds, "getUserSwapRecordList", serialize_body(body),
                           true);
}

Result<upstream::Request> build_rescan_lost_transaction(const Credentials& credentials,
                                                   std::int64_t unix_seconds,
                                                   const RescanRequest& request) {
  if (auto status = validate(request); !status) return std::move(status).error();
  boost::json::object body;
  body["chain"] = request.chain;
  body["toAddress"] = request.to_address;
  body["txId"] = request.tx_id;
  if (request.memo && !request.memo->empty()) body["memo"] = *request.memo;
  // Listed with the writes: it asks the provider to act, so it is never retried blindly.
  return build_signed_call(credentials, unix_seconds, "rescanLostTransaction", serialize_body(body),
                           false);
}

}  // namespace coinfan::gateways::ccpayment_v2
