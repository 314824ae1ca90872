#include "gateways/ccpayment_v1/simulator.hpp"

#include <algorithm>

#include <boost/json/value.hpp>

#include "coinfan/core/hash.hpp"
#include "sim/ccpayment_backend.hpp"
#include "sim/sim_util.hpp"
#include "gateways/ccpayment_v1/config.hpp"

namespace coinfan::sim {

namespace {

namespace json = boost::json;
using detail::JsonWriter;
using namespace ccpayment;

constexpr std::int64_t generic_code = 224066;
constexpr std::string_view generic_message = "service err, please try again";

// The document's formula, for requests and answers alike: lowercase hex SHA-256 of
// appId + appSecret + Timestamp + body.
Result<std::string> signature(const CcpaymentV1Account& account, std::string_view timestamp,
                              std::string_view body) {
  return hash::sha256_hex(account.app_id + account.app_secret + std::string(timestamp) + std::string(body));
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
  if (request.path != assets_path || request.method != "POST") return not_found_page();

  std::lock_guard lock(mutex_);
  SignedHeaders headers;
  // Every answer to this app is signed; one to an unknown or missing Appid cannot be (no secret).
  const auto reject = [&](std::int64_t code, std::string_view message) {
    Reply reply = failure(code, message);
    reply.signable = headers.app_id == account_.app_id;
    return reply;
  };
  if (const auto rejection = check_headers(request, account_.app_id, now(), timestamp_window, headers)) {
    return reject(rejection->code, rejection->message);
  }
  const auto expected = signature(account_, headers.timestamp, request.body);
  if (!expected || !hash::constant_time_equal(*expected, headers.sign)) {
    return reject(code_bad_signature, "signature verification failed");
  }

  // Body: empty or {} for every coin, {"coin_id": "<id>"} for one ("" also means every coin).
  json::value storage;
  const auto* body = body_object(request.body, storage);
  if (!body) return reject(code_invalid_argument, body_not_object);
  std::optional<std::string> coin_id;
  if (const auto* value = body->if_contains("coin_id")) {
    if (!value->is_string()) return reject(code_invalid_argument, "invalid argument: coin_id must be a string");
    if (!value->get_string().empty()) coin_id = std::string(value->get_string());
  }

  JsonWriter out = detail::code_envelope(code_success, "success");
  out.begin_object().key("list").begin_array();
  bool found = false;
  for (const auto& coin : account_.coins) {
    if (coin_id && coin.coin_id != *coin_id) continue;
    found = true;
    write_coin(out, coin);
  }
  out.end_array().end_object();
  if (coin_id && !found) return reject(code_not_found, "coin not found");
  Reply reply = detail::finish_envelope(out);
  reply.signable = true;
  return reply;
}

Reply CcpaymentV1Provider::error_reply(std::string_view code, std::string_view message,
                                       unsigned status) const {
  const auto numeric = detail::parse_digits(code);
  Reply reply = failure(numeric ? *numeric : generic_code,
                        message.empty() ? generic_message : message);
  reply.signable = true;
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
  const auto sign = signature(account, timestamp, reply.body);
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
  return change_coin(coin_id, [&](CcpaymentV1Coin& coin) { coin.value = std::move(value); });
}

bool CcpaymentV1Provider::set_price(std::string_view coin_id, Decimal price) {
  return change_coin(coin_id, [&](CcpaymentV1Coin& coin) { coin.price = std::move(price); });
}

bool CcpaymentV1Provider::change_coin(std::string_view coin_id, const std::function<void(CcpaymentV1Coin&)>& change) {
  std::lock_guard lock(mutex_);
  auto& coins = account_.coins;
  const auto coin = std::find_if(coins.begin(), coins.end(), [&](const auto& c) { return c.coin_id == coin_id; });
  if (coin == coins.end()) return false;
  change(*coin);
  return true;
}

CcpaymentV1Account CcpaymentV1Provider::account() const {
  std::lock_guard lock(mutex_);
  return account_;
}

}  // namespace coinfan::sim
