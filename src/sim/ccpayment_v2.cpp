#include "coinfan/sim/ccpayment_v2.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "coinfan/gateways/crypto.hpp"
#include "gateways/ccpayment_v2/signer.hpp"
#include "sim/sim_util.hpp"
#include "gateways/ccpayment_v2/config.hpp"

namespace coinfan::sim {

namespace {

namespace json = boost::json;
using detail::JsonWriter;
using std::chrono::sys_seconds;

constexpr std::int64_t code_success = 10000;
constexpr std::int64_t code_failed = 10001;
constexpr std::int64_t code_invalid_argument = 11000;
constexpr std::int64_t code_invalid_header = 11001;
constexpr std::int64_t code_not_found = 11003;
constexpr std::int64_t code_bad_signature = 11005;
constexpr std::int64_t code_expired = 11006;
constexpr std::int64_t code_too_many_items = 11010;
constexpr std::int64_t code_duplicate_order = 11011;
constexpr std::int64_t code_coin_not_supported = 13000;
constexpr std::int64_t code_insufficient_balance = 14000;

constexpr unsigned record_places = 24;  // the documents' swap records: "1.000000000000000000000000"
constexpr unsigned quote_places = 16;   // the documents' quotes: "3.6790100655646874"

Reply failure(std::int64_t code, std::string_view message) {
  JsonWriter out;
  out.begin_object().member_integer("code", code).member("msg", message).end_object();
  Reply reply;
  reply.body = out.take();
  return reply;
}

Reply not_found_page() {
  Reply reply;
  reply.status = 404;
  reply.content_type = "text/plain";
  reply.body = "404 page not found";
  return reply;
}

// Starts {"code":10000,"msg":"success","data": — the caller writes data and calls finish().
JsonWriter success_writer() {
  JsonWriter out;
  out.begin_object().member_integer("code", code_success).member("msg", "success").key("data");
  return out;
}

Reply finish(JsonWriter& out) {
  out.end_object();
  Reply reply;
  reply.body = out.take();
  return reply;
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool is_plain_decimal(std::string_view text) {
  if (text.empty() || text.size() > 80) return false;
  std::size_t i = 0;
  std::size_t int_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++i;
    ++int_digits;
  }
  if (int_digits == 0) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  ++i;
  std::size_t frac_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++i;
    ++frac_digits;
  }
  return frac_digits > 0 && i == text.size();
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

struct CcpaymentV2Provider::State {
  struct StoredTransfer {
    CcpaymentV2TransferRecord record;
    std::uint64_t sequence = 0;
  };
  struct StoredSwap {
    CcpaymentV2SwapRecord record;
    std::uint64_t sequence = 0;
  };

  CcpaymentV2Account account;  // coins, settings and balances (in first-seen order)
  std::vector<StoredTransfer> transfers;
  std::vector<StoredSwap> swaps;
  std::unordered_map<std::string, std::size_t> transfer_by_record, transfer_by_order;
  std::unordered_map<std::string, std::size_t> swap_by_record, swap_by_order;
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

  std::string next_record_id(sys_seconds created_at) {
    return detail::make_record_id(created_at, salt, ++sequence);
  }

  std::string add_transfer(CcpaymentV2TransferRecord record) {
    if (record.record_id.empty()) record.record_id = next_record_id(record.created_at);
    const std::size_t index = transfers.size();
    transfer_by_record.emplace(record.record_id, index);
    transfer_by_order.emplace(record.order_id, index);
    std::string id = record.record_id;
    transfers.push_back(StoredTransfer{std::move(record), ++sequence});
    return id;
  }

