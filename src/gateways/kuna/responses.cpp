#include "gateways/kuna/responses.hpp"

#include <algorithm>
#include <array>

#include "coinfan/core/assets.hpp"
#include "coinfan/core/json.hpp"
#include "gateways/common/responses.hpp"
#include "gateways/kuna/token.hpp"

namespace coinfan::gateways::kuna {
namespace {

namespace json = boost::json;

constexpr std::string_view provider = "Kuna";


// Reads whatever error shape the body has; nullopt when it has none we recognise.
std::optional<Error> error_from(const json::object& root) {
  std::string code;
  std::string message;
  std::optional<std::int64_t> status = int_field(root, "statusCode");

  if (const auto* errors = array_field(root, "errors");
      errors != nullptr && !errors->empty() && (*errors)[0].is_object()) {
    const auto& first = (*errors)[0].get_object();
    code = id_field(first, "code").value_or("");
    message = std::string(string_field(first, "message").value_or(""));
  } else {
    if (const auto text = string_field(root, "message")) {
      message = std::string(*text);
    } else if (const auto error_text = string_field(root, "error")) {
      message = std::string(*error_text);
    } else if (const auto* error_object = object_field(root, "error")) {
      message = std::string(string_field(*error_object, "message").value_or(""));
      code = id_field(*error_object, "code").value_or("");
    }
    if (code.empty()) code = id_field(root, "code").value_or("");
  }
  if (message.empty() && code.empty() && !status) return std::nullopt;
  if (code.empty() && status) code = std::to_string(*status);

  const bool unauthorized = (status && (*status == 401 || *status == 403)) ||
                            mentions_any(message, {"unauthori", "forbidden", "token", "jwt"}) ||
                            mentions_any(code, {"unauthori", "forbidden", "token", "jwt"});
  if (unauthorized) return provider_failure(ErrorCode::auth_failed, provider, code, message);
  const bool limited =
      (status && *status == 429) || mentions_any(message, {"too many", "rate limit"});
  if (limited) return provider_failure(ErrorCode::rate_limited, provider, code, message);
  return provider_failure(ErrorCode::provider_error, provider, code, message);
}

// The root object, or the provider's error when the body carries no `data`.
Result<const json::value*> data_of(const json::value& root_value) {
  auto root = root_object(root_value, provider);
  if (!root) return std::move(root).error();
  const auto* data = (*root)->if_contains("data");
  if (data == nullptr || data->is_null()) {
    if (auto error = error_from(**root)) return std::move(*error);
    return malformed(provider, "field 'data' is missing");
  }
  return data;
}

}  // namespace

Result<LoginResult> parse_login_response(std::string_view body) {
  auto root = parse_json_exact(body);
  if (!root) return at(provider, std::move(root).error());
  auto data = data_of(*root);
  if (!data) return std::move(data).error();
  if (!(*data)->is_object()) return malformed(provider, "field 'data' is not an object");
  FieldReader fields(provider, "data", (*data)->get_object());
  LoginResult result;
  result.access_token = fields.text("accessToken");
  if (!fields.ok()) return fields.take_error();
  auto expiry = jwt_expiry(result.access_token);
  if (!expiry) return std::move(expiry).error();
  result.expires_at = *expiry;
  return result;
}

Result<WalletSnapshot> parse_balance_response(std::string_view gateway_id, std::string_view body) {
  auto root = parse_json_exact(body);
  if (!root) return at(provider, std::move(root).error());
  auto data = data_of(*root);
  if (!data) return std::move(data).error();
  if (!(*data)->is_array()) return malformed(provider, "field 'data' is not an array");
  const auto& items = (*data)->get_array();

  WalletSnapshot snapshot;
  snapshot.balances.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string where = "data[" + std::to_string(i) + "]";
    if (!items[i].is_object()) return malformed(provider, where + " is not an object");
    const auto& item = items[i].get_object();
    FieldReader fields(provider, where, item);
    const std::string raw_asset = fields.text("asset");
    const Decimal available = fields.amount("balance", true);
    const Decimal hold = fields.amount_or_zero("holdBalance");
    const Decimal lock = fields.amount_or_zero("lockBalance");
    fields.amount_or_zero("referralBalance");  // validated, deliberately not counted
    if (!fields.ok()) return fields.take_error();

    Balance balance;
    balance.gateway = std::string(gateway_id);
    balance.asset = normalise_asset(raw_asset);
    if (balance.asset.empty()) return malformed(provider, where + ": field 'asset' is empty");
    balance.available = available;
    balance.locked = hold + lock;
    balance.total = available + balance.locked;
    balance.raw_asset = raw_asset;

    const auto* addresses = item.if_contains("depositAddress");
    if (addresses != nullptr && !addresses->is_null()) {
      if (!addresses->is_object()) {
        return malformed(provider, where + ": field 'depositAddress' is not an object");
      }
      for (const auto& [chain, entry] : addresses->get_object()) {
        const std::string entry_where = where + ".depositAddress." + std::string(chain);
        if (entry.is_null()) continue;
        if (!entry.is_object()) return malformed(provider, entry_where + " is not an object");
        FieldReader address_fields(provider, entry_where, entry.get_object());
        DepositAddress address;
        address.asset = balance.asset;
        address.chain = std::string(chain);
        address.address = address_fields.text("address");
        const std::string memo = address_fields.optional_text("memo");
        if (!address_fields.ok()) return address_fields.take_error();
        if (!memo.empty()) address.memo = memo;
        snapshot.deposit_addresses.push_back(std::move(address));
      }
    }
    snapshot.balances.push_back(std::move(balance));
  }
  return snapshot;
}

}  // namespace coinfan::gateways::kuna
