#include "coinfan/writes/input.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <tuple>

#include <boost/json/value.hpp>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/json.hpp"
#include "gateways/ccpayment_v2/requests.hpp"
#include "gateways/common/input.hpp"

namespace coinfan::writes {

namespace json = boost::json;
namespace v2 = gateways::ccpayment_v2;

namespace {

// Generous bounds for identifiers the documents give no length for (chains, addresses, txids).
constexpr std::size_t max_chain_chars = 32;
constexpr std::size_t max_address_chars = 256;
constexpr unsigned default_places = 18;

// Reads one body: each accessor records what is wrong with its field; unknown members are
// errors too, so a misspelt optional field is never silently ignored.
class BodyReader {
 public:
  BodyReader(std::string_view text, std::initializer_list<std::string_view> known) : known_(known) {
    if (text.size() > max_body_bytes) {
      fail_body("the body exceeds " + std::to_string(max_body_bytes) + " bytes");
      return;
    }
    auto parsed = parse_json_exact(text, 8, max_body_bytes, InexactNumbers::flagged);
    if (!parsed) {
      fail_body("the body is not valid JSON: " + parsed.error().detail);
      return;
    }
    if (!parsed->is_object()) {
      fail_body("the body must be a JSON object");
      return;
    }
    // Moved, not copied: the body keeps the storage its parse allocated it from.
    body_.emplace(std::move(*parsed));
    for (const auto& member : body_->get_object()) {
      const std::string_view key(member.key().data(), member.key().size());
      if (std::find(known_.begin(), known_.end(), key) == known_.end()) add(std::string(key), "unknown field");
    }
  }

  bool malformed() const noexcept { return malformed_; }
  FieldErrors take_errors() { return std::move(errors_); }
  bool ok() const noexcept { return errors_.empty() && !malformed_; }

  void add(std::string field, std::string reason) { errors_.push_back({std::move(field), std::move(reason)}); }
  // A check's Error detail already names the field.
  void add_checked(std::string_view field, const Error& error) { add(std::string(field), error.detail); }

  bool has(std::string_view key) const { return lookup(key) != nullptr && !lookup(key)->is_null(); }

  // A required (or, when `optional`, possibly absent or null) JSON string.
  std::optional<std::string> text(std::string_view key, bool optional = false) {
    const json::value* value = lookup(key);
    if (value == nullptr || value->is_null()) {
      if (!optional) add(std::string(key), "is required");
      return std::nullopt;
    }
    if (!value->is_string()) {
      add(std::string(key), "must be a JSON string");
      return std::nullopt;
    }
    return std::string(value->get_string().data(), value->get_string().size());
  }

  // A positive decimal amount sent as a JSON string (a number, an exponent, a sign or zero is
  // an error: JSON numbers lose precision in most callers' hands).
  std::optional<std::pair<Decimal, std::string>> amount(std::string_view key, bool optional = false) {
    const json::value* value = lookup(key);
    if (value != nullptr && (value->is_int64() || value->is_uint64() || value->is_double())) {
      add(std::string(key), "must be a JSON string holding a decimal, such as \"12.5\" (not a JSON number)");
      return std::nullopt;
    }
    auto raw = text(key, optional);
    if (!raw) return std::nullopt;
    if (!gateways::is_plain_decimal(*raw)) {
      add(std::string(key), "must be a plain positive decimal such as \"12.5\" (digits and one '.', no sign or exponent)");
      return std::nullopt;
    }
    auto parsed = Decimal::parse(*raw);
    if (!parsed || !parsed->is_positive()) {
      add(std::string(key), "must be greater than zero");
      return std::nullopt;
    }
    return std::pair{std::move(*parsed), std::move(*raw)};
  }

  // `id_key` (a positive integer) or `asset_key` (a symbol): exactly one of them.
  CoinRef coin(std::string_view id_key, std::string_view asset_key) {
    CoinRef ref;
    const bool has_id = has(id_key);
    const bool has_asset = has(asset_key);
    if (has_id && has_asset) {
      add(std::string(id_key), "give " + std::string(id_key) + " or " + std::string(asset_key) + ", not both");
      return ref;
    }
    if (!has_id && !has_asset) {
      add(std::string(id_key), std::string(id_key) + " or " + std::string(asset_key) + " is required");
      return ref;
    }
    if (has_id) {
      const json::value* value = lookup(id_key);
      if (!value->is_int64() || value->get_int64() <= 0) {
        add(std::string(id_key), "must be a positive integer coin id");
        return ref;
      }
      ref.coin_id = value->get_int64();
      return ref;
    }
    auto symbol = text(asset_key);
    if (!symbol) return ref;
    if (symbol->empty() || symbol->size() > 32 ||
        !std::all_of(symbol->begin(), symbol->end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
        })) {
      add(std::string(asset_key), "must be a coin symbol such as \"USDT\" (1-32 letters, digits, '-' or '_')");
      return ref;
    }
    ref.asset = std::move(symbol);
    return ref;
  }