  std::string add_swap(CcpaymentV2SwapRecord record) {
    if (record.record_id.empty()) record.record_id = next_record_id(record.created_at);
    const std::size_t index = swaps.size();
    swap_by_record.emplace(record.record_id, index);
    swap_by_order.emplace(record.order_id, index);
    std::string id = record.record_id;
    swaps.push_back(StoredSwap{std::move(record), ++sequence});
    return id;
  }
};

namespace {

using State = CcpaymentV2Provider::State;

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

// Records sorted newest first (creation time, then arrival order), filtered, paged by 20 from
// the record named by `next_id`; writes {"records":[...],"nextId":"..."}.
template <typename Stored, typename Match, typename Write>
Reply list_page(const std::vector<Stored>& stored, const std::optional<std::string>& next_id,
                Match match, Write write) {
  std::vector<const Stored*> selected;
  for (const auto& item : stored) {
    if (match(item.record)) selected.push_back(&item);
  }
  std::sort(selected.begin(), selected.end(), [](const Stored* a, const Stored* b) {
    if (a->record.created_at != b->record.created_at) return a->record.created_at > b->record.created_at;
    return a->sequence > b->sequence;
  });
  std::size_t begin = 0;
  if (next_id) {
    const auto it = std::find_if(selected.begin(), selected.end(),
                                 [&](const Stored* s) { return s->record.record_id == *next_id; });
    if (it == selected.end()) {
      return failure(code_invalid_argument, "invalid argument: nextId does not continue this query");
    }
    begin = static_cast<std::size_t>(it - selected.begin());
  }
  const std::size_t end = std::min(selected.size(), begin + CcpaymentV2Provider::page_size);
  JsonWriter out = success_writer();
  out.begin_object().key("records").begin_array();
  for (std::size_t i = begin; i < end; ++i) write(out, selected[i]->record);
  out.end_array().member("nextId", end < selected.size() ? selected[end]->record.record_id : std::string());
  out.end_object();
  return finish(out);
}

bool in_range(sys_seconds time, std::optional<std::int64_t> start_at, std::optional<std::int64_t> end_at) {
  const auto seconds = time.time_since_epoch().count();
  if (start_at && seconds < *start_at) return false;
  if (end_at && seconds > *end_at) return false;
  return true;
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
  if (!request.path.starts_with(path_prefix) || request.method != "POST") return not_found_page();
  const std::string method = request.path.substr(path_prefix.size());
  static const std::unordered_set<std::string> methods = {
      "getAppCoinAssetList", "getAppCoinAsset",      "getCoinList",
      "getCoin",             "getCoinUSDTPrice",     "userTransfer",
      "getUserTransferRecord", "getUserTransferRecordList", "estimate",
      "userSwap",            "getUserSwapRecord",    "getUserSwapRecordList",
      "rescanLostTransaction"};
  if (!methods.contains(method)) return not_found_page();

  const auto app_id = request.header("Appid");
  const auto timestamp = request.header("Timestamp");
  const auto sign = request.header("Sign");
  if (!app_id || app_id->empty()) return failure(code_invalid_header, "invalid header: Appid is required");
  if (!timestamp || timestamp->empty()) return failure(code_invalid_header, "invalid header: Timestamp is required");
  if (!sign || sign->empty()) return failure(code_invalid_header, "invalid header: Sign is required");
  const auto seconds = detail::parse_digits(*timestamp);
  if (!seconds) return failure(code_invalid_header, "invalid header: Timestamp must be 10-digit seconds");

  std::lock_guard lock(mutex_);
  auto& state = *state_;
  const auto now = this->now();
  const auto now_seconds = detail::unix_seconds(now);
  if (*app_id != state.account.app_id) return failure(code_bad_signature, "signature verification failed");
  const auto window = timestamp_window.count();
  if (*seconds < now_seconds - window || *seconds > now_seconds + window) {
    return failure(code_expired, "request expired");
  }
  const gateways::ccpayment_v2::Credentials credentials{state.account.app_id, state.account.app_secret};
  const auto expected = gateways::ccpayment_v2::sign(credentials, *timestamp, request.body);
  if (!expected || !gateways::constant_time_equal(*expected, *sign)) {
    return failure(code_bad_signature, "signature verification failed");
  }

  json::object empty_object;
  json::value parsed;
  const json::object* body = &empty_object;
  if (!request.body.empty()) {
    json::error_code ec;
    parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) {
      return failure(code_invalid_argument, "invalid argument: body must be a JSON object");
    }
    body = &parsed.get_object();
  }
  Args args(*body);
  const sys_seconds created_at = std::chrono::floor<std::chrono::seconds>(now);

