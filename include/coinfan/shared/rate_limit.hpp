#pragma once
// One request budget for every replica: GCRA (the generic cell rate algorithm) kept in Redis
// and run atomically by one Lua script per decision, as redis-cell and go-redis/redis_rate do.
// The key holds the budget's theoretical arrival time in microseconds of Redis's own clock
// (TIME), so replicas' clocks never matter; it expires once the budget is full again.
//
// A budget of `rate_per_second` with `burst`: at most `burst` calls at once, then one every
// 1/rate seconds. take() answers whether this call may go now, and if not, after how long it
// would. An Error (timeout, unreachable, …) means Redis could not decide: the caller falls back
// to its local bucket.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "coinfan/core/error.hpp"
#include "coinfan/shared/redis.hpp"

namespace coinfan::shared {

struct Admission {
  bool allowed = false;
  std::chrono::microseconds retry_after{0};  // when refused: wait this long, then ask again
};

class SharedRateLimit {
 public:
  SharedRateLimit(std::shared_ptr<RedisClient> redis, std::string key_prefix);

  // One call under the budget `name` (e.g. the gateway id), `rate_per_second` > 0, burst >= 1.
  boost::asio::awaitable<Result<Admission>> take(std::string name, double rate_per_second, unsigned burst);

  // The script, for the tests and for operators who want to read it.
  static const std::string& script();

 private:
  std::shared_ptr<RedisClient> redis_;
  std::string key_prefix_;
  std::mutex mutex_;
  std::string sha_;  // the script's SHA-1 as Redis reported it; empty until loaded
};

}  // namespace coinfan::shared
