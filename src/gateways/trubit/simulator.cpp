#include "gateways/trubit/simulator.hpp"

#include "coinfan/core/hash.hpp"
#include "sim/sim_util.hpp"
#include "gateways/trubit/config.hpp"

namespace coinfan::sim {

namespace {

using detail::JsonWriter;
using Clock = std::chrono::system_clock;

void write_balances(JsonWriter& out, bool can_deposit, const std::vector<TruBitBalance>& balances) {
  out.begin_object().member_bool("canDeposit", can_deposit).key("balances").begin_array();
  for (const auto& b : balances) {
    out.begin_object()
        .member("asset", b.asset)
        .member("assetId", b.asset_id)
        .member("assetName", b.asset_name)
        .member("total", b.total)
        .member("free", b.free)
        .member("locked", b.locked)
        .end_object();
  }
  out.end_array().end_object();
}

// The query without its `signature` parameter, in the order sent: what the client signed.
std::string query_without_signature(std::string_view query) {
  std::string out;
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.substr(0, pair.find('=')) == "signature") continue;
    if (!out.empty()) out.push_back('&');
    out.append(pair);
  }
  return out;
}

}  // namespace

TruBitProvider::TruBitProvider(TruBitAccount account)
    : Provider(gateways::trubit::type), account_(std::move(account)) {
  // A dashboard-created token works until expire_tokens().
  if (!account_.static_token.empty()) tokens_.accept(account_.static_token, Clock::time_point::max());
}

Reply TruBitProvider::handle(const SimRequest& request) {
  const bool known = request.path == token_path || request.path == assets_path ||
                     request.path == velafi_assets_path;
  if (!known) return detail::code_reply(404, "Not Found", 404);
  if (request.method != "GET") return detail::code_reply(405, "Method Not Allowed", 405);
  return request.path == token_path ? generate_token(request) : assets(request);
}

Reply TruBitProvider::generate_token(const SimRequest& request) {
  std::lock_guard lock(mutex_);
  const auto api_key = request.header("X-BH-APIKEY");
  if (!api_key || api_key->empty() || !hash::constant_time_equal(*api_key, account_.api_key)) {
    return detail::code_reply(-5033, "Not an API user", 401);
  }
  const auto timestamp_text = request.query_param("timestamp");
  const auto signature = request.query_param("signature");
  if (!timestamp_text || !signature || signature->empty()) {
    return detail::code_reply(-4010, "Invalid parameter: timestamp and signature are required", 400);
  }
  const auto timestamp = detail::parse_digits(*timestamp_text);
  if (!timestamp) return detail::code_reply(-4010, "Invalid parameter: timestamp must be milliseconds", 400);
  const auto now = this->now();
  if (detail::outside_window(*timestamp, detail::unix_millis(now), timestamp_window.count())) {
    return detail::code_reply(-1021, "Timestamp for this request is outside of the recvWindow.", 400);
  }
  const auto expected = hash::hmac_sha256_hex(account_.api_secret, query_without_signature(request.query));
  if (!expected || !hash::constant_time_equal(*expected, *signature)) {
    return detail::code_reply(-1022, "Signature for this request is not valid.", 400);
  }
  const std::string token = tokens_.unique_id(16);
  const auto expires_at = now + account_.token_lifetime;
  tokens_.issue(token, expires_at, now);
  JsonWriter out = detail::code_envelope(200, "SUCCESS");
  out.begin_object()
      .member("token", token)
      .member("expireTime", std::to_string(detail::unix_millis(expires_at)))
      .end_object();
  return detail::finish_envelope(out);
}

Reply TruBitProvider::assets(const SimRequest& request) {
  std::lock_guard lock(mutex_);
  const auto token = request.header("X-BH-TOKEN");
  const auto status = token && !token->empty() ? tokens_.check(*token, now()) : TokenStore::Status::unknown;
  if (status == TokenStore::Status::unknown) return detail::code_reply(-1002, "Token is invalid", 401);
  if (status == TokenStore::Status::expired) return detail::code_reply(-1002, "Token has expired", 401);

  const std::vector<TruBitBalance>* balances = &account_.balances;
  if (request.path == velafi_assets_path) {
    const auto merchant_text = request.query_param("merchantId");
    const auto merchant = merchant_text ? detail::parse_digits(*merchant_text) : std::nullopt;
    if (!merchant) return detail::code_reply(-4010, "Invalid parameter: merchantId is required", 400);
    if (*merchant != 0) {
      const auto it = account_.merchants.find(static_cast<std::uint64_t>(*merchant));
      if (it == account_.merchants.end()) return detail::code_reply(-5006, "Merchant not found");
      balances = &it->second;
    }
  }
  JsonWriter out = detail::code_envelope(200, "SUCCESS");
  write_balances(out, account_.can_deposit, *balances);
  return detail::finish_envelope(out);
}

Reply TruBitProvider::error_reply(std::string_view code, std::string_view message, unsigned status) const {
  std::int64_t numeric = -4040;  // the documented "common error"
  if (!code.empty()) {
    const bool negative = code.front() == '-';
    if (const auto digits = detail::parse_digits(negative ? code.substr(1) : code)) {
      numeric = negative ? -*digits : *digits;
    }
  }
  return detail::code_reply(numeric, message.empty() ? std::string_view("Common error") : message,
                            status != 0 ? status : 200);
}

void TruBitProvider::expire_tokens() {
  std::lock_guard lock(mutex_);
  tokens_.expire_all();
}

config::GatewayConfig TruBitProvider::gateway_config(std::string id, std::string base_url) const {
  std::lock_guard lock(mutex_);
  config::GatewayConfig gateway;
  gateway.id = std::move(id);
  gateway.type = gateways::trubit::type;
  gateway.base_url = std::move(base_url);
  gateway.settings = gateways::trubit::Settings{{}, {account_.api_key, account_.api_secret}};
  return gateway;
}

std::size_t TruBitProvider::tokens_issued() const {
  std::lock_guard lock(mutex_);
  return tokens_.issued();
}

TruBitAccount TruBitProvider::account() const {
  std::lock_guard lock(mutex_);
  return account_;
}

}  // namespace coinfan::sim
