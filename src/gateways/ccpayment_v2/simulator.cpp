#include "gateways/ccpayment_v2/simulator.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <boost/json/value.hpp>

#include "coinfan/core/hash.hpp"
#include "sim/ccpayment_backend.hpp"
#include "sim/sim_util.hpp"
#include "gateways/ccpayment_v2/config.hpp"

namespace coinfan::sim {

namespace {

namespace json = boost::json;
using namespace ccpayment;
using detail::finish_envelope;
using detail::JsonWriter;
using std::chrono::sys_seconds;

// v2's own codes (the backend's shared ones are in sim/ccpayment_backend.hpp).
constexpr std::int64_t code_too_many_items = 11010;
constexpr std::int64_t code_duplicate_order = 11011;
constexpr std::int64_t code_coin_not_supported = 13000;
constexpr std::int64_t code_insufficient_balance = 14000;

constexpr unsigned record_places = 24;  // the documents' swap records: "1.000000000000000000000000"
constexpr unsigned quote_places = 16;   // the documents' quotes: "3.6790100655646874"

// The document's request signature: lowercase hex HMAC-SHA256, keyed with the app secret, of
// appId + Timestamp + body.
Result<std::string> signature(const CcpaymentV2Account& account, std::string_view timestamp,
                              std::string_view body) {
  return hash::hmac_sha256_hex(account.app_secret, account.app_id + std::string(timestamp) + std::string(body));
}

// {"code":10000,"msg":"success","data":{...}} with the data members `write(out)` adds.
template <typename Write>
Reply success(Write write) {
  JsonWriter out = detail::code_envelope(code_success, "success");
  out.begin_object();
  write(out);
  out.end_object();
  return finish_envelope(out);
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// Digits, optionally '.' and more digits; at most 80 characters (no sign, no exponent).
bool is_plain_decimal(std::string_view text) {
  const auto digits = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (text.size() > 80) return false;
  const auto dot = text.find('.');
  return digits(text.substr(0, dot)) && (dot == std::string_view::npos || digits(text.substr(dot + 1)));
}

// Reads request members with the provider's (Go) typing: a member of the wrong JSON type is an
// invalid argument; missing and null are "not given". The first problem is kept.
class Args {
 public:
  explicit Args(const json::object& object) : object_(object) {}

  std::optional<std::string> text(std::string_view key) {
    const auto* value = member(key);
    if (!value) return std::nullopt;
    if (!value->is_string()) {
      fail(std::string(key) + " must be a string");
      return std::nullopt;
    }
    if (value->get_string().empty()) return std::nullopt;
    return std::string(value->get_string());
  }

  std::optional<std::int64_t> integer(std::string_view key) {
    const auto* value = member(key);
    if (!value) return std::nullopt;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      return static_cast<std::int64_t>(value->get_uint64());
    }
    fail(std::string(key) + " must be an integer");
    return std::nullopt;
  }

  std::vector<std::string> string_array(std::string_view key) {
    std::vector<std::string> items;
    const auto* value = member(key);
    if (!value) return items;
    if (!value->is_array()) {
      fail(std::string(key) + " must be an array of strings");
      return items;
    }
    for (const auto& item : value->get_array()) {
      if (!item.is_string()) {
        fail(std::string(key) + " must be an array of strings");
        return {};
      }
      items.emplace_back(item.get_string());
    }
    return items;
  }

  std::optional<std::vector<std::int64_t>> integer_array(std::string_view key) {
    const auto* value = member(key);
    if (!value) return std::nullopt;
    if (!value->is_array()) {
      fail(std::string(key) + " must be an array of integers");
      return std::nullopt;
    }
    std::vector<std::int64_t> items;
    for (const auto& item : value->get_array()) {
      if (item.is_int64()) {
        items.push_back(item.get_int64());
      } else if (item.is_uint64() && item.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        items.push_back(static_cast<std::int64_t>(item.get_uint64()));
      } else {
        fail(std::string(key) + " must be an array of integers");
        return std::nullopt;
      }
    }
    return items;
  }

  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  bool ok() const noexcept { return error_.empty(); }
  Reply error_reply() const { return failure(code_invalid_argument, "invalid argument: " + error_); }

 private:
  const json::value* member(std::string_view key) const {
    const auto* value = object_.if_contains(key);
    if (!value || value->is_null()) return nullptr;
    return value;
  }

  const json::object& object_;
  std::string error_;
};

// "" when valid, else why not (the provider's documented rules).
std::string user_id_problem(std::string_view field, const std::optional<std::string>& id) {
  if (!id) return std::string(field) + " is required";
  const auto length = code_points(*id);
  if (length < 5 || length > 64) return std::string(field) + " must be 5-64 characters";
  if (id->starts_with("sys")) return std::string(field) + " must not start with \"sys\"";
  return {};
}

std::string order_id_problem(std::string_view field, const std::optional<std::string>& id) {
  if (!id) return std::string(field) + " is required";
  const auto length = code_points(*id);
  if (length < 3 || length > 64) return std::string(field) + " must be 3-64 characters";
  return {};
}

std::optional<Decimal> positive_amount(Args& args, std::string_view field,
                                       const std::optional<std::string>& text, bool required) {
  if (!text) {
    if (required) args.fail(std::string(field) + " is required");
    return std::nullopt;
  }
  if (!is_plain_decimal(*text)) {
    args.fail(std::string(field) + " must be a plain decimal string");
    return std::nullopt;
  }
  auto value = Decimal::parse(*text);
  if (!value || !value->is_positive()) {
    args.fail(std::string(field) + " must be greater than zero");
    return std::nullopt;
  }
  return *value;
}

std::optional<Decimal> fee_rate(Args& args, std::string_view field,
                                const std::optional<std::string>& text) {
  if (!text) return Decimal();
  if (!is_plain_decimal(*text)) {
    args.fail(std::string(field) + " must be a plain decimal string");
    return std::nullopt;
  }
  auto value = Decimal::parse(*text);
  if (!value || *value >= Decimal::from_int(1)) {
    args.fail(std::string(field) + " must be below 1");
    return std::nullopt;
  }
  return *value;
}

}  // namespace

// --- state ------------------------------------------------------------------------------------

namespace {

// Records of one kind in creation order, indexed by record id and by order id.
template <typename Record>
struct Ledger {
  struct Stored {
    Record record;
    std::uint64_t sequence = 0;
  };
  std::vector<Stored> stored;
  std::unordered_map<std::string, std::size_t> by_record, by_order;