  // A text field checked by `check` (which names the field in its detail).
  template <typename Check>
  std::optional<std::string> checked_text(std::string_view key, Check check, bool optional = false) {
    auto value = text(key, optional);
    if (!value) return std::nullopt;
    if (auto status = check(key, *value); !status) {
      add_checked(key, status.error());
      return std::nullopt;
    }
    return value;
  }

 private:
  void fail_body(std::string reason) {
    malformed_ = true;
    add("", std::move(reason));
  }

  const json::value* lookup(std::string_view key) const {
    if (!body_) return nullptr;
    return body_->get_object().if_contains(json::string_view(key.data(), key.size()));
  }

  std::vector<std::string_view> known_;
  std::optional<json::value> body_;  // an object, once the body parsed
  FieldErrors errors_;
  bool malformed_ = false;
};

Result<std::monostate> visible_text(std::string_view field, std::string_view value, std::size_t max_chars) {
  if (auto error = gateways::check_text(field, value, 1, max_chars)) return std::move(*error);
  if (!std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7F; })) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must be printable ASCII without spaces");
  }
  return std::monostate{};
}

// Order ids travel in logs, headers (Location) and lookups: the provider's 3-64 characters,
// and printable ASCII without spaces.
Result<std::monostate> order_id_rule(std::string_view field, std::string_view value) {
  if (auto status = v2::validate_order_id(field, value); !status) return status;
  return visible_text(field, value, 64);
}

Result<std::monostate> remark_rule(std::string_view field, std::string_view value) {
  if (auto error = gateways::check_text(field, value, 0, 255)) return std::move(*error);
  return std::monostate{};
}

template <typename Body>
Parsed<Body> finish(BodyReader& reader, Body body) {
  Parsed<Body> out;
  out.malformed = reader.malformed();
  if (reader.ok()) out.body = std::move(body);
  out.errors = reader.take_errors();
  return out;
}

template <typename Body>
Parsed<Body> malformed(BodyReader& reader) {
  Parsed<Body> out;
  out.malformed = true;
  out.errors = reader.take_errors();
  return out;
}

}  // namespace

Parsed<TransferBody> parse_transfer_body(std::string_view text) {
  BodyReader reader(text, {"from_user_id", "to_user_id", "coin_id", "asset", "amount", "order_id", "remark"});
  if (reader.malformed()) return malformed<TransferBody>(reader);
  TransferBody body;
  auto from = reader.checked_text("from_user_id", v2::validate_user_id);
  auto to = reader.checked_text("to_user_id", v2::validate_user_id);
  if (from && to && *from == *to) reader.add("to_user_id", "must differ from from_user_id");
  body.coin = reader.coin("coin_id", "asset");
  auto amount = reader.amount("amount");
  auto order = reader.checked_text("order_id", order_id_rule);
  body.remark = reader.checked_text("remark", remark_rule, true);
  if (from) body.from_user_id = std::move(*from);
  if (to) body.to_user_id = std::move(*to);
  if (amount) std::tie(body.amount, body.amount_text) = std::move(*amount);
  if (order) body.order_id = std::move(*order);
  return finish(reader, std::move(body));
}

namespace {
void read_quote_part(BodyReader& reader, CoinRef& coin_in, Decimal& amount_in, std::string& amount_in_text,
                     CoinRef& coin_out, std::optional<std::string>& extra_fee_rate) {
  coin_in = reader.coin("coin_id_in", "asset_in");
  if (auto amount = reader.amount("amount_in")) std::tie(amount_in, amount_in_text) = std::move(*amount);
  coin_out = reader.coin("coin_id_out", "asset_out");
  if (coin_in.coin_id && coin_in.coin_id == coin_out.coin_id) reader.add("coin_id_out", "must differ from coin_id_in");
  if (coin_in.asset && coin_out.asset && ascii::iequals(*coin_in.asset, *coin_out.asset)) {
    reader.add("asset_out", "must differ from asset_in");
  }
  extra_fee_rate = reader.checked_text("extra_fee_rate", v2::validate_fee_rate, true);
}
}  // namespace

