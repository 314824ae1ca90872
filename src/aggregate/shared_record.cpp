#include "coinfan/aggregate/shared_record.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <charconv>

#include "coinfan/core/json.hpp"

namespace coinfan::aggregate {

namespace json = boost::json;

namespace {

constexpr std::string_view record_version = "1";

// The store's values are bounded like a provider body.
constexpr std::size_t max_record_bytes = 16 * 1024 * 1024;

json::value optional_text(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

json::value optional_decimal(const std::optional<Decimal>& value) {
  return value ? json::value(value->to_string()) : json::value(nullptr);
}

json::object error_json(const Error& error) {
  return json::object{{"code", to_string(error.code)},
                      {"detail", error.detail},
                      {"provider_code", error.provider_code},
                      {"provider_message", error.provider_message}};
}

Error malformed(std::string_view what) { return make_error(ErrorCode::bad_response, "shared record: " + std::string(what)); }

std::optional<ErrorCode> error_code_of(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::internal); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    if (to_string(code) == text) return code;
  }
  return std::nullopt;
}

// Field readers that turn every mismatch into one bad_response.
struct Reader {
  const json::object& object;
  bool failed = false;

  std::string text(std::string_view key) {
    auto value = string_field(object, key);
    if (!value) failed = true;
    return value ? std::string(*value) : std::string();
  }
  std::optional<std::string> optional_text(std::string_view key) {
    const auto* value = object.if_contains(key);
    if (!value || value->is_null()) return std::nullopt;
    return text(key);
  }
  Decimal decimal(std::string_view key) {
    const auto* value = object.if_contains(key);
    if (!value || !value->is_string()) {
      failed = true;
      return {};
    }
    // Only the canonical text encode_* writes: no exponent (whose expansion could exceed what
    // Decimal::parse takes back).
    const std::string_view text = value->get_string();
    if (text.find_first_of("eE") != std::string_view::npos) {
      failed = true;
      return {};
    }
    auto parsed = Decimal::parse(text);
    if (!parsed) failed = true;
    return parsed ? *parsed : Decimal();
  }
  std::optional<Decimal> optional_decimal(std::string_view key) {
    const auto* value = object.if_contains(key);
    if (!value || value->is_null()) return std::nullopt;
    return decimal(key);
  }
  bool flag(std::string_view key) {
    auto value = bool_field(object, key);
    if (!value) failed = true;
    return value.value_or(false);
  }
  std::optional<std::int64_t> optional_integer(std::string_view key) {
    const auto* value = object.if_contains(key);
    if (!value || value->is_null()) return std::nullopt;
    auto integer = int_field(object, key);
    if (!integer) failed = true;
    return integer;
  }
};

std::optional<Error> read_error(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  Reader read{value.get_object()};
  const auto code = error_code_of(read.text("code"));
  Error error;
  error.detail = read.text("detail");
  error.provider_code = read.text("provider_code");
  error.provider_message = read.text("provider_message");
  if (read.failed || !code) return std::nullopt;
  error.code = *code;
  return error;
}

template <typename T, typename ReadItem>
bool read_array(const json::object& object, std::string_view key, std::vector<T>& out, ReadItem read_item) {
  const auto* array = array_field(object, key);
  if (!array) return false;
  out.reserve(array->size());
  for (const auto& item : *array) {
    if (!item.is_object()) return false;
    auto value = read_item(item.get_object());
    if (!value) return false;
    out.push_back(std::move(*value));
  }
  return true;
}

std::optional<Balance> read_balance(const json::object& object) {
  Reader read{object};
  Balance balance;
  balance.gateway = read.text("gateway");
  balance.asset = read.text("asset");
  balance.network = read.optional_text("network");
  balance.total = read.decimal("total");
  balance.available = read.decimal("available");
  balance.locked = read.decimal("locked");
  balance.usd_price = read.optional_decimal("usd_price");
  balance.usd_value = read.optional_decimal("usd_value");
  balance.raw_asset = read.text("raw_asset");
  if (read.failed) return std::nullopt;
  return balance;
}

std::optional<Price> read_price(const json::object& object) {
  Reader read{object};
  Price price;
  price.asset = read.text("asset");
  price.usd = read.decimal("usd");
  price.gateway = read.text("gateway");
  price.quote = read.text("quote");
  price.raw_id = read.text("raw_id");
  price.network = read.optional_text("network");
  price.derived = read.flag("derived");
  if (read.failed) return std::nullopt;
  return price;
}

std::optional<CoinNetwork> read_network(const json::object& object) {
  Reader read{object};
  CoinNetwork network;
  network.chain = read.text("chain");
  network.name = read.text("name");
  network.contract = read.text("contract");
  network.precision = read.optional_integer("precision");
  network.can_deposit = read.flag("can_deposit");
  network.can_withdraw = read.flag("can_withdraw");
  network.memo_required = read.flag("memo_required");
  network.min_deposit = read.optional_decimal("min_deposit");
  network.min_withdraw = read.optional_decimal("min_withdraw");
  network.max_withdraw = read.optional_decimal("max_withdraw");
  network.withdraw_fee = read.optional_decimal("withdraw_fee");
  if (read.failed) return std::nullopt;
  return network;
}

std::optional<Coin> read_coin(const json::object& object) {
  Reader read{object};
  Coin coin;
  coin.gateway = read.text("gateway");
  coin.coin_id = read.text("coin_id");
  coin.asset = read.text("asset");
  coin.name = read.text("name");
  coin.status = read.text("status");
  coin.logo = read.text("logo");
  if (read.failed || !read_array(object, "networks", coin.networks, read_network)) return std::nullopt;
  return coin;
}

Result<json::object> parse_object(std::string_view text) {
  auto parsed = parse_json_exact(text, default_max_json_depth, max_record_bytes);
  if (!parsed) return std::move(parsed).error();
  if (!parsed->is_object()) return malformed("not an object");
  return std::move(parsed->get_object());
}

std::optional<std::int64_t> integer_of(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::string encode_record(const SharedRecord& record) {
  std::string out;
  out.reserve(record.payload.size() + record.by.size() + 48);
  out.append(record_version).append("|");
  out.append(std::to_string(record.completed_at)).append("|");
  out.append(std::to_string(record.latency_ms)).append("|");
  out.append(record.good ? "g" : "e").append("|");
  out.append(record.by).append("|");
  out.append(std::to_string(record.epoch)).append("|");
  if (record.good) {
    out.append(record.payload);
  } else {
    out.append(json::serialize(error_json(record.error)));
  }
  return out;
}

std::optional<SharedRecord> decode_record(std::string_view text) {
  if (text.size() > max_record_bytes) return std::nullopt;
  std::array<std::string_view, 6> fields;
  for (auto& field : fields) {
    const auto bar = text.find('|');
    if (bar == std::string_view::npos) return std::nullopt;
    field = text.substr(0, bar);
    text.remove_prefix(bar + 1);
  }
  const auto completed_at = integer_of(fields[1]);
  const auto latency = integer_of(fields[2]);
  const auto epoch = integer_of(fields[5]);
  if (fields[0] != record_version || !completed_at || !latency || !epoch || (fields[3] != "g" && fields[3] != "e") ||
      fields[4].empty()) {
    return std::nullopt;
  }
  SharedRecord record;
  record.completed_at = *completed_at;
  record.latency_ms = *latency;
  record.good = fields[3] == "g";
  record.by = std::string(fields[4]);
  record.epoch = static_cast<std::uint64_t>(*epoch);
  if (record.good) {
    record.payload = std::string(text);
    return record;
  }
  auto parsed = parse_json_exact(text, 4, max_record_bytes);
  if (!parsed) return std::nullopt;
  auto error = read_error(*parsed);
  if (!error) return std::nullopt;
  record.error = std::move(*error);
  return record;
}

std::string encode_balances(const std::vector<Balance>& balance_list, const std::vector<Price>& price_list,
                            const std::optional<Error>& price_error) {
  json::array balances;
  balances.reserve(balance_list.size());
  for (const auto& balance : balance_list) {
    balances.push_back(json::object{{"gateway", balance.gateway},
                                    {"asset", balance.asset},
                                    {"network", optional_text(balance.network)},
                                    {"total", balance.total.to_string()},
                                    {"available", balance.available.to_string()},
                                    {"locked", balance.locked.to_string()},
                                    {"usd_price", optional_decimal(balance.usd_price)},
                                    {"usd_value", optional_decimal(balance.usd_value)},
                                    {"raw_asset", balance.raw_asset}});
  }
  json::array prices;
  prices.reserve(price_list.size());
  for (const auto& price : price_list) {
    prices.push_back(json::object{{"asset", price.asset},
                                  {"usd", price.usd.to_string()},
                                  {"gateway", price.gateway},
                                  {"quote", price.quote},
                                  {"raw_id", price.raw_id},
                                  {"network", optional_text(price.network)},
                                  {"derived", price.derived}});
  }
  json::object out{{"balances", std::move(balances)}, {"prices", std::move(prices)}};
  out["price_error"] = price_error ? json::value(error_json(*price_error)) : json::value(nullptr);
  return json::serialize(out);
}

Result<SharedBalances> decode_balances(std::string_view text) {
  auto object = parse_object(text);
  if (!object) return std::move(object).error();
  SharedBalances snapshot;
  if (!read_array(*object, "balances", snapshot.balances, read_balance)) return malformed("balances");
  if (!read_array(*object, "prices", snapshot.prices, read_price)) return malformed("prices");
  const auto* price_error = object->if_contains("price_error");
  if (!price_error) return malformed("price_error");
  if (!price_error->is_null()) {
    snapshot.price_error = read_error(*price_error);
    if (!snapshot.price_error) return malformed("price_error");
  }
  return snapshot;
}

std::string encode_coins(const std::vector<Coin>& coins) {
  json::array out;
  out.reserve(coins.size());
  for (const auto& coin : coins) {
    json::array networks;
    for (const auto& network : coin.networks) {
      networks.push_back(json::object{{"chain", network.chain},
                                      {"name", network.name},
                                      {"contract", network.contract},
                                      {"precision", network.precision ? json::value(*network.precision)
                                                                      : json::value(nullptr)},
                                      {"can_deposit", network.can_deposit},
                                      {"can_withdraw", network.can_withdraw},
                                      {"memo_required", network.memo_required},
                                      {"min_deposit", optional_decimal(network.min_deposit)},
                                      {"min_withdraw", optional_decimal(network.min_withdraw)},
                                      {"max_withdraw", optional_decimal(network.max_withdraw)},
                                      {"withdraw_fee", optional_decimal(network.withdraw_fee)}});
    }
    out.push_back(json::object{{"gateway", coin.gateway},
                               {"coin_id", coin.coin_id},
                               {"asset", coin.asset},
                               {"name", coin.name},
                               {"status", coin.status},
                               {"logo", coin.logo},
                               {"networks", std::move(networks)}});
  }
  return json::serialize(json::object{{"coins", std::move(out)}});
}

Result<std::vector<Coin>> decode_coins(std::string_view text) {
  auto object = parse_object(text);
  if (!object) return std::move(object).error();
  std::vector<Coin> coins;
  if (!read_array(*object, "coins", coins, read_coin)) return malformed("coins");
  return coins;
}

}  // namespace coinfan::aggregate