  // Throws std::invalid_argument (naming `what`) when the order id or a given record id is taken.
  void check_unused(const Record& record, const std::string& what) const {
    if (by_order.contains(record.order_id)) {
      throw std::invalid_argument(what + ": order id already used: " + record.order_id);
    }
    if (!record.record_id.empty() && by_record.contains(record.record_id)) {
      throw std::invalid_argument(what + ": record id already used: " + record.record_id);
    }
  }

  const Record* find(const std::optional<std::string>& record_id, const std::optional<std::string>& order_id) const {
    const auto& index = record_id ? by_record : by_order;
    const auto it = index.find(record_id ? *record_id : order_id.value_or(std::string()));
    return it == index.end() ? nullptr : &stored[it->second].record;
  }

  std::vector<Record> records() const {
    std::vector<Record> out;
    out.reserve(stored.size());
    for (const auto& item : stored) out.push_back(item.record);
    return out;
  }
};

}  // namespace

struct CcpaymentV2Provider::State {
  CcpaymentV2Account account;  // coins, settings and balances (in first-seen order)
  Ledger<CcpaymentV2TransferRecord> transfers;
  Ledger<CcpaymentV2SwapRecord> swaps;
  // userTransfer / userSwap requests that reached the ledger, and orders carried out, per order id.
  std::unordered_map<std::string, std::uint64_t> submissions, executions;
  std::uint64_t sequence = 0;
  std::uint64_t salt = 0;

  const CcpaymentV2Coin* coin(std::int64_t coin_id) const {
    for (const auto& c : account.coins) {
      if (c.coin_id == coin_id) return &c;
    }
    return nullptr;
  }

  CcpaymentV2Balance* balance(std::string_view user_id, std::int64_t coin_id) {
    for (auto& b : account.balances) {
      if (b.coin_id == coin_id && b.user_id == user_id) return &b;
    }
    return nullptr;
  }

  Decimal spendable(std::string_view user_id, std::int64_t coin_id) {
    const auto* b = balance(user_id, coin_id);
    return b && b->available ? *b->available : Decimal();
  }

  void credit(const std::string& user_id, std::int64_t coin_id, const Decimal& amount) {
    auto* b = balance(user_id, coin_id);
    if (!b) {
      account.balances.push_back(CcpaymentV2Balance{user_id, coin_id, amount});
      return;
    }
    b->available = b->available ? *b->available + amount : amount;
  }

  void debit(const std::string& user_id, std::int64_t coin_id, const Decimal& amount) {
    auto* b = balance(user_id, coin_id);
    if (b) b->available = (b->available ? *b->available : Decimal()) - amount;
  }

