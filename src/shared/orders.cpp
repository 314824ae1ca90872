#include "coinfan/shared/orders.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include "coinfan/core/json.hpp"
#include "shared/token.hpp"

namespace coinfan::shared {

namespace asio = boost::asio;
namespace json = boost::json;
using writes::OrderClaim;
using Millis = std::chrono::milliseconds;

namespace {

// KEYS[1]: the order. ARGV[1]: the claim's value; ARGV[2]: the outcome ("" frees the order);
// ARGV[3]: how long the outcome is kept (ms). Only the claim's holder settles it.
const std::string settle_script = R"lua(
local v = redis.call('GET', KEYS[1])
if v ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
)lua";

constexpr Millis first_poll{5};
constexpr Millis max_poll{50};

std::string pending_value(const std::string& token, const std::string& fingerprint) {
  return "p\n" + token + "\n" + fingerprint;
}

struct Seen {
  bool done = false;
  std::string fingerprint;
  writes::OrderLedger::Success success;  // done
};

// What another replica left under the order; nullopt for anything that is not ours to read.
std::optional<Seen> read_value(const std::string& value) {
  if (value.rfind("p\n", 0) == 0) {
    const auto end = value.find('\n', 2);
    if (end == std::string::npos) return std::nullopt;
    return Seen{false, value.substr(end + 1), {}};
  }
  if (value.rfind("d\n", 0) != 0) return std::nullopt;
  auto parsed = parse_json_exact(std::string_view(value).substr(2), 4);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const auto& object = parsed->get_object();
  const auto fingerprint = string_field(object, "fingerprint");
  const auto record_id = string_field(object, "record_id");
  const auto record = string_field(object, "record");
  if (!fingerprint || !record_id || !record) return std::nullopt;
  return Seen{true, std::string(*fingerprint), {std::string(*record), std::string(*record_id)}};
}

}  // namespace

RedisSharedOrders::RedisSharedOrders(std::shared_ptr<RedisClient> redis, Options options)
    : redis_(std::move(redis)), options_(std::move(options)), replica_(random_token_prefix()) {}

void RedisSharedOrders::failed(const Error& error) {
  ++fallbacks_;
  if (options_.availability.on_failure) options_.availability.on_failure(error);
}

SharedOrderStats RedisSharedOrders::stats() const { return {decisions_.load(), fallbacks_.load()}; }

asio::awaitable<OrderClaim> RedisSharedOrders::claim(std::string key, std::string fingerprint, Millis wait) {
  auto self = shared_from_this();
  const std::string order_key = options_.key_prefix + "order:" + key;
  OrderClaim out;
  out.token = replica_ + "-" + std::to_string(next_token_++);
  const std::string pending = pending_value(out.token, fingerprint);
  const auto give_up_at = std::chrono::steady_clock::now() + wait;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  Millis poll = first_poll;
  for (;;) {
    auto claiming = redis_->command(
        {"SET", order_key, pending, "NX", "PX", std::to_string(options_.pending_for.count()), "GET"});
    auto reply = co_await std::move(claiming);
    if (!reply || reply->is_error()) {
      failed(reply ? make_error(ErrorCode::bad_response, "redis: " + reply->text) : reply.error());
      out.kind = OrderClaim::Kind::alone;
      co_return out;
    }
    if (options_.availability.on_answer) options_.availability.on_answer();
    if (reply->type == RedisValue::Type::nil) {
      ++decisions_;
      out.kind = OrderClaim::Kind::execute;
      co_return out;
    }
    const auto seen = reply->type == RedisValue::Type::string ? read_value(reply->text) : std::nullopt;
    if (!seen) {
      failed(make_error(ErrorCode::bad_response, "redis: the order " + key + " holds something else"));
      out.kind = OrderClaim::Kind::alone;
      co_return out;
    }
    if (seen->fingerprint != fingerprint) {
      ++decisions_;
      out.kind = OrderClaim::Kind::conflict;
      co_return out;
    }
    if (seen->done) {
      ++decisions_;
      out.kind = OrderClaim::Kind::replay;
      out.done = seen->success;
      co_return out;
    }
    // The same request, being carried out by another replica: wait for its outcome.
    if (std::chrono::steady_clock::now() + poll >= give_up_at) {
      ++decisions_;
      out.kind = OrderClaim::Kind::busy;
      co_return out;
    }
    timer.expires_after(poll);
    co_await timer.async_wait(asio::use_awaitable);
    poll = std::min(poll * 2, max_poll);
  }
}

asio::awaitable<void> RedisSharedOrders::settle(std::string key, std::string token, std::string fingerprint,
                                                std::optional<writes::OrderLedger::Success> success) {
  auto self = shared_from_this();
  std::string outcome;
  if (success) {
    outcome = "d\n" + json::serialize(json::object{{"fingerprint", fingerprint},
                                                   {"record_id", success->record_id},
                                                   {"record", success->record_json}});
  }
  auto settling = redis_->command({"EVAL", settle_script, "1", options_.key_prefix + "order:" + key,
                                   pending_value(token, fingerprint), outcome,
                                   std::to_string(options_.keep.count())});
  auto reply = co_await std::move(settling);
  if (!reply || reply->is_error()) {
    failed(reply ? make_error(ErrorCode::bad_response, "redis: " + reply->text) : reply.error());
  } else if (options_.availability.on_answer) {
    options_.availability.on_answer();
  }
}

}  // namespace coinfan::shared
