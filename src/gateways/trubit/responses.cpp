#include "gateways/trubit/responses.hpp"

#include <algorithm>
#include <array>

#include "coinfan/core/assets.hpp"
#include "coinfan/core/json.hpp"
#include "gateways/common/responses.hpp"

namespace coinfan::gateways::trubit {
namespace {

namespace json = boost::json;

constexpr std::string_view provider = "TruBit";
// 10^12 ms is 2001-09-09T01:46:40Z: no token lifetime is that long, no expiry that early.
constexpr std::int64_t epoch_ms_threshold = 1'000'000'000'000;
// 253402300799999 ms is the last millisecond of year 9999.
constexpr std::int64_t max_epoch_ms = 253'402'300'799'999;

bool mentions_auth(std::string_view message) {
  return mentions_any(message, {"token", "signature", "unauthori", "api key"});
}

template <typename Read>
auto with_data(std::string_view body, Read&& read) {
  return with_coded_data(provider, success_code, error_for_code, body, std::forward<Read>(read));
}

// expireTime as an integer, from a digit string or a JSON integer.
std::optional<std::int64_t> expire_time_of(const json::object& data) {
  const auto* value = data.if_contains("expireTime");
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (!value->is_string()) return std::nullopt;
  const std::string_view text = value->get_string();
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t out = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    out = out * 10 + (c - '0');
  }
  return out;
}

}  // namespace

Error error_for_code(std::int64_t code, std::string_view message) {
  const std::string code_text = std::to_string(code);
  if (code == -1002 || code == -1022 || code == -5033 || mentions_auth(message)) {
    return provider_failure(ErrorCode::auth_failed, provider, code_text, message);
  }
  if (code == -1003) return provider_failure(ErrorCode::rate_limited, provider, code_text, message);
  return provider_failure(ErrorCode::provider_error, provider, code_text, message);
}

Result<Token> parse_token_response(std::string_view body, TimePointMs now) {
  return with_data(body, [&](const json::object& data) -> Result<Token> {
    FieldReader fields(provider, "data", data);
    Token token;
    token.token = fields.text("token");
    if (!fields.ok()) return fields.take_error();
    if (token.token.empty()) return malformed(provider, "data: field 'token' is empty");
    const auto expire = expire_time_of(data);
    if (!expire || *expire <= 0 || *expire > max_epoch_ms) {
      return malformed(provider,
                       "data: field 'expireTime' is not a positive number of milliseconds");
    }
    token.expires_at = *expire >= epoch_ms_threshold
                           ? TimePointMs(std::chrono::milliseconds(*expire))
                           : now + std::chrono::milliseconds(*expire);
    return token;
  });
}

Result<std::vector<Balance>> parse_assets_response(std::string_view gateway_id,
                                                   std::string_view body) {
  return with_data(body, [&](const json::object& data) -> Result<std::vector<Balance>> {
    const auto* list = data.if_contains("balances");
    if (list == nullptr) return malformed(provider, "data: field 'balances' is missing");
    std::vector<Balance> balances;
    if (list->is_null()) return balances;
    if (!list->is_array()) return malformed(provider, "data: field 'balances' is not an array");
    balances.reserve(list->get_array().size());
    for (std::size_t i = 0; i < list->get_array().size(); ++i) {
      const std::string where = "data.balances[" + std::to_string(i) + "]";
      const auto& item = list->get_array()[i];
      if (!item.is_object()) return malformed(provider, where + " is not an object");
      FieldReader fields(provider, where, item.get_object());
      Balance balance;
      balance.gateway = std::string(gateway_id);
      const std::string asset = fields.text("asset");
      balance.asset = normalise_asset(asset);
      const auto asset_id = id_field(item.get_object(), "assetId");
      balance.raw_asset = asset_id && !asset_id->empty() ? *asset_id : asset;
      balance.total = fields.amount("total", true);
      balance.available = fields.amount("free", true);
      balance.locked = fields.amount("locked", true);
      if (!fields.ok()) return fields.take_error();
      if (balance.asset.empty()) return malformed(provider, where + ": field 'asset' is empty");
      balances.push_back(std::move(balance));
    }
    return balances;
  });
}

}  // namespace coinfan::gateways::trubit