  // Stores `record` (an id from its creation time when it has none); returns its record id.
  template <typename Record>
  std::string add(Ledger<Record>& ledger, Record record) {
    if (record.record_id.empty()) record.record_id = detail::make_record_id(record.created_at, salt, ++sequence);
    const std::size_t index = ledger.stored.size();
    ledger.by_record.emplace(record.record_id, index);
    ledger.by_order.emplace(record.order_id, index);
    std::string id = record.record_id;
    ledger.stored.push_back({std::move(record), ++sequence});
    return id;
  }
};

namespace {

using State = CcpaymentV2Provider::State;
using Quote = CcpaymentV2Provider::Quote;

void write_coin(JsonWriter& out, const CcpaymentV2Coin& coin) {
  out.begin_object()
      .member_integer("coinId", coin.coin_id)
      .member("symbol", coin.symbol)
      .member("coinFullName", coin.full_name)
      .member("logoUrl", coin.logo_url)
      .member("status", coin.status)
      .key("networks")
      .begin_object();
  for (const auto& network : coin.networks) {
    out.key(network.chain)
        .begin_object()
        .member("chain", network.chain)
        .member("chainFullName", network.chain_full_name)
        .member("contract", network.contract)
        .member_integer("precision", network.precision)
        .member_bool("canDeposit", network.can_deposit)
        .member_bool("canWithdraw", network.can_withdraw)
        .member("minimumDepositAmount", network.minimum_deposit_amount)
        .member("minimumWithdrawAmount", network.minimum_withdraw_amount)
        .member("maximumWithdrawAmount", network.maximum_withdraw_amount)
        .member_bool("isSupportMemo", network.is_support_memo)
        .end_object();
  }
  out.end_object().end_object();
}

// {"coinId":..,"coinSymbol":..,"available":".."}; "available" is "" for no balance or an unfunded one.
void write_asset(JsonWriter& out, const State& state, std::int64_t coin_id, const CcpaymentV2Balance* balance) {
  const auto* coin = state.coin(coin_id);
  out.begin_object()
      .member_integer("coinId", coin_id)
      .member("coinSymbol", coin ? coin->symbol : std::string())
      .member("available", balance && balance->available ? balance->available->to_string() : std::string())
      .end_object();
}

void write_transfer(JsonWriter& out, const State& state, const CcpaymentV2TransferRecord& record) {
  const auto* coin = state.coin(record.coin_id);
  out.begin_object()
      .member("recordId", record.record_id)
      .member_integer("coinId", record.coin_id)
      .member("coinSymbol", coin ? coin->symbol : std::string())
      .member("orderId", record.order_id)
      .member("fromUserId", record.from_user_id)
      .member("toUserId", record.to_user_id)
      .member("amount", record.amount.to_string())
      .member("status", record.status);
  if (!record.remark.empty()) out.member("remark", record.remark);
  out.end_object();
}

void write_swap(JsonWriter& out, const State& state, const CcpaymentV2SwapRecord& record) {
  const auto* in = state.coin(record.coin_id_in);
  const auto* out_coin = state.coin(record.coin_id_out);
  out.begin_object()
      .member("recordId", record.record_id)
      .member("orderId", record.order_id)
      .member("coinInSymbol", in ? in->symbol : std::string())
      .member_integer("coinIdIn", record.coin_id_in)
      .member("coinOutSymbol", out_coin ? out_coin->symbol : std::string())
      .member_integer("coinIdOut", record.coin_id_out)
      .member("amountOut", record.amount_out.to_string())
      .member("amountIn", record.amount_in.to_fixed_string(record_places))
      .member("netAmountOut", record.net_amount_out.to_fixed_string(record_places))
      .member("userId", record.user_id)
      .member("extraFee", record.extra_fee.to_string())
      .member("extraFeeRate", record.extra_fee_rate.to_string())
      .member("swapRate", record.swap_rate.to_fixed_string(record_places))
      .member("feeRate", record.fee_rate.to_string())
      .member("fee", record.fee.to_fixed_string(record_places))
      .member("status", record.status)
      .member_integer("createdAt", record.created_at.time_since_epoch().count())
      .member_integer("arrivedAt", record.arrived_at.time_since_epoch().count());
  if (record.amount_out_minimum) {
    out.member("amountOutMinimum", record.amount_out_minimum->to_string());
  }
  out.end_object();
}

void write_quote(JsonWriter& out, std::int64_t coin_in, std::int64_t coin_out,
                 const CcpaymentV2Provider::Quote& quote) {
  out.member_integer("coinIdIn", coin_in)
      .member_integer("coinIdOut", coin_out)
      .member("amountOut", quote.amount_out.to_string())
      .member("amountIn", quote.amount_in.to_string())
      .member("swapRate", quote.swap_rate.to_string())
      .member("feeRate", quote.fee_rate.to_string())
      .member("fee", quote.fee.to_string())
      .member("extraFee", quote.extra_fee.to_string())
      .member("netAmountOut", quote.net_amount_out.to_string());
}

// What both record lists take besides their own filters: a creation-time range and where the
// page starts.
struct PageQuery {
  std::optional<std::int64_t> start_at, end_at;  // Unix seconds, inclusive
  std::optional<std::string> next_id;            // the first record of the page

