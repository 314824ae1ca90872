#include "coinfan/sim/ccpayment_v1.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "coinfan/gateways/crypto.hpp"
#include "gateways/ccpayment_v1/signer.hpp"
#include "sim/sim_util.hpp"
#include "gateways/ccpayment_v1/config.hpp"

namespace coinfan::sim {

namespace {

namespace json = boost::json;
using detail::JsonWriter;

constexpr std::int64_t code_success = 10000;
constexpr std::int64_t code_invalid_argument = 11000;
constexpr std::int64_t code_invalid_header = 11001;
constexpr std::int64_t code_not_found = 11003;
constexpr std::int64_t code_bad_signature = 11005;
constexpr std::int64_t code_expired = 11006;
constexpr std::string_view generic_code = "224066";
constexpr std::string_view generic_message = "service err, please try again";

Reply envelope(std::string_view code_text, std::string_view message, bool signable) {
  JsonWriter out;
  out.begin_object().key("code").number(code_text).member("msg", message).end_object();
  Reply reply;
  reply.body = out.take();
  reply.signable = signable;
  return reply;
}

Reply failure(std::int64_t code, std::string_view message, bool signable) {
  return envelope(std::to_string(code), message, signable);
}

void write_coin(JsonWriter& out, const CcpaymentV1Coin& coin) {
  out.begin_object()
      .member("coin_id", coin.coin_id)
      .member("crypto", coin.crypto)
      .member("name", coin.name)
      .member("value", coin.value.to_string())
      .member("price", coin.price.to_string())
      .member("logo", coin.logo)
      .end_object();
}

}  // namespace

CcpaymentV1Provider::CcpaymentV1Provider(CcpaymentV1Account account)
    : Provider(gateways::ccpayment_v1::type), account_(std::move(account)) {}

Reply CcpaymentV1Provider::handle(const SimRequest& request) {
  if (request.path != assets_path || request.method != "POST") {
    Reply reply;
    reply.status = 404;
    reply.content_type = "text/plain";
    reply.body = "404 page not found";
    return reply;
  }

  std::lock_guard lock(mutex_);
  const auto app_id = request.header("Appid");
  const auto timestamp = request.header("Timestamp");
  const auto sign = request.header("Sign");
  if (!app_id || !timestamp || !sign || app_id->empty() || timestamp->empty() || sign->empty()) {
    return failure(code_invalid_header, "Appid, Timestamp and Sign headers are required", false);
  }
  if (*app_id != account_.app_id) {
    return failure(code_bad_signature, "signature verification failed", false);
  }
  const auto seconds = detail::parse_digits(*timestamp);
  if (!seconds) return failure(code_invalid_header, "Timestamp must be seconds (10 digits)", true);
  const auto now = detail::unix_seconds(this->now());
  const auto window = timestamp_window.count();
  if (*seconds < now - window || *seconds > now + window) {
    return failure(code_expired, "request expired: Timestamp is outside the two-minute window", true);
  }
  const gateways::ccpayment_v1::Credentials credentials{account_.app_id, account_.app_secret};
  const auto expected = gateways::ccpayment_v1::sign(credentials, *timestamp, request.body);
  if (!expected || !gateways::constant_time_equal(*expected, *sign)) {
    return failure(code_bad_signature, "signature verification failed", true);
  }

  // Body: empty or {} for every coin, {"coin_id": "<id>"} for one ("" also means every coin).
  std::optional<std::string> coin_id;
  if (!request.body.empty()) {
    json::error_code ec;
    const json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object()) {
      return failure(code_invalid_argument, "invalid argument: body must be a JSON object", true);
    }
    const auto& object = body.get_object();
    if (const auto* value = object.if_contains("coin_id")) {
      if (!value->is_string()) {
        return failure(code_invalid_argument, "invalid argument: coin_id must be a string", true);
      }
      if (!value->get_string().empty()) coin_id = std::string(value->get_string());
    }
  }

  JsonWriter out;
  out.begin_object().member_integer("code", code_success).member("msg", "success").key("data");
  out.begin_object().key("list").begin_array();
  bool found = false;
  for (const auto& coin : account_.coins) {
    if (coin_id && coin.coin_id != *coin_id) continue;
    found = true;
    write_coin(out, coin);
  }
  out.end_array().end_object().end_object();
  if (coin_id && !found) return failure(code_not_found, "coin not found", true);

  Reply reply;
  reply.body = out.take();
  reply.signable = true;
  return reply;
}

Reply CcpaymentV1Provider::error_reply(std::string_view code, std::string_view message,
                                       unsigned status) const {
  const bool numeric = detail::parse_digits(code).has_value();
  Reply reply = envelope(numeric ? code : generic_code, message.empty() ? generic_message : message,
                         true);
  if (status != 0) reply.status = status;
  return reply;
}

void CcpaymentV1Provider::sign_response(Reply& reply) const {
  CcpaymentV1Account account;
  {
    std::lock_guard lock(mutex_);
    account.app_id = account_.app_id;
    account.app_secret = account_.app_secret;
  }
  const std::string timestamp = std::to_string(detail::unix_seconds(now()));
  const gateways::ccpayment_v1::Credentials credentials{account.app_id, account.app_secret};
  const auto sign = gateways::ccpayment_v1::sign(credentials, timestamp, reply.body);
  if (!sign) return;  // OpenSSL failed: the answer goes out unsigned, which clients reject
  reply.set_header("Appid", account.app_id);
  reply.set_header("Timestamp", timestamp);
  reply.set_header("Sign", *sign);
}

config::GatewayConfig CcpaymentV1Provider::gateway_config(std::string id,
                                                          std::string base_url) const {
  std::lock_guard lock(mutex_);
  config::GatewayConfig gateway;
  gateway.id = std::move(id);
  gateway.type = gateways::ccpayment_v1::type;
  gateway.base_url = std::move(base_url);
  gateway.settings = gateways::ccpayment_v1::Settings{{account_.app_id, account_.app_secret}};
  return gateway;
}

bool CcpaymentV1Provider::set_value(std::string_view coin_id, Decimal value) {
  std::lock_guard lock(mutex_);
  for (auto& coin : account_.coins) {
    if (coin.coin_id == coin_id) {
      coin.value = std::move(value);
      return true;
    }
  }
  return false;
}

CcpaymentV1Account CcpaymentV1Provider::account() const {
  std::lock_guard lock(mutex_);
  return account_;
}

}  // namespace coinfan::sim
