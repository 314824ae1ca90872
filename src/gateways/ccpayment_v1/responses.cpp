#include "gateways/ccpayment_v1/responses.hpp"

#include "coinfan/core/assets.hpp"
#include "coinfan/core/json.hpp"
#include "gateways/common/responses.hpp"

namespace coinfan::gateways::ccpayment_v1 {
namespace {

constexpr std::string_view provider = "CCPayment v1";

// The root object of a success answer (code 10000), else the provider's error.
Result<const boost::json::object*> success_envelope(const boost::json::value& root) {
  auto object = root_object(root, provider);
  if (!object) return object;
  const auto code = int_field(**object, "code");
  if (!code) return malformed(provider, "field 'code' is missing or not an integer");
  if (*code != success_code) {
    const auto message = string_field(**object, "msg").value_or("");
    return provider_failure(ErrorCode::provider_error, provider, std::to_string(*code), message);
  }
  return object;
}

Result<AssetsSnapshot> assets_from(std::string_view gateway_id, const boost::json::object& root) {
  const auto* data = object_field(root, "data");
  if (data == nullptr) return malformed(provider, "field 'data' is missing or not an object");
  const auto* list = array_field(*data, "list");
  if (list == nullptr) return malformed(provider, "field 'data.list' is missing or not an array");

  AssetsSnapshot snapshot;
  snapshot.balances.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "data.list[" + std::to_string(i) + "]";
    const auto& item_value = (*list)[i];
    if (!item_value.is_object()) return malformed(provider, where + " is not an object");
    const auto& item = item_value.get_object();

    const auto coin_id = string_field(item, "coin_id");
    const auto crypto = string_field(item, "crypto");
    if (!coin_id || !crypto) {
      return malformed(provider, where + ": 'coin_id' and 'crypto' must be strings");
    }
    auto value = amount_field(item, "value", true);
    if (!value) return at(std::string(provider) + " " + where, std::move(value).error());
    auto price = amount_field(item, "price", true);
    if (!price) return at(std::string(provider) + " " + where, std::move(price).error());

    // A balance must say which coin it is: one without a symbol could be merged with nothing.
    const std::string asset = normalise_asset(*crypto);
    if (asset.empty()) return malformed(provider, where + ": 'crypto' names no coin");

    Balance balance;
    balance.gateway = std::string(gateway_id);
    balance.asset = asset;
    balance.total = *value;
    balance.available = *value;
    balance.raw_asset = std::string(*coin_id);
    if (!price->is_zero()) {
      balance.usd_price = *price;
      balance.usd_value = *value * *price;
      snapshot.prices.push_back(
          Price{balance.asset, *price, std::string(gateway_id), "USD", std::string(*coin_id), std::nullopt, false});
    }
    snapshot.balances.push_back(std::move(balance));
  }
  return snapshot;
}

}  // namespace

Result<AssetsSnapshot> parse_assets_response(std::string_view gateway_id, std::string_view body) {
  auto root = parse_json_exact(body);
  if (!root) return at(provider, std::move(root).error());
  auto object = success_envelope(*root);
  if (!object) return std::move(object).error();
  return assets_from(gateway_id, **object);
}

Result<AssetsSnapshot> parse_verified_assets_response(std::string_view gateway_id,
                                                      const Credentials& credentials,
                                                      const ResponseSignature& signature,
                                                      std::string_view body) {
  auto root = parse_json_exact(body);
  // Not JSON at all (a proxy's HTML page, a truncated body): bad_response, whatever the
  // headers say.
  if (!root) return at(provider, std::move(root).error());
  auto object = success_envelope(*root);
  if (!object) return std::move(object).error();
  auto verified = verify_response_signature(credentials, signature, body);
  if (!verified) return std::move(verified).error();
  return assets_from(gateway_id, **object);
}

}  // namespace coinfan::gateways::ccpayment_v1