  bool contains(sys_seconds time) const {
    const auto seconds = time.time_since_epoch().count();
    return (!start_at || seconds >= *start_at) && (!end_at || seconds <= *end_at);
  }
};

// The records `match` keeps and `page` covers, newest first (creation time, then arrival order),
// paged by 20 from the record named by next_id; writes {"records":[...],"nextId":"..."}.
template <typename Stored, typename Match, typename Write>
Reply list_page(const std::vector<Stored>& stored, const PageQuery& page, Match match, Write write,
                const State& state) {
  if (page.start_at && page.end_at && *page.start_at > *page.end_at) {
    return failure(code_invalid_argument, "invalid argument: startAt is after endAt");
  }
  std::vector<const Stored*> selected;
  for (const auto& item : stored) {
    if (match(item.record) && page.contains(item.record.created_at)) selected.push_back(&item);
  }
  std::sort(selected.begin(), selected.end(), [](const Stored* a, const Stored* b) {
    if (a->record.created_at != b->record.created_at) return a->record.created_at > b->record.created_at;
    return a->sequence > b->sequence;
  });
  std::size_t begin = 0;
  if (page.next_id) {
    const auto it = std::find_if(selected.begin(), selected.end(),
                                 [&](const Stored* s) { return s->record.record_id == *page.next_id; });
    if (it == selected.end()) {
      return failure(code_invalid_argument, "invalid argument: nextId does not continue this query");
    }
    begin = static_cast<std::size_t>(it - selected.begin());
  }
  const std::size_t end = std::min(selected.size(), begin + CcpaymentV2Provider::page_size);
  return success([&](JsonWriter& out) {
    out.key("records").begin_array();
    for (std::size_t i = begin; i < end; ++i) write(out, state, selected[i]->record);
    out.end_array().member("nextId", end < selected.size() ? selected[end]->record.record_id : std::string());
  });
}

// The record of `user_id`'s swap at `at` under quote `q` (the order executed, so it arrived too).
CcpaymentV2SwapRecord swap_record(std::string order_id, std::string user_id, std::int64_t coin_in,
                                  std::int64_t coin_out, const Quote& q, const Decimal& extra_fee_rate,
                                  std::optional<Decimal> amount_out_minimum, sys_seconds at) {
  return {.record_id = {},
          .order_id = std::move(order_id),
          .user_id = std::move(user_id),
          .coin_id_in = coin_in,
          .coin_id_out = coin_out,
          .amount_in = q.amount_in,
          .amount_out = q.amount_out,
          .net_amount_out = q.net_amount_out,
          .swap_rate = q.swap_rate,
          .fee_rate = q.fee_rate,
          .fee = q.fee,
          .extra_fee_rate = extra_fee_rate,
          .extra_fee = q.extra_fee,
          .amount_out_minimum = std::move(amount_out_minimum),
          .status = "Success",
          .created_at = at,
          .arrived_at = at};
}

// --- the API methods ---------------------------------------------------------------------------

// One request that passed the common checks (headers, signature, JSON object body), with the
// provider's state (its mutex held) and the body's members. Each API method is one member
// function; `methods` below maps the path's last segment to it.
class Call {
 public:
  Call(const CcpaymentV2Provider& provider, State& state, const json::object& body, sys_seconds now)
      : provider_(provider), state_(state), args_(body), now_(now) {}

  Reply get_app_coin_asset_list();
  Reply get_app_coin_asset();
  Reply get_coin_list();
  Reply get_coin();
  Reply get_coin_usdt_price();
  Reply user_transfer();
  Reply get_user_transfer_record();
  Reply get_user_transfer_record_list();
  Reply estimate() { return swap(false); }
  Reply user_swap() { return swap(true); }
  Reply get_user_swap_record();
  Reply get_user_swap_record_list();
  Reply rescan_lost_transaction();

 private:
  Reply swap(bool execute);
  // Sets `coin` to the one the required "coinId" member names; otherwise the error answer.
  std::optional<Reply> required_coin(const CcpaymentV2Coin*& coin);
  // {"record": <record>} for the record found, or 11003.
  template <typename Record, typename Write>
  Reply record_reply(const Record* record, Write write);
  // startAt, endAt and nextId, in that order.
  PageQuery read_page() { return {args_.integer("startAt"), args_.integer("endAt"), args_.text("nextId")}; }