  // --- balances -------------------------------------------------------------------------------
  if (method == "getAppCoinAssetList") {
    JsonWriter out = success_writer();
    out.begin_object().key("assets").begin_array();
    for (const auto& balance : state.account.balances) {
      if (balance.user_id != state.account.app_id) continue;
      const auto* coin = state.coin(balance.coin_id);
      out.begin_object()
          .member_integer("coinId", balance.coin_id)
          .member("coinSymbol", coin ? coin->symbol : std::string())
          .member("available", balance.available ? balance.available->to_string() : std::string())
          .end_object();
    }
    out.end_array().end_object();
    return finish(out);
  }
  if (method == "getAppCoinAsset") {
    const auto coin_id = args.integer("coinId");
    if (!args.ok()) return args.error_reply();
    if (!coin_id) return failure(code_invalid_argument, "invalid argument: coinId is required");
    const auto* coin = state.coin(*coin_id);
    if (!coin) return failure(code_coin_not_supported, "coin not supported");
    const auto* balance = state.balance(state.account.app_id, *coin_id);
    JsonWriter out = success_writer();
    out.begin_object()
        .key("asset")
        .begin_object()
        .member_integer("coinId", coin->coin_id)
        .member("coinSymbol", coin->symbol)
        .member("available", balance && balance->available ? balance->available->to_string() : std::string())
        .end_object()
        .end_object();
    return finish(out);
  }

  // --- catalogue ------------------------------------------------------------------------------
  if (method == "getCoinList") {
    JsonWriter out = success_writer();
    out.begin_object().key("coins").begin_array();
    for (const auto& coin : state.account.coins) write_coin(out, coin);
    out.end_array().end_object();
    return finish(out);
  }
  if (method == "getCoin") {
    const auto coin_id = args.integer("coinId");
    if (!args.ok()) return args.error_reply();
    if (!coin_id) return failure(code_invalid_argument, "invalid argument: coinId is required");
    const auto* coin = state.coin(*coin_id);
    if (!coin) return failure(code_coin_not_supported, "coin not supported");
    JsonWriter out = success_writer();
    out.begin_object().key("coin");
    write_coin(out, *coin);
    out.end_object();
    return finish(out);
  }
  if (method == "getCoinUSDTPrice") {
    const auto ids = args.integer_array("coinIds");
    if (!args.ok()) return args.error_reply();
    if (!ids || ids->empty()) return failure(code_invalid_argument, "invalid argument: coinIds is required");
    if (ids->size() > max_ids) return failure(code_too_many_items, "too many items: at most 100 coinIds");
    JsonWriter out = success_writer();
    out.begin_object().key("prices").begin_object();
    std::unordered_set<std::int64_t> written;
    for (const auto id : *ids) {
      const auto* coin = state.coin(id);
      if (!coin || !written.insert(id).second) continue;
      out.member(std::to_string(id), coin->usdt_price.to_string());
    }
    out.end_object().end_object();
    return finish(out);
  }

