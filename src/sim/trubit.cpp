#include "coinfan/sim/trubit.hpp"

#include "coinfan/gateways/crypto.hpp"
#include "sim/sim_util.hpp"
#include "gateways/trubit/config.hpp"

namespace coinfan::sim {

namespace {

using detail::JsonWriter;
using Clock = std::chrono::system_clock;

constexpr std::size_t max_tokens_kept = 10000;

Reply failure(unsigned status, std::int64_t code, std::string_view message) {
  JsonWriter out;
  out.begin_object().member_integer("code", code).member("msg", message).end_object();
  Reply reply;
  reply.status = status;
  reply.body = out.take();
  return reply;
}

void write_balances(JsonWriter& out, bool can_deposit, const std::vector<TruBitBalance>& balances) {
  out.begin_object()
      .member_integer("code", 200)
      .member("msg", "SUCCESS")
      .key("data")
      .begin_object()
      .member_bool("canDeposit", can_deposit)
      .key("balances")
      .begin_array();
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
  out.end_array().end_object().end_object();
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
  if (!account_.static_token.empty()) tokens_[account_.static_token] = Clock::time_point::max();
}

Reply TruBitProvider::handle(const SimRequest& request) {
  const bool known = request.path == token_path || request.path == assets_path ||
                     request.path == velafi_assets_path;
  if (!known) return failure(404, 404, "Not Found");
  if (request.method != "GET") return failure(405, 405, "Method Not Allowed");
  const auto now = this->now();

  if (request.path == token_path) {
    std::lock_guard lock(mutex_);
    const auto api_key = request.header("X-BH-APIKEY");
    if (!api_key || api_key->empty() || !gateways::constant_time_equal(*api_key, account_.api_key)) {
      return failure(401, -5033, "Not an API user");
    }
    const auto timestamp_text = request.query_param("timestamp");
    const auto signature = request.query_param("signature");
    if (!timestamp_text || !signature || signature->empty()) {
      return failure(400, -4010, "Invalid parameter: timestamp and signature are required");
    }
    const auto timestamp = detail::parse_digits(*timestamp_text);
    if (!timestamp) return failure(400, -4010, "Invalid parameter: timestamp must be milliseconds");
    const auto now_ms = detail::unix_millis(now);
    const auto window = timestamp_window.count();
    if (*timestamp < now_ms - window || *timestamp > now_ms + window) {
      return failure(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    }
    const auto expected = gateways::hmac_sha256_hex(account_.api_secret, query_without_signature(request.query));
    if (!expected || !gateways::constant_time_equal(*expected, *signature)) {
      return failure(400, -1022, "Signature for this request is not valid.");
    }
    if (tokens_.size() >= max_tokens_kept) {
      std::erase_if(tokens_, [&](const auto& entry) { return entry.second <= now; });
    }
    const std::string token = detail::random_hex(16) + std::to_string(++token_counter_);
    const auto expires_at = now + account_.token_lifetime;
    tokens_[token] = expires_at;
    ++issued_;
    JsonWriter out;
    out.begin_object()
        .member_integer("code", 200)
        .member("msg", "SUCCESS")
        .key("data")
        .begin_object()
        .member("token", token)
        .member("expireTime", std::to_string(detail::unix_millis(expires_at)))
        .end_object()
        .end_object();
    Reply reply;
    reply.body = out.take();
    return reply;
  }

  // Balances: a token first.
  std::lock_guard lock(mutex_);
  const auto token = request.header("X-BH-TOKEN");
  if (!token || token->empty()) return failure(401, -1002, "Token is invalid");
  const auto found = tokens_.find(std::string(*token));
  if (found == tokens_.end()) return failure(401, -1002, "Token is invalid");
  if (found->second <= now) return failure(401, -1002, "Token has expired");

  JsonWriter out;
  if (request.path == assets_path) {
    write_balances(out, account_.can_deposit, account_.balances);
  } else {
    const auto merchant_text = request.query_param("merchantId");
    const auto merchant = merchant_text ? detail::parse_digits(*merchant_text) : std::nullopt;
    if (!merchant) return failure(400, -4010, "Invalid parameter: merchantId is required");
    if (*merchant == 0) {
      write_balances(out, account_.can_deposit, account_.balances);
    } else {
      const auto it = account_.merchants.find(static_cast<std::uint64_t>(*merchant));
      if (it == account_.merchants.end()) return failure(200, -5006, "Merchant not found");
      write_balances(out, account_.can_deposit, it->second);
    }
  }
  Reply reply;
  reply.body = out.take();
  return reply;
}

Reply TruBitProvider::error_reply(std::string_view code, std::string_view message, unsigned status) const {
  std::int64_t numeric = -4040;  // the documented "common error"
  if (!code.empty()) {
    const bool negative = code.front() == '-';
    if (const auto digits = detail::parse_digits(negative ? code.substr(1) : code)) {
      numeric = negative ? -*digits : *digits;
    }
  }
  return failure(status != 0 ? status : 200, numeric, message.empty() ? std::string_view("Common error") : message);
}

void TruBitProvider::expire_tokens() {
  std::lock_guard lock(mutex_);
  for (auto& entry : tokens_) entry.second = Clock::time_point::min();
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
  return issued_;
}

TruBitAccount TruBitProvider::account() const {
  std::lock_guard lock(mutex_);
  return account_;
}

}  // namespace coinfan::sim