  const CcpaymentV2Provider& provider_;
  State& state_;
  Args args_;
  sys_seconds now_;
};

using Method = Reply (Call::*)();

struct Route {
  std::string_view name;  // the path after /ccpayment/v2/
  Method method;
};

constexpr Route methods[] = {
    {"getAppCoinAssetList", &Call::get_app_coin_asset_list},
    {"getAppCoinAsset", &Call::get_app_coin_asset},
    {"getCoinList", &Call::get_coin_list},
    {"getCoin", &Call::get_coin},
    {"getCoinUSDTPrice", &Call::get_coin_usdt_price},
    {"userTransfer", &Call::user_transfer},
    {"getUserTransferRecord", &Call::get_user_transfer_record},
    {"getUserTransferRecordList", &Call::get_user_transfer_record_list},
    {"estimate", &Call::estimate},
    {"userSwap", &Call::user_swap},
    {"getUserSwapRecord", &Call::get_user_swap_record},
    {"getUserSwapRecordList", &Call::get_user_swap_record_list},
    {"rescanLostTransaction", &Call::rescan_lost_transaction},
};

// The method a request names (POST /ccpayment/v2/<name>), or nullptr.
Method find_method(const SimRequest& request) {
  constexpr std::string_view prefix = CcpaymentV2Provider::path_prefix;
  if (request.method != "POST" || !request.path.starts_with(prefix)) return nullptr;
  const std::string_view name = std::string_view(request.path).substr(prefix.size());
  for (const auto& route : methods) {
    if (route.name == name) return route.method;
  }
  return nullptr;
}

std::optional<Reply> Call::required_coin(const CcpaymentV2Coin*& coin) {
  const auto coin_id = args_.integer("coinId");
  if (!args_.ok()) return args_.error_reply();
  if (!coin_id) return failure(code_invalid_argument, "invalid argument: coinId is required");
  coin = state_.coin(*coin_id);
  if (!coin) return failure(code_coin_not_supported, "coin not supported");
  return std::nullopt;
}

template <typename Record, typename Write>
Reply Call::record_reply(const Record* record, Write write) {
  if (!record) return failure(code_not_found, "record not found");
  return success([&](JsonWriter& out) { write(out.key("record"), state_, *record); });
}

// --- balances ---------------------------------------------------------------------------------

Reply Call::get_app_coin_asset_list() {
  return success([&](JsonWriter& out) {
    out.key("assets").begin_array();
    for (const auto& balance : state_.account.balances) {
      if (balance.user_id == state_.account.app_id) write_asset(out, state_, balance.coin_id, &balance);
    }
    out.end_array();
  });
}

Reply Call::get_app_coin_asset() {
  const CcpaymentV2Coin* coin = nullptr;
  if (auto error = required_coin(coin)) return std::move(*error);
  const auto* balance = state_.balance(state_.account.app_id, coin->coin_id);
  return success([&](JsonWriter& out) { write_asset(out.key("asset"), state_, coin->coin_id, balance); });
}

// --- catalogue --------------------------------------------------------------------------------

Reply Call::get_coin_list() {
  return success([&](JsonWriter& out) {
    out.key("coins").begin_array();
    for (const auto& coin : state_.account.coins) write_coin(out, coin);
    out.end_array();
  });
}

Reply Call::get_coin() {
  const CcpaymentV2Coin* coin = nullptr;
  if (auto error = required_coin(coin)) return std::move(*error);
  return success([&](JsonWriter& out) { write_coin(out.key("coin"), *coin); });
}

Reply Call::get_coin_usdt_price() {
  const auto ids = args_.integer_array("coinIds");
  if (!args_.ok()) return args_.error_reply();
  if (!ids || ids->empty()) return failure(code_invalid_argument, "invalid argument: coinIds is required");
  if (ids->size() > CcpaymentV2Provider::max_ids) {
    return failure(code_too_many_items, "too many items: at most 100 coinIds");
  }
  return success([&](JsonWriter& out) {
    out.key("prices").begin_object();
    std::unordered_set<std::int64_t> written;
    for (const auto id : *ids) {
      const auto* coin = state_.coin(id);
      if (coin && written.insert(id).second) out.member(std::to_string(id), coin->usdt_price.to_string());
    }
    out.end_object();
  });
}

// --- transfers --------------------------------------------------------------------------------

Reply Call::user_transfer() {
  const auto from = args_.text("fromUserId");
  const auto to = args_.text("toUserId");
  const auto coin_id = args_.integer("coinId");
  const auto amount_text = args_.text("amount");
  const auto order_id = args_.text("orderId");
  const auto remark = args_.text("remark");
  if (order_id) ++state_.submissions[*order_id];
  if (!args_.ok()) return args_.error_reply();
  for (const auto& problem : {user_id_problem("fromUserId", from), user_id_problem("toUserId", to),
                              order_id_problem("orderId", order_id)}) {
    if (!problem.empty()) args_.fail(problem);
  }
  if (from && to && *from == *to) args_.fail("fromUserId and toUserId must differ");
  if (!coin_id) args_.fail("coinId is required");
  if (remark && code_points(*remark) > 255) args_.fail("remark must be at most 255 characters");
  const auto amount = positive_amount(args_, "amount", amount_text, true);
  if (!args_.ok()) return args_.error_reply();
  const auto* coin = state_.coin(*coin_id);
  if (!coin) return failure(code_coin_not_supported, "coin not supported");
  if (coin->usdt_price.is_positive() && *amount * coin->usdt_price < state_.account.min_transfer_usd) {
    return failure(code_invalid_argument, "invalid argument: amount is below the minimum of 0.001 USD");
  }
  if (state_.transfers.by_order.contains(*order_id)) return failure(code_duplicate_order, "duplicate order");
  if (state_.spendable(*from, *coin_id) < *amount) return failure(code_insufficient_balance, "insufficient balance");
  state_.debit(*from, *coin_id, *amount);
  state_.credit(*to, *coin_id, *amount);
  ++state_.executions[*order_id];
  CcpaymentV2TransferRecord record;
  record.order_id = *order_id;
  record.from_user_id = *from;
  record.to_user_id = *to;
  record.coin_id = *coin_id;
  record.amount = *amount;
  record.remark = remark.value_or(std::string());
  record.created_at = now_;
  const std::string record_id = state_.add(state_.transfers, std::move(record));
  return success([&](JsonWriter& out) { out.member("recordId", record_id); });
}

Reply Call::get_user_transfer_record() {
  const auto record_id = args_.text("recordId");
  const auto order_id = args_.text("orderId");
  if (!args_.ok()) return args_.error_reply();
  if (!record_id && !order_id) {
    return failure(code_invalid_argument, "invalid argument: recordId and orderId cannot both be empty");
  }
  const auto* record = state_.transfers.find(record_id, order_id);
  // Both given: they must name the same record.
  if (record && record_id && order_id && record->order_id != *order_id) record = nullptr;
  return record_reply(record, write_transfer);
}

Reply Call::get_user_transfer_record_list() {
  const auto coin_id = args_.integer("coinId");
  const auto from = args_.text("fromUserId");
  const auto to = args_.text("toUserId");
  const auto page = read_page();
  if (!args_.ok()) return args_.error_reply();
  if (!from && !to) return failure(code_invalid_argument, "invalid argument: fromUserId or toUserId is required");
  const auto match = [&](const CcpaymentV2TransferRecord& r) {
    return (!coin_id || r.coin_id == *coin_id) && (!from || r.from_user_id == *from) && (!to || r.to_user_id == *to);
  };
  return list_page(state_.transfers.stored, page, match, write_transfer, state_);
}

// --- swaps ------------------------------------------------------------------------------------

Reply Call::swap(bool execute) {
  const auto coin_in = args_.integer("coinIdIn");
  const auto coin_out = args_.integer("coinIdOut");
  const auto amount_text = args_.text("amountIn");
  const auto extra_text = args_.text("extraFeeRate");
  const auto order_id = execute ? args_.text("orderId") : std::nullopt;
  const auto user_id = execute ? args_.text("userId") : std::nullopt;
  const auto minimum_text = execute ? args_.text("amountOutMinimum") : std::nullopt;
  if (!args_.ok()) return args_.error_reply();
  if (execute && order_id) ++state_.submissions[*order_id];
  if (execute) {
    for (const auto& problem : {order_id_problem("orderId", order_id), user_id_problem("userId", user_id)}) {
      if (!problem.empty()) args_.fail(problem);
    }
  }
  if (!coin_in) args_.fail("coinIdIn is required");
  if (!coin_out) args_.fail("coinIdOut is required");
  if (coin_in && coin_out && *coin_in == *coin_out) args_.fail("coinIdIn and coinIdOut must differ");
  const auto amount_in = positive_amount(args_, "amountIn", amount_text, true);
  const auto extra_rate = fee_rate(args_, "extraFeeRate", extra_text);
  const auto minimum = positive_amount(args_, "amountOutMinimum", minimum_text, false);
  if (!args_.ok()) return args_.error_reply();
  if (!state_.coin(*coin_in) || !state_.coin(*coin_out)) return failure(code_coin_not_supported, "coin not supported");
  std::string problem;
  const auto q = provider_.quote(*coin_in, *amount_in, *coin_out, *extra_rate, &problem);
  if (!q) return failure(code_invalid_argument, "invalid argument: " + problem);
  std::string record_id;
  if (execute) {
    if (state_.swaps.by_order.contains(*order_id)) return failure(code_duplicate_order, "duplicate order");
    if (state_.spendable(*user_id, *coin_in) < *amount_in) {
      return failure(code_insufficient_balance, "insufficient balance");
    }
    if (minimum && q->net_amount_out < *minimum) {
      return failure(code_failed, "swap failed: netAmountOut would be below amountOutMinimum");
    }
    state_.debit(*user_id, *coin_in, *amount_in);
    state_.credit(*user_id, *coin_out, q->net_amount_out);
    ++state_.executions[*order_id];
    // The merchant's service fee is the merchant's income.
    if (q->extra_fee.is_positive()) state_.credit(state_.account.app_id, *coin_out, q->extra_fee);
    record_id = state_.add(state_.swaps,
                           swap_record(*order_id, *user_id, *coin_in, *coin_out, *q, *extra_rate, minimum, now_));
  }
  return success([&](JsonWriter& out) {
    if (execute) out.member("recordId", record_id).member("orderId", *order_id);
    write_quote(out, *coin_in, *coin_out, *q);
  });
}

Reply Call::get_user_swap_record() {
  const auto record_id = args_.text("recordId");
  const auto order_id = args_.text("orderId");
  if (!args_.ok()) return args_.error_reply();
  if (record_id.has_value() == order_id.has_value()) {
    return failure(code_invalid_argument, "invalid argument: pass either recordId or orderId");
  }
  return record_reply(state_.swaps.find(record_id, order_id), write_swap);
}

Reply Call::get_user_swap_record_list() {
  const auto record_ids = args_.string_array("recordIds");
  const auto order_ids = args_.string_array("orderIds");
  const auto user_id = args_.text("userId");
  const auto coin_in = args_.integer("coinIdIn");
  const auto coin_out = args_.integer("coinIdOut");
  const auto page = read_page();
  if (!args_.ok()) return args_.error_reply();
  if (record_ids.size() > CcpaymentV2Provider::max_ids || order_ids.size() > CcpaymentV2Provider::max_ids) {
    return failure(code_too_many_items, "too many items: at most 100 ids");
  }
  const std::unordered_set<std::string> record_set(record_ids.begin(), record_ids.end());
  const std::unordered_set<std::string> order_set(order_ids.begin(), order_ids.end());
  const auto match = [&](const CcpaymentV2SwapRecord& r) {
    return (record_set.empty() || record_set.contains(r.record_id)) &&
           (order_set.empty() || order_set.contains(r.order_id)) && (!user_id || r.user_id == *user_id) &&
           (!coin_in || r.coin_id_in == *coin_in) && (!coin_out || r.coin_id_out == *coin_out);
  };
  return list_page(state_.swaps.stored, page, match, write_swap, state_);
}

// --- deposits ---------------------------------------------------------------------------------

Reply Call::rescan_lost_transaction() {
  const auto chain = args_.text("chain");
  const auto to_address = args_.text("toAddress");
  const auto tx_id = args_.text("txId");
  (void)args_.text("memo");  // optional; only its type is checked
  if (!args_.ok()) return args_.error_reply();
  if (!chain) return failure(code_invalid_argument, "invalid argument: chain is required");
  if (!to_address) return failure(code_invalid_argument, "invalid argument: toAddress is required");
  if (!tx_id) return failure(code_invalid_argument, "invalid argument: txId is required");
  bool known_chain = false;
  for (const auto& coin : state_.account.coins) {
    for (const auto& network : coin.networks) known_chain = known_chain || network.chain == *chain;
  }
  if (!known_chain) return failure(code_invalid_argument, "invalid argument: chain is not supported");
  return success([](JsonWriter& out) {
    out.member("description", "The deposit has been rescanned. Please wait for the transaction to be credited.");
  });
}

}  // namespace

// --- provider ---------------------------------------------------------------------------------

CcpaymentV2Provider::CcpaymentV2Provider(CcpaymentV2Account account)
    : Provider(gateways::ccpayment_v2::type), app_id_(account.app_id), state_(std::make_unique<State>()) {
  state_->account = std::move(account);
  state_->salt = std::hash<std::string>{}(app_id_) % 104'729;
}

CcpaymentV2Provider::~CcpaymentV2Provider() = default;

std::optional<CcpaymentV2Provider::Quote> CcpaymentV2Provider::quote(std::int64_t coin_in,
                                                                      const Decimal& amount_in,
                                                                      std::int64_t coin_out,
                                                                      const Decimal& extra_fee_rate,
                                                                      std::string* error) const {
  // Reads only the coin catalogue and fee settings, which never change after construction, so
  // it needs no lock (handle() calls it with mutex_ held).
  auto fail = [&](std::string message) -> std::optional<Quote> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  const auto* in = state_->coin(coin_in);
  const auto* out = state_->coin(coin_out);
  if (!in || !out) return fail("coin not supported");
  if (!in->usdt_price.is_positive() || !out->usdt_price.is_positive()) return fail("coin has no price");
  if (!amount_in.is_positive()) return fail("amountIn must be greater than zero");
  const auto& account = state_->account;

  Quote q;
  q.amount_in = amount_in;
  auto amount_out = Decimal::divide(amount_in * in->usdt_price, out->usdt_price, quote_places);
  if (!amount_out || !amount_out->is_positive()) return fail("amountIn is too small");
  q.amount_out = *amount_out;
  q.swap_rate = Decimal::divide(q.amount_out, amount_in, quote_places).value();
  q.fee_rate = account.swap_fee_rate;
  q.fee = (q.amount_out * account.swap_fee_rate).round_half_even(quote_places);
  // A fee below the minimum (in USDT) is raised to it, and the reported rate follows.
  const auto minimum_fee = Decimal::divide(account.min_swap_fee_usdt, out->usdt_price, quote_places).value();
  if (q.fee < minimum_fee) {
    q.fee = minimum_fee;
    q.fee_rate = Decimal::divide(q.fee, q.amount_out, quote_places).value();
  }
  q.extra_fee = (q.amount_out * extra_fee_rate).round_half_even(quote_places + 2);
  q.net_amount_out = q.amount_out - q.fee - q.extra_fee;
  if (!q.net_amount_out.is_positive()) return fail("amountIn is too small to pay the swap fee");
  return q;
}


Reply CcpaymentV2Provider::handle(const SimRequest& request) {
  const Method method = find_method(request);
  if (!method) return not_found_page();

  // The checks every method shares, once: headers, Appid, timestamp window, signature, body.
  const auto now = this->now();
  SignedHeaders headers;
  if (const auto rejection = check_headers(request, app_id_, now, timestamp_window, headers)) {
    return failure(*rejection);
  }
  std::lock_guard lock(mutex_);
  const auto expected = signature(state_->account, headers.timestamp, request.body);
  if (!expected || !hash::constant_time_equal(*expected, headers.sign)) {
    return failure(code_bad_signature, "signature verification failed");
  }
  json::value storage;
  const auto* body = body_object(request.body, storage);
  if (!body) return failure(code_invalid_argument, body_not_object);

  Call call(*this, *state_, *body, std::chrono::floor<std::chrono::seconds>(now));
  return (call.*method)();
}

Reply CcpaymentV2Provider::error_reply(std::string_view code, std::string_view message,
                                       unsigned status) const {
  const auto numeric = detail::parse_digits(code);
  Reply reply = failure(numeric ? *numeric : code_failed, message.empty() ? std::string_view("failed") : message);
  if (status != 0) reply.status = status;
  return reply;
}

config::GatewayConfig CcpaymentV2Provider::gateway_config(std::string id, std::string base_url) const {
  std::lock_guard lock(mutex_);
  config::GatewayConfig gateway;
  gateway.id = std::move(id);
  gateway.type = gateways::ccpayment_v2::type;
  gateway.base_url = std::move(base_url);
  gateway.settings = gateways::ccpayment_v2::Settings{{state_->account.app_id, state_->account.app_secret}};
  return gateway;
}

std::optional<Decimal> CcpaymentV2Provider::available(std::string_view user_id, std::int64_t coin_id) const {
  std::lock_guard lock(mutex_);
  const auto* balance = state_->balance(user_id, coin_id);
  if (!balance) return std::nullopt;
  return balance->available;
}

void CcpaymentV2Provider::set_available(std::string user_id, std::int64_t coin_id,
                                        std::optional<Decimal> amount) {
  std::lock_guard lock(mutex_);
  if (auto* balance = state_->balance(user_id, coin_id)) {
    balance->available = std::move(amount);
  } else {
    state_->account.balances.push_back(CcpaymentV2Balance{std::move(user_id), coin_id, std::move(amount)});
  }
}

std::string CcpaymentV2Provider::add_transfer_record(CcpaymentV2TransferRecord record) {
  std::lock_guard lock(mutex_);
  if (!state_->coin(record.coin_id)) throw std::invalid_argument("add_transfer_record: unknown coin id");
  state_->transfers.check_unused(record, "add_transfer_record");
  return state_->add(state_->transfers, std::move(record));
}

std::string CcpaymentV2Provider::add_swap_record(CcpaymentV2SwapRecord record) {
  std::lock_guard lock(mutex_);
  if (!state_->coin(record.coin_id_in) || !state_->coin(record.coin_id_out)) {
    throw std::invalid_argument("add_swap_record: unknown coin id");
  }
  state_->swaps.check_unused(record, "add_swap_record");
  return state_->add(state_->swaps, std::move(record));
}

CcpaymentV2SeededHistory CcpaymentV2Provider::seed_history(const CcpaymentV2HistorySpec& spec) {
  if (spec.users.size() < 2) throw std::invalid_argument("seed_history: at least two users are needed");
  CcpaymentV2SeededHistory seeded;
  const std::size_t total = spec.transfers + spec.swaps;
  std::size_t transfer_index = 0;
  std::size_t swap_index = 0;
  for (std::size_t k = 0; k < total; ++k) {
    const auto created_at = spec.first_at + spec.spacing * static_cast<std::int64_t>(k);
    // Bresenham-style spread: swaps land evenly between the transfers.
    const bool is_swap = (k + 1) * spec.swaps / total > k * spec.swaps / total;
    const std::size_t n = spec.users.size();
    if (!is_swap) {
      const std::size_t i = transfer_index++;
      CcpaymentV2TransferRecord record;
      record.order_id = spec.order_prefix + "-t-" + std::to_string(i + 1);
      record.from_user_id = spec.users[i % n];
      record.to_user_id = spec.users[(i + 1) % n];
      record.coin_id = spec.transfer_coin_id;
      // 1.25, 2.5, ... 11.25: varied, exact amounts.
      record.amount = Decimal::from_int(static_cast<std::int64_t>(i % 9 + 1) * 125) * Decimal::parse("0.01").value();
      if (i % 4 == 0) record.remark = "seeded transfer " + std::to_string(i + 1);
      record.created_at = created_at;
      seeded.transfer_record_ids.push_back(add_transfer_record(std::move(record)));
    } else {
      const std::size_t j = swap_index++;
      const Decimal amount_in = Decimal::from_int(static_cast<std::int64_t>(j % 5 + 1) * 10);
      const Decimal extra_rate = j % 3 == 0 ? Decimal::parse("0.01").value() : Decimal();
      std::string problem;
      const auto q = quote(spec.swap_coin_id_in, amount_in, spec.swap_coin_id_out, extra_rate, &problem);
      if (!q) throw std::invalid_argument("seed_history: cannot quote the swap: " + problem);
      seeded.swap_record_ids.push_back(add_swap_record(swap_record(spec.order_prefix + "-s-" + std::to_string(j + 1),
                                                                   spec.users[j % n], spec.swap_coin_id_in,
                                                                   spec.swap_coin_id_out, *q, extra_rate,
                                                                   std::nullopt, created_at)));
    }
  }
  return seeded;
}

std::uint64_t CcpaymentV2Provider::submissions(std::string_view order_id) const {
  std::lock_guard lock(mutex_);
  const auto it = state_->submissions.find(std::string(order_id));
  return it == state_->submissions.end() ? 0 : it->second;
}

std::uint64_t CcpaymentV2Provider::executions(std::string_view order_id) const {
  std::lock_guard lock(mutex_);
  const auto it = state_->executions.find(std::string(order_id));
  return it == state_->executions.end() ? 0 : it->second;
}

std::vector<CcpaymentV2TransferRecord> CcpaymentV2Provider::transfer_records() const {
  std::lock_guard lock(mutex_);
  return state_->transfers.records();
}

std::vector<CcpaymentV2SwapRecord> CcpaymentV2Provider::swap_records() const {
  std::lock_guard lock(mutex_);
  return state_->swaps.records();
}

}  // namespace coinfan::sim