  // --- transfers ------------------------------------------------------------------------------
  if (method == "userTransfer") {
    const auto from = args.text("fromUserId");
    const auto to = args.text("toUserId");
    const auto coin_id = args.integer("coinId");
    const auto amount_text = args.text("amount");
    const auto order_id = args.text("orderId");
    const auto remark = args.text("remark");
    if (!args.ok()) return args.error_reply();
    for (const auto& problem : {user_id_problem("fromUserId", from), user_id_problem("toUserId", to),
                                order_id_problem("orderId", order_id)}) {
      if (!problem.empty()) args.fail(problem);
    }
    if (from && to && *from == *to) args.fail("fromUserId and toUserId must differ");
    if (!coin_id) args.fail("coinId is required");
    if (remark && code_points(*remark) > 255) args.fail("remark must be at most 255 characters");
    const auto amount = positive_amount(args, "amount", amount_text, true);
    if (!args.ok()) return args.error_reply();
    const auto* coin = state.coin(*coin_id);
    if (!coin) return failure(code_coin_not_supported, "coin not supported");
    if (coin->usdt_price.is_positive() && *amount * coin->usdt_price < state.account.min_transfer_usd) {
      return failure(code_invalid_argument, "invalid argument: amount is below the minimum of 0.001 USD");
    }
    if (state.transfer_by_order.contains(*order_id)) return failure(code_duplicate_order, "duplicate order");
    if (state.spendable(*from, *coin_id) < *amount) {
      return failure(code_insufficient_balance, "insufficient balance");
    }
    state.debit(*from, *coin_id, *amount);
    state.credit(*to, *coin_id, *amount);
    CcpaymentV2TransferRecord record;
    record.order_id = *order_id;
    record.from_user_id = *from;
    record.to_user_id = *to;
    record.coin_id = *coin_id;
    record.amount = *amount;
    record.remark = remark.value_or(std::string());
    record.created_at = created_at;
    const std::string record_id = state.add_transfer(std::move(record));
    JsonWriter out = success_writer();
    out.begin_object().member("recordId", record_id).end_object();
    return finish(out);
  }
  if (method == "getUserTransferRecord") {
    const auto record_id = args.text("recordId");
    const auto order_id = args.text("orderId");
    if (!args.ok()) return args.error_reply();
    if (!record_id && !order_id) {
      return failure(code_invalid_argument, "invalid argument: recordId and orderId cannot both be empty");
    }
    const auto& index = record_id ? state.transfer_by_record : state.transfer_by_order;
    const auto it = index.find(record_id ? *record_id : *order_id);
    if (it == index.end()) return failure(code_not_found, "record not found");
    const auto& record = state.transfers[it->second].record;
    if (record_id && order_id && record.order_id != *order_id) return failure(code_not_found, "record not found");
    JsonWriter out = success_writer();
    out.begin_object().key("record");
    write_transfer(out, state, record);
    out.end_object();
    return finish(out);
  }
  if (method == "getUserTransferRecordList") {
    const auto coin_id = args.integer("coinId");
    const auto from = args.text("fromUserId");
    const auto to = args.text("toUserId");
    const auto start_at = args.integer("startAt");
    const auto end_at = args.integer("endAt");
    const auto next_id = args.text("nextId");
    if (!args.ok()) return args.error_reply();
    if (!from && !to) return failure(code_invalid_argument, "invalid argument: fromUserId or toUserId is required");
    if (start_at && end_at && *start_at > *end_at) {
      return failure(code_invalid_argument, "invalid argument: startAt is after endAt");
    }
    return list_page(
        state.transfers, next_id,
        [&](const CcpaymentV2TransferRecord& r) {
          return (!coin_id || r.coin_id == *coin_id) && (!from || r.from_user_id == *from) &&
                 (!to || r.to_user_id == *to) && in_range(r.created_at, start_at, end_at);
        },
        [&](JsonWriter& out, const CcpaymentV2TransferRecord& r) { write_transfer(out, state, r); });
  }

