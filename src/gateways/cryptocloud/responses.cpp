#include "gateways/cryptocloud/responses.hpp"

#include <algorithm>
#include <array>
#include <string>

#include <boost/json/serialize.hpp>

#include "coinfan/core/assets.hpp"
#include "coinfan/core/json.hpp"
#include "gateways/common/responses.hpp"

namespace coinfan::gateways::cryptocloud {
namespace {

namespace json = boost::json;

constexpr std::string_view provider = "CryptoCloud";

// {"detail": ...} comes from the API's authentication/throttling layer (a Django REST
// framework shape); which kind it is can only be read from the text.
Error detail_error(std::string_view detail) {
  if (mentions_any(detail, {"throttl"})) return provider_failure(ErrorCode::rate_limited, provider, {}, detail);
  if (mentions_any(detail, {"signature", "header", "token", "credential", "authenticat", "authoriz", "permission",
                            "padding", "expired"})) {
    return provider_failure(ErrorCode::auth_failed, provider, {}, detail);
  }
  return provider_failure(ErrorCode::provider_error, provider, {}, detail);
}

// {"status":"error","result":...}: the message is result itself when it is a string, else the
// first string inside it, else its JSON text.
Error status_error(const json::object& root) {
  const auto* result = root.if_contains("result");
  if (result == nullptr || result->is_null()) {
    return provider_failure(ErrorCode::provider_error, provider, {}, "status error");
  }
  if (result->is_string()) {
    return provider_failure(ErrorCode::provider_error, provider, {}, result->get_string());
  }
  if (result->is_object()) {
    for (const auto& [key, value] : result->get_object()) {
      if (value.is_string()) {
        return provider_failure(ErrorCode::provider_error, provider, std::string(key),
                                value.get_string());
      }
    }
  }
  return provider_failure(ErrorCode::provider_error, provider, {}, json::serialize(*result));
}

Result<Balance> balance_from(std::string_view gateway_id, const json::object& item,
                             const std::string& where) {
  const auto* currency = object_field(item, "currency");
  if (currency == nullptr) {
    return malformed(provider, where + ": field 'currency' is missing or not an object");
  }
  FieldReader currency_fields(provider, where + ".currency", *currency);
  const std::string code = currency_fields.text("code");
  const std::string short_code = currency_fields.optional_text("short_code");
  if (!currency_fields.ok()) return currency_fields.take_error();
  if (code.empty()) return malformed(provider, where + ".currency: field 'code' is empty");

  FieldReader fields(provider, where, item);
  const Decimal total = fields.amount("balance_crypto");
  const std::optional<Decimal> available = fields.optional_amount("available_balance");
  const std::optional<Decimal> usd_value = fields.optional_amount("balance_usd");
  if (!fields.ok()) return fields.take_error();

  AssetNetwork split = split_asset_code(code);
  Balance balance;
  balance.gateway = std::string(gateway_id);
  balance.asset = short_code.empty() ? std::move(split.asset) : normalise_asset(short_code);
  // A balance must say which coin it is: one without a symbol could be merged with nothing.
  if (balance.asset.empty()) return malformed(provider, where + ".currency: 'code' and 'short_code' name no coin");
  balance.network = std::move(split.network);
  balance.raw_asset = code;
  balance.total = total;
  balance.available = available.value_or(total);
  // Funds not yet withdrawable (e.g. awaiting confirmations) are what is locked.
  balance.locked = balance.available < total ? total - balance.available : Decimal{};
  balance.usd_value = usd_value;
  // A zero balance_usd means it was rounded away, not that the coin is worthless.
  if (usd_value && usd_value->is_positive() && total.is_positive()) {
    auto price = Decimal::divide_significant(*usd_value, total, derived_price_digits);
    if (!price) return at(std::string(provider) + " " + where, std::move(price).error());
    balance.usd_price = std::move(price).value();
  }
  return balance;
}

}  // namespace

Result<BalanceSnapshot> parse_balance_all_response(std::string_view gateway_id,
                                                   std::string_view body) {
  auto root = parse_json_exact(body);
  if (!root) return at(provider, std::move(root).error());
  auto object = root_object(*root, provider);
  if (!object) return std::move(object).error();
  const json::object& top = **object;

  const auto status = string_field(top, "status");
  if (!status) {
    if (const auto detail = string_field(top, "detail")) return detail_error(*detail);
    return malformed(provider, "field 'status' is missing or not a string");
  }
  if (*status == "error") return status_error(top);
  if (*status != "success") {
    return malformed(provider, "unexpected status '" + clip_provider_text(*status) + "'");
  }

  const auto* result = array_field(top, "result");
  if (result == nullptr) return malformed(provider, "field 'result' is missing or not an array");
  BalanceSnapshot snapshot;
  snapshot.balances.reserve(result->size());
  for (std::size_t i = 0; i < result->size(); ++i) {
    const std::string where = "result[" + std::to_string(i) + "]";
    if (!(*result)[i].is_object()) return malformed(provider, where + " is not an object");
    auto balance = balance_from(gateway_id, (*result)[i].get_object(), where);
    if (!balance) return std::move(balance).error();
    if (balance->usd_price) {
      snapshot.prices.push_back(Price{balance->asset, *balance->usd_price, std::string(gateway_id), "USD",
                                      balance->raw_asset, balance->network, true});
    }
    snapshot.balances.push_back(std::move(balance).value());
  }
  return snapshot;
}

}  // namespace coinfan::gateways::cryptocloud
