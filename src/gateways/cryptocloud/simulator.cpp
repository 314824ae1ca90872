#include "gateways/cryptocloud/simulator.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/hash.hpp"
#include "sim/sim_util.hpp"
#include "gateways/cryptocloud/config.hpp"

namespace coinfan::sim {

namespace {

namespace json = boost::json;
using detail::JsonWriter;

Reply detail_reply(unsigned status, std::string_view detail_text) {
  JsonWriter out;
  out.begin_object().member("detail", detail_text).end_object();
  return detail::json_reply(out, status);
}

Reply authentication_failed(std::string_view detail_text) {
  Reply reply = detail_reply(401, detail_text);
  reply.set_header("WWW-Authenticate", "Token");
  return reply;
}

void check_number(std::string_view text) {
  if (!is_json_number(text)) {
    throw std::invalid_argument("CryptoCloud amount is not JSON number text: " + std::string(text));
  }
}

void check_balance(const CryptoCloudBalance& balance) {
  check_number(balance.balance_crypto);
  check_number(balance.balance_usd);
  check_number(balance.available_balance);
  check_number(balance.available_balance_usd);
}

// The checks PyJWT makes before it verifies a signature, with its messages.
std::optional<std::string> jwt_shape_problem(std::string_view token) {
  const auto last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos) return "Not enough segments";
  const std::string_view signing_input = token.substr(0, last_dot);
  const auto first_dot = signing_input.find('.');
  if (first_dot == std::string_view::npos) return "Not enough segments";
  const auto header = detail::base64url_decode(signing_input.substr(0, first_dot));
  if (!header) return "Invalid header padding";
  json::error_code ec;
  const auto header_json = json::parse(*header, ec);
  if (ec) return "Invalid header string: Expecting value: line 1 column 1 (char 0)";
  if (!header_json.is_object()) return "Invalid header string: must be a json object";
  if (!detail::base64url_decode(signing_input.substr(first_dot + 1))) return "Invalid payload padding";
  if (!detail::base64url_decode(token.substr(last_dot + 1))) return "Invalid crypto padding";
  return std::nullopt;
}

// The key's "exp" claim in seconds, if it has one.
std::optional<std::int64_t> jwt_exp(std::string_view token) {
  const auto first_dot = token.find('.');
  const auto last_dot = token.rfind('.');
  if (first_dot == std::string_view::npos || last_dot == first_dot) return std::nullopt;
  const auto payload = detail::base64url_decode(token.substr(first_dot + 1, last_dot - first_dot - 1));
  if (!payload) return std::nullopt;
  json::value storage;
  const auto* claims = detail::parse_object(*payload, storage);
  if (!claims) return std::nullopt;
  const auto* exp = claims->if_contains("exp");
  if (!exp || !exp->is_int64()) return std::nullopt;
  return exp->get_int64();
}

void write_balance(JsonWriter& out, const CryptoCloudBalance& balance) {
  const auto& c = balance.currency;
  out.begin_object().key("currency").begin_object();
  out.member_integer("id", c.id)
      .member("code", c.code)
      .member("short_code", c.short_code)
      .member("name", c.name)
      .member_bool("is_email_required", c.is_email_required)
      .member_bool("stablecoin", c.stablecoin)
      .member("icon_base", c.icon_base)
      .member("icon_network", c.icon_network)
      .member("icon_qr", c.icon_qr)
      .member_integer("order", c.order)
      .key("obj_network")
      .begin_object()
      .member("code", c.network.code)
      .member_integer("id", c.network.id)
      .member("icon", c.network.icon)
      .member("fullname", c.network.fullname)
      .end_object()
      .member_bool("enable", c.enable)
      .end_object();
  out.member_number("balance_crypto", balance.balance_crypto)
      .member_number("balance_usd", balance.balance_usd)
      .member_number("available_balance", balance.available_balance)
      .member_number("available_balance_usd", balance.available_balance_usd)
      .end_object();
}

}  // namespace

