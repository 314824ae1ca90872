#include "gateways/kuna/simulator.hpp"

#include <algorithm>

#include <boost/json/value.hpp>

#include "coinfan/core/hash.hpp"
#include "sim/sim_util.hpp"
#include "gateways/kuna/config.hpp"

namespace coinfan::sim {

namespace {

namespace json = boost::json;
using detail::JsonWriter;
using Clock = std::chrono::system_clock;

Reply error(unsigned status, std::string_view code, std::string_view message) {
  JsonWriter out;
  out.begin_object().key("errors").begin_array();
  out.begin_object().member("code", code).member("message", message).end_object();
  out.end_array().end_object();
  return detail::json_reply(out, status);
}

Reply unauthorized(std::string_view message) { return error(401, "UNAUTHORIZED", message); }
Reply invalid(std::string_view message) { return error(400, "VALIDATION_ERROR", message); }

// A compact JWS with an RS256 header and a 256-byte signature segment (the size of an RSA-2048
// signature), derived from the token id so every token differs.
std::string make_access_token(const KunaAccount& account, std::int64_t issued_at, std::int64_t expires_at,
                              const std::string& token_id) {
  JsonWriter payload;
  payload.begin_object()
      .member("sub", account.merchant_id)
      .member("email", account.email)
      .member("type", "access")
      .member_integer("iat", issued_at)
      .member_integer("exp", expires_at)
      .member("jti", token_id)
      .end_object();
  std::string signature;
  for (int i = 0; i < 8; ++i) {
    const auto digest = hash::sha256_hex(token_id + ":" + std::to_string(i));
    const auto bytes = digest ? detail::hex_to_bytes(*digest) : std::nullopt;
    signature += bytes.value_or(std::string(32, '\x5a'));
  }
  return detail::base64url_encode(R"({"alg":"RS256","typ":"JWT"})") + "." +
         detail::base64url_encode(payload.text()) + "." + detail::base64url_encode(signature);
}

}  // namespace

KunaProvider::KunaProvider(KunaAccount account)
    : Provider(gateways::kuna::type), account_(std::move(account)) {}

Reply KunaProvider::handle(const SimRequest& request) {
  const bool known = request.path == login_path || request.path == balance_path;
  if (!known || request.method != "POST") {
    return error(404, "NOT_FOUND", "Cannot " + request.method + " " + request.path);
  }
  return request.path == login_path ? login(request) : balance(request);
}

Reply KunaProvider::login(const SimRequest& request) {
  const auto merchant_id = request.header("merchant_id");
  if (!merchant_id || merchant_id->empty()) return unauthorized("merchant_id header is required");
  json::value storage;
  const auto* body = detail::parse_object(request.body, storage);
  if (!body) return invalid("body must be a JSON object");
  const auto* email = body->if_contains("token");
  const auto* password = body->if_contains("password");
  if (!email || !email->is_string() || email->get_string().empty()) return invalid("token must be a non-empty string");
  if (!password || !password->is_string() || password->get_string().empty()) {
    return invalid("password must be a non-empty string");
  }

  std::lock_guard lock(mutex_);
  const bool valid = hash::constant_time_equal(*merchant_id, account_.merchant_id) &&
                     hash::constant_time_equal(std::string_view(email->get_string()), account_.email) &&
                     hash::constant_time_equal(std::string_view(password->get_string()), account_.password);
  if (!valid) return unauthorized("Invalid credentials");

  const auto now = this->now();
  const auto issued_at = detail::unix_seconds(now);
  const auto expires_at = issued_at + account_.token_lifetime.count();
  const std::string token = make_access_token(account_, issued_at, expires_at, tokens_.unique_id(12));
  tokens_.issue(token, Clock::time_point(std::chrono::seconds(expires_at)), now);

  JsonWriter out;
  out.begin_object().key("data").begin_object().member("accessToken", token).end_object().end_object();
  return detail::json_reply(out);
}

Reply KunaProvider::balance(const SimRequest& request) {
  std::lock_guard lock(mutex_);
  // Authentication: a Bearer token we issued and that has not expired, or the API key.
  if (const auto authorization = request.header("Authorization")) {
    std::string_view value = *authorization;
    if (!value.starts_with("Bearer ") || value.size() <= 7) return unauthorized("Unauthorized");
    const auto status = tokens_.check(value.substr(7), now());
    if (status == TokenStore::Status::unknown) return unauthorized("Unauthorized");
    if (status == TokenStore::Status::expired) return unauthorized("Token has expired");
  } else if (const auto api_key = request.header("api-key")) {
    if (account_.api_key.empty() || !hash::constant_time_equal(*api_key, account_.api_key)) {
      return unauthorized("Invalid API key");
    }
  } else {
    return unauthorized("Unauthorized");
  }

  json::value storage;
  const auto* body = detail::parse_object(request.body, storage);
  if (!body) return invalid("body must be a JSON object");
  const auto* wallet = body->if_contains("walletId");
  if (!wallet || !wallet->is_string() || wallet->get_string().empty()) {
    return invalid("walletId must be a non-empty string");
  }
  std::vector<std::string> assets;
  if (const auto* list = body->if_contains("assets"); list && !list->is_null()) {
    if (!list->is_array()) return invalid("assets must be an array of strings");
    for (const auto& item : list->get_array()) {
      if (!item.is_string()) return invalid("assets must be an array of strings");
      assets.emplace_back(item.get_string());
    }
  }
  if (wallet->get_string() != account_.wallet_id) return error(404, "NOT_FOUND", "Wallet not found");

  JsonWriter out;
  out.begin_object().key("data").begin_array();
  for (const auto& b : account_.balances) {
    if (!assets.empty() && std::find(assets.begin(), assets.end(), b.asset) == assets.end()) continue;
    out.begin_object()
        .member("balance", b.balance)
        .member("asset", b.asset)
        .member("holdBalance", b.hold_balance)
        .member("lockBalance", b.lock_balance)
        .member("referralBalance", b.referral_balance)
        .key("depositAddress")
        .begin_object();
    for (const auto& address : b.deposit_addresses) {
      out.key(address.chain).begin_object().member("address", address.address).key("memo");
      if (address.memo) {
        out.string(*address.memo);
      } else {
        out.null();
      }
      out.end_object();
    }
    out.end_object().end_object();
  }
  out.end_array().end_object();
  return detail::json_reply(out);
}

Reply KunaProvider::error_reply(std::string_view code, std::string_view message, unsigned status) const {
  return error(status != 0 ? status : 400, code.empty() ? std::string_view("INTERNAL_ERROR") : code,
               message.empty() ? std::string_view("Internal error") : message);
}

void KunaProvider::expire_tokens() {
  std::lock_guard lock(mutex_);
  tokens_.expire_all();
}

config::GatewayConfig KunaProvider::gateway_config(std::string id, std::string base_url) const {
  std::lock_guard lock(mutex_);
  config::GatewayConfig gateway;
  gateway.id = std::move(id);
  gateway.type = gateways::kuna::type;
  gateway.base_url = std::move(base_url);
  gateway.settings =
      gateways::kuna::Settings{account_.wallet_id, {}, {account_.merchant_id, account_.email, account_.password}};
  return gateway;
}

std::size_t KunaProvider::logins() const {
  std::lock_guard lock(mutex_);
  return tokens_.issued();
}

KunaAccount KunaProvider::account() const {
  std::lock_guard lock(mutex_);
  return account_;
}

}  // namespace coinfan::sim