  // --- swaps ----------------------------------------------------------------------------------
  if (method == "estimate" || method == "userSwap") {
    const bool execute = method == "userSwap";
    const auto coin_in = args.integer("coinIdIn");
    const auto coin_out = args.integer("coinIdOut");
    const auto amount_text = args.text("amountIn");
    const auto extra_text = args.text("extraFeeRate");
    const auto order_id = execute ? args.text("orderId") : std::nullopt;
    const auto user_id = execute ? args.text("userId") : std::nullopt;
    const auto minimum_text = execute ? args.text("amountOutMinimum") : std::nullopt;
    if (!args.ok()) return args.error_reply();
    if (execute) {
      for (const auto& problem : {order_id_problem("orderId", order_id), user_id_problem("userId", user_id)}) {
        if (!problem.empty()) args.fail(problem);
      }
    }
    if (!coin_in) args.fail("coinIdIn is required");
    if (!coin_out) args.fail("coinIdOut is required");
    if (coin_in && coin_out && *coin_in == *coin_out) args.fail("coinIdIn and coinIdOut must differ");
    const auto amount_in = positive_amount(args, "amountIn", amount_text, true);
    const auto extra_rate = fee_rate(args, "extraFeeRate", extra_text);
    const auto minimum = positive_amount(args, "amountOutMinimum", minimum_text, false);
    if (!args.ok()) return args.error_reply();
    if (!state.coin(*coin_in) || !state.coin(*coin_out)) return failure(code_coin_not_supported, "coin not supported");
    std::string problem;
    const auto q = quote(*coin_in, *amount_in, *coin_out, *extra_rate, &problem);
    if (!q) return failure(code_invalid_argument, "invalid argument: " + problem);
    if (!execute) {
      JsonWriter out = success_writer();
      out.begin_object();
      write_quote(out, *coin_in, *coin_out, *q);
      out.end_object();
      return finish(out);
    }
    if (state.swap_by_order.contains(*order_id)) return failure(code_duplicate_order, "duplicate order");
    if (state.spendable(*user_id, *coin_in) < *amount_in) {
      return failure(code_insufficient_balance, "insufficient balance");
    }
    if (minimum && q->net_amount_out < *minimum) {
      return failure(code_failed, "swap failed: netAmountOut would be below amountOutMinimum");
    }
    state.debit(*user_id, *coin_in, *amount_in);
    state.credit(*user_id, *coin_out, q->net_amount_out);
    // The merchant's service fee is the merchant's income.
    if (q->extra_fee.is_positive()) state.credit(state.account.app_id, *coin_out, q->extra_fee);
    CcpaymentV2SwapRecord record;
    record.order_id = *order_id;
    record.user_id = *user_id;
    record.coin_id_in = *coin_in;
    record.coin_id_out = *coin_out;
    record.amount_in = q->amount_in;
    record.amount_out = q->amount_out;
    record.net_amount_out = q->net_amount_out;
    record.swap_rate = q->swap_rate;
    record.fee_rate = q->fee_rate;
    record.fee = q->fee;
    record.extra_fee_rate = *extra_rate;
    record.extra_fee = q->extra_fee;
    record.amount_out_minimum = minimum;
    record.created_at = created_at;
    record.arrived_at = created_at;
    const std::string record_id = state.add_swap(std::move(record));
    JsonWriter out = success_writer();
    out.begin_object().member("recordId", record_id).member("orderId", *order_id);
    write_quote(out, *coin_in, *coin_out, *q);
    out.end_object();
    return finish(out);
  }
  if (method == "getUserSwapRecord") {
    const auto record_id = args.text("recordId");
    const auto order_id = args.text("orderId");
    if (!args.ok()) return args.error_reply();
    if (record_id.has_value() == order_id.has_value()) {
      return failure(code_invalid_argument, "invalid argument: pass either recordId or orderId");
    }
    const auto& index = record_id ? state.swap_by_record : state.swap_by_order;
    const auto it = index.find(record_id ? *record_id : *order_id);
    if (it == index.end()) return failure(code_not_found, "record not found");
    JsonWriter out = success_writer();
    out.begin_object().key("record");
    write_swap(out, state, state.swaps[it->second].record);
    out.end_object();
    return finish(out);
  }
  if (method == "getUserSwapRecordList") {
    const auto record_ids = args.string_array("recordIds");
    const auto order_ids = args.string_array("orderIds");
    const auto user_id = args.text("userId");
    const auto coin_in = args.integer("coinIdIn");
    const auto coin_out = args.integer("coinIdOut");
    const auto start_at = args.integer("startAt");
    const auto end_at = args.integer("endAt");
    const auto next_id = args.text("nextId");
    if (!args.ok()) return args.error_reply();
    if (record_ids.size() > max_ids || order_ids.size() > max_ids) {
      return failure(code_too_many_items, "too many items: at most 100 ids");
    }
    if (start_at && end_at && *start_at > *end_at) {
      return failure(code_invalid_argument, "invalid argument: startAt is after endAt");
    }
    const std::unordered_set<std::string> record_set(record_ids.begin(), record_ids.end());
    const std::unordered_set<std::string> order_set(order_ids.begin(), order_ids.end());
    return list_page(
        state.swaps, next_id,
        [&](const CcpaymentV2SwapRecord& r) {
          return (record_set.empty() || record_set.contains(r.record_id)) &&
                 (order_set.empty() || order_set.contains(r.order_id)) && (!user_id || r.user_id == *user_id) &&
                 (!coin_in || r.coin_id_in == *coin_in) && (!coin_out || r.coin_id_out == *coin_out) &&
                 in_range(r.created_at, start_at, end_at);
        },
        [&](JsonWriter& out, const CcpaymentV2SwapRecord& r) { write_swap(out, state, r); });
  }