bool is_json_number(std::string_view text) noexcept {
  std::size_t i = 0;
  const auto digit = [&](std::size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  if (i < text.size() && text[i] == '-') ++i;
  if (!digit(i)) return false;
  if (text[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == text.size();
}

std::string make_cryptocloud_api_key(std::string_view shop_id, std::string_view secret,
                                     std::chrono::sys_seconds expires_at) {
  JsonWriter payload;
  payload.begin_object()
      .member("id", shop_id)
      .member_integer("exp", expires_at.time_since_epoch().count())
      .end_object();
  const std::string signing_input = detail::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                    detail::base64url_encode(payload.text());
  const auto mac = hash::hmac_sha256_hex(secret, signing_input);
  const auto bytes = mac ? detail::hex_to_bytes(*mac) : std::nullopt;
  return signing_input + "." + detail::base64url_encode(bytes.value_or(std::string(32, '\0')));
}

CryptoCloudProvider::CryptoCloudProvider(CryptoCloudAccount account)
    : Provider(gateways::cryptocloud::type), account_(std::move(account)) {
  for (const auto& balance : account_.balances) check_balance(balance);
}

Reply CryptoCloudProvider::handle(const SimRequest& request) {
  if (request.path != balance_all_path) {
    return detail::text_reply(
        404, "text/html",
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n"
        "  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n");
  }
  if (request.method != "POST") {
    Reply reply = detail_reply(405, "Method \"" + request.method + "\" not allowed.");
    reply.set_header("Allow", "POST, OPTIONS");
    return reply;
  }

  // Django REST framework's TokenAuthentication header rules, then PyJWT's checks.
  const auto authorization = request.header("Authorization");
  if (!authorization) return authentication_failed("Authentication credentials were not provided.");
  std::string_view value = *authorization;
  const auto space = value.find(' ');
  const std::string_view scheme = value.substr(0, space);
  if (!ascii::iequals(scheme, "Token")) return authentication_failed("Authentication credentials were not provided.");
  const std::string_view key = space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
  if (key.empty()) return authentication_failed("Invalid token header. No credentials provided.");
  if (key.find(' ') != std::string_view::npos) {
    return authentication_failed("Invalid token header. Token string should not contain spaces.");
  }
  if (const auto problem = jwt_shape_problem(key)) return authentication_failed(*problem);

  std::lock_guard lock(mutex_);
  if (!hash::constant_time_equal(key, account_.api_key)) {
    return authentication_failed("Signature verification failed");
  }
  if (const auto exp = jwt_exp(key); exp && *exp <= detail::unix_seconds(now())) {
    return authentication_failed("Signature has expired");
  }

  JsonWriter out;
  out.begin_object().member("status", "success").key("result").begin_array();
  for (const auto& balance : account_.balances) write_balance(out, balance);
  out.end_array().end_object();
  return detail::json_reply(out);
}

Reply CryptoCloudProvider::error_reply(std::string_view code, std::string_view message,
                                       unsigned status) const {
  JsonWriter out;
  out.begin_object()
      .member("status", "error")
      .key("result")
      .begin_object()
      .member(code.empty() ? std::string_view("error") : code, message.empty() ? std::string_view("Internal error") : message)
      .end_object()
      .end_object();
  return detail::json_reply(out, status != 0 ? status : 400);
}

config::GatewayConfig CryptoCloudProvider::gateway_config(std::string id, std::string base_url) const {
  std::lock_guard lock(mutex_);
  config::GatewayConfig gateway;
  gateway.id = std::move(id);
  gateway.type = gateways::cryptocloud::type;
  gateway.base_url = std::move(base_url);
  gateway.settings = gateways::cryptocloud::Settings{account_.api_key};
  return gateway;
}

bool CryptoCloudProvider::set_balance(std::string_view code, std::string balance_crypto, std::string balance_usd,
                                      std::string available_balance, std::string available_balance_usd) {
  check_number(balance_crypto);
  check_number(balance_usd);
  check_number(available_balance);
  check_number(available_balance_usd);
  std::lock_guard lock(mutex_);
  for (auto& balance : account_.balances) {
    if (balance.currency.code != code) continue;
    balance.balance_crypto = std::move(balance_crypto);
    balance.balance_usd = std::move(balance_usd);
    balance.available_balance = std::move(available_balance);
    balance.available_balance_usd = std::move(available_balance_usd);
    return true;
  }
  return false;
}

CryptoCloudAccount CryptoCloudProvider::account() const {
  std::lock_guard lock(mutex_);
  return account_;
}

}  // namespace coinfan::sim
