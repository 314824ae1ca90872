#include "coinfan/shared/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <utility>


namespace coinfan::shared {

namespace {

// KEYS[1]: the budget. ARGV[1]: microseconds between calls; ARGV[2]: burst.
// Returns {1, 0} when the call may go now, {0, microseconds to wait} when not.
// Integer microseconds (below 2^53, exact in Lua's doubles) keep the arithmetic exact.
const std::string gcra_script = R"lua(
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allow_at = tat + interval - interval * burst
if allow_at > now then
  return {0, allow_at - now}
end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, 0}
)lua";

Result<Admission> admission_of(const RedisValue& reply) {
  if (reply.type != RedisValue::Type::array || reply.elements.size() != 2 ||
      reply.elements[0].type != RedisValue::Type::integer || reply.elements[1].type != RedisValue::Type::integer) {
    return make_error(ErrorCode::bad_response, "redis rate limit: unexpected reply from the script");
  }
  Admission out;
  out.allowed = reply.elements[0].integer == 1;
  out.retry_after = std::chrono::microseconds(reply.elements[1].integer);
  return out;
}

}  // namespace

SharedRateLimit::SharedRateLimit(std::shared_ptr<RedisClient> redis, std::string key_prefix)
    : redis_(std::move(redis)), key_prefix_(std::move(key_prefix)) {}

const std::string& SharedRateLimit::script() { return gcra_script; }

boost::asio::awaitable<Result<Admission>> SharedRateLimit::take(std::string name, double rate_per_second, unsigned burst) {
  if (!(rate_per_second > 0) || burst == 0) {
    co_return make_error(ErrorCode::invalid_argument, "rate limit: the rate must be positive and the burst at least 1");
  }
  const auto interval = static_cast<long long>(std::llround(1e6 / rate_per_second));
  const std::string key = key_prefix_ + "rate:" + name;
  const std::string interval_text = std::to_string(std::max(1LL, interval));
  const std::string burst_text = std::to_string(burst);
  // EVALSHA of the script Redis already knows; EVAL (which teaches it) the first time and
  // after Redis lost its script cache (NOSCRIPT: a restart).
  std::string sha;
  {
    std::lock_guard lock(mutex_);
    sha = sha_;
  }
  Result<RedisValue> reply;
  if (!sha.empty()) {
    auto cached = redis_->command({"EVALSHA", sha, "1", key, interval_text, burst_text});
    reply = co_await std::move(cached);
    if (!reply) co_return std::move(reply).error();
  }
  if (sha.empty() || (reply->is_error() && reply->text.rfind("NOSCRIPT", 0) == 0)) {
    auto loading = redis_->pipeline({{"SCRIPT", "LOAD", gcra_script}, {"EVAL", gcra_script, "1", key, interval_text, burst_text}});
    auto both = co_await std::move(loading);
    if (!both) co_return std::move(both).error();
    if ((*both)[0].type == RedisValue::Type::string) {
      std::lock_guard lock(mutex_);
      sha_ = (*both)[0].text;
    }
    reply = std::move((*both)[1]);
  }
  if (reply->is_error()) co_return make_error(ErrorCode::bad_response, "redis rate limit: " + reply->text);
  co_return admission_of(*reply);
}

}  // namespace coinfan::shared