  // --- deposits -------------------------------------------------------------------------------
  // method == "rescanLostTransaction"
  const auto chain = args.text("chain");
  const auto to_address = args.text("toAddress");
  const auto tx_id = args.text("txId");
  const auto memo = args.text("memo");
  if (!args.ok()) return args.error_reply();
  if (!chain) return failure(code_invalid_argument, "invalid argument: chain is required");
  if (!to_address) return failure(code_invalid_argument, "invalid argument: toAddress is required");
  if (!tx_id) return failure(code_invalid_argument, "invalid argument: txId is required");
  bool known_chain = false;
  for (const auto& coin : state.account.coins) {
    for (const auto& network : coin.networks) known_chain = known_chain || network.chain == *chain;
  }
  if (!known_chain) return failure(code_invalid_argument, "invalid argument: chain is not supported");
  (void)memo;
  JsonWriter out = success_writer();
  out.begin_object()
      .member("description", "The deposit has been rescanned. Please wait for the transaction to be credited.")
      .end_object();
  return finish(out);
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
  if (state_->transfer_by_order.contains(record.order_id)) {
    throw std::invalid_argument("add_transfer_record: order id already used: " + record.order_id);
  }
  if (!record.record_id.empty() && state_->transfer_by_record.contains(record.record_id)) {
    throw std::invalid_argument("add_transfer_record: record id already used: " + record.record_id);
  }
  return state_->add_transfer(std::move(record));
}

std::string CcpaymentV2Provider::add_swap_record(CcpaymentV2SwapRecord record) {
  std::lock_guard lock(mutex_);
  if (!state_->coin(record.coin_id_in) || !state_->coin(record.coin_id_out)) {
    throw std::invalid_argument("add_swap_record: unknown coin id");
  }
  if (state_->swap_by_order.contains(record.order_id)) {
    throw std::invalid_argument("add_swap_record: order id already used: " + record.order_id);
  }
  if (!record.record_id.empty() && state_->swap_by_record.contains(record.record_id)) {
    throw std::invalid_argument("add_swap_record: record id already used: " + record.record_id);
  }
  return state_->add_swap(std::move(record));
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
      CcpaymentV2SwapRecord record;
      record.order_id = spec.order_prefix + "-s-" + std::to_string(j + 1);
      record.user_id = spec.users[j % n];
      record.coin_id_in = spec.swap_coin_id_in;
      record.coin_id_out = spec.swap_coin_id_out;
      record.amount_in = q->amount_in;
      record.amount_out = q->amount_out;
      record.net_amount_out = q->net_amount_out;
      record.swap_rate = q->swap_rate;
      record.fee_rate = q->fee_rate;
      record.fee = q->fee;
      record.extra_fee_rate = extra_rate;
      record.extra_fee = q->extra_fee;
      record.created_at = created_at;
      record.arrived_at = created_at;
      seeded.swap_record_ids.push_back(add_swap_record(std::move(record)));
    }
  }
  return seeded;
}

std::vector<CcpaymentV2TransferRecord> CcpaymentV2Provider::transfer_records() const {
  std::lock_guard lock(mutex_);
  std::vector<CcpaymentV2TransferRecord> records;
  records.reserve(state_->transfers.size());
  for (const auto& stored : state_->transfers) records.push_back(stored.record);
  return records;
}

std::vector<CcpaymentV2SwapRecord> CcpaymentV2Provider::swap_records() const {
  std::lock_guard lock(mutex_);
  std::vector<CcpaymentV2SwapRecord> records;
  records.reserve(state_->swaps.size());
  for (const auto& stored : state_->swaps) records.push_back(stored.record);
  return records;
}

}  // namespace coinfan::sim
