#include "gateways/kuna/requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "gateways/common/input.hpp"

namespace coinfan::gateways::kuna {
namespace {

bool is_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
      continue;
    }
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

bool is_asset_code(std::string_view text) noexcept {
  if (text.empty() || text.size() > 20) return false;
  for (const char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<upstream::Request> build_login_request(const LoginCredentials& credentials) {
  if (auto error = check_credential("merchant_id", credentials.merchant_id)) {
    return std::move(*error);
  }
  if (auto error = check_text("email", credentials.email, 3, 254)) return std::move(*error);
  if (credentials.password.empty()) {
    return make_error(ErrorCode::invalid_argument, "password is empty");
  }
  if (!utf8_length(credentials.password)) {
    return make_error(ErrorCode::invalid_argument, "password is not valid UTF-8");
  }

  boost::json::object body;
  body["token"] = credentials.email;
  body["password"] = credentials.password;

  upstream::Request call;
  call.method = "POST";
  call.target = std::string(login_path);
  call.headers = {
      {"Content-Type", "application/json"},
      {"accept", "application/json"},
      {"merchant_id", credentials.merchant_id},
  };
  call.body = boost::json::serialize(body);
  call.idempotent = true;  // a new token moves no money
  return call;
}

Result<upstream::Request> build_balance_request(const Authorization& authorization,
                                           std::string_view wallet_id,
                                           std::span<const std::string> assets) {
  if (!is_uuid(wallet_id)) {
    return make_error(ErrorCode::invalid_argument, "walletId must be a UUID");
  }
  boost::json::object body;
  body["walletId"] = wallet_id;
  if (!assets.empty()) {
    boost::json::array list;
    list.reserve(assets.size());
    for (const auto& asset : assets) {
      if (!is_asset_code(asset)) {
        return make_error(ErrorCode::invalid_argument,
                          "assets[] must be asset codes of 1-20 letters, digits, '_', '-' or '.'");
      }
      list.emplace_back(asset);
    }
    body["assets"] = std::move(list);
  }

  upstream::Request call;
  call.method = "POST";
  call.target = std::string(balance_path);
  call.headers = {{"Content-Type", "application/json"}, {"accept", "application/json"}};
  if (const auto* bearer = std::get_if<BearerToken>(&authorization)) {
    if (auto error = check_credential("access token", bearer->jwt)) return std::move(*error);
    call.headers.emplace_back("Authorization", "Bearer " + bearer->jwt);
  } else {
    const auto& key = std::get<ApiKey>(authorization);
    if (auto error = check_credential("api_key", key.key)) return std::move(*error);
    call.headers.emplace_back("api-key", key.key);
  }
  call.body = boost::json::serialize(body);
  call.idempotent = true;
  return call;
}

}  // namespace coinfan::gateways::kuna