Parsed<QuoteBody> parse_quote_body(std::string_view text) {
  BodyReader reader(text, {"coin_id_in", "asset_in", "amount_in", "coin_id_out", "asset_out", "extra_fee_rate"});
  if (reader.malformed()) return malformed<QuoteBody>(reader);
  QuoteBody body;
  read_quote_part(reader, body.coin_in, body.amount_in, body.amount_in_text, body.coin_out, body.extra_fee_rate);
  return finish(reader, std::move(body));
}

Parsed<SwapBody> parse_swap_body(std::string_view text) {
  BodyReader reader(text, {"order_id", "user_id", "coin_id_in", "asset_in", "amount_in", "coin_id_out", "asset_out",
                           "extra_fee_rate", "amount_out_minimum"});
  if (reader.malformed()) return malformed<SwapBody>(reader);
  SwapBody body;
  auto order = reader.checked_text("order_id", order_id_rule);
  auto user = reader.checked_text("user_id", v2::validate_user_id);
  read_quote_part(reader, body.coin_in, body.amount_in, body.amount_in_text, body.coin_out, body.extra_fee_rate);
  if (auto minimum = reader.amount("amount_out_minimum", true)) body.amount_out_minimum = std::move(minimum->second);
  if (order) body.order_id = std::move(*order);
  if (user) body.user_id = std::move(*user);
  return finish(reader, std::move(body));
}

Parsed<RescanBody> parse_rescan_body(std::string_view text) {
  BodyReader reader(text, {"chain", "to_address", "memo", "tx_id"});
  if (reader.malformed()) return malformed<RescanBody>(reader);
  RescanBody body;
  auto chain = reader.checked_text("chain", [](std::string_view f, std::string_view v) {
    return visible_text(f, v, max_chain_chars);
  });
  auto address = reader.checked_text("to_address", [](std::string_view f, std::string_view v) {
    return visible_text(f, v, max_address_chars);
  });
  body.memo = reader.checked_text(
      "memo", [](std::string_view f, std::string_view v) { return visible_text(f, v, max_address_chars); }, true);
  auto tx = reader.checked_text("tx_id", [](std::string_view f, std::string_view v) {
    return visible_text(f, v, max_address_chars);
  });
  if (chain) body.chain = std::move(*chain);
  if (address) body.to_address = std::move(*address);
  if (tx) body.tx_id = std::move(*tx);
  return finish(reader, std::move(body));
}

unsigned coin_places(const Coin& coin) {
  std::optional<std::int64_t> best;
  for (const auto& network : coin.networks) {
    if (network.precision && *network.precision >= 0 && (!best || *network.precision > *best)) best = network.precision;
  }
  if (!best) return default_places;
  return static_cast<unsigned>(std::min<std::int64_t>(*best, 64));
}

std::optional<std::int64_t> numeric_coin_id(const Coin& coin) {
  if (coin.coin_id.empty() || coin.coin_id.size() > 18 ||
      !std::all_of(coin.coin_id.begin(), coin.coin_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(coin.coin_id);
}

std::variant<const Coin*, FieldError> resolve_coin(const std::vector<Coin>& catalogue, const CoinRef& ref,
                                                   std::string_view id_field, std::string_view asset_field) {
  if (ref.coin_id) {
    for (const auto& coin : catalogue) {
      if (numeric_coin_id(coin) == ref.coin_id) return &coin;
    }
    return FieldError{std::string(id_field), "unknown coin id " + std::to_string(*ref.coin_id) +
                                                 " (not in this gateway's coin list)"};
  }
  const std::string symbol = ref.asset.value_or("");
  const Coin* found = nullptr;
  std::string ids;
  std::size_t matches = 0;
  for (const auto& coin : catalogue) {
    if (!ascii::iequals(coin.asset, symbol)) continue;
    ids += (ids.empty() ? "" : ", ") + coin.coin_id;
    if (matches++ == 0) found = &coin;
  }
  if (found == nullptr) {
    return FieldError{std::string(asset_field), "unknown asset '" + symbol + "' (not in this gateway's coin list)"};
  }
  if (matches > 1) {
    return FieldError{std::string(asset_field),
                      "asset '" + symbol + "' is ambiguous: coin ids " + ids + "; give " + std::string(id_field)};
  }
  return found;
}

std::optional<FieldError> check_places(std::string_view amount_text, const Coin& coin, std::string_view field) {
  const auto point = amount_text.find('.');
  std::size_t digits = 0;
  if (point != std::string_view::npos) {
    std::string_view fraction = amount_text.substr(point + 1);
    while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
    digits = fraction.size();
  }
  const unsigned places = coin_places(coin);
  if (digits <= places) return std::nullopt;
  return FieldError{std::string(field), "has " + std::to_string(digits) + " fractional digits; " + coin.asset +
                                            " allows at most " + std::to_string(places)};
}

}  // namespace coinfan::writes
