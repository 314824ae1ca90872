#pragma once
// The views' shared tier (aggregate::SharedCalls) in Redis: one replica calls a gateway, the
// others take its answer. Per call name (`balances:<gateway>`, `coins:<gateway>`), under the
// key prefix:
//   call:<name>:good   the latest good record (aggregate::encode_record), kept for cache.stale
//   call:<name>:fail   the latest failed one, kept briefly (for the replicas that waited on it)
//   call:<name>:lease  the token of the replica calling now (SET NX PX: the gateway's timeout
//                      and a margin, so a lease holder that dies lets it expire)
//   call:<name>:epoch  moved on by forget() (a write went through): older records are ignored
// One round trip per look (a pipeline of the GETs and the SET NX). A replica that finds no
// usable record and no lease takes the lease and calls; one that finds a lease polls (every
// 5 ms, then up to 20 ms) for that holder's record, or for the lease to be free again, within
// the call's deadline. Whenever Redis cannot answer within shared.redis.timeout_ms, the replica
// calls the gateway itself (counted as a fallback, logged once per outage).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "coinfan/aggregate/shared_calls.hpp"
#include "coinfan/core/error.hpp"
#include "coinfan/shared/redis.hpp"

namespace coinfan::shared {

struct SharedCallStats {
  std::uint64_t decisions = 0;  // calls the shared tier settled (reused, joined or led)
  std::uint64_t fallbacks = 0;  // calls made alone because Redis could not answer
};

class RedisSharedCalls : public aggregate::SharedCalls, public std::enable_shared_from_this<RedisSharedCalls> {
 public:
  RedisSharedCalls(std::shared_ptr<RedisClient> redis, std::string key_prefix, std::chrono::milliseconds keep_good,
                   RedisAvailability availability);

  boost::asio::awaitable<aggregate::SharedRecord> run(std::string name, aggregate::SharedWant want, Call call) override;
  boost::asio::awaitable<void> forget(std::string name) override;

  SharedCallStats stats() const;

 private:
  std::string key(const std::string& name, const char* part) const;
  std::string new_token();
  void answered();
  void failed(const Error& error);

  std::shared_ptr<RedisClient> redis_;
  std::string key_prefix_;
  std::chrono::milliseconds keep_good_;
  RedisAvailability availability_;
  std::string replica_;  // random, names this process in lease tokens
  std::atomic<std::uint64_t> next_token_{1};
  std::atomic<std::uint64_t> decisions_{0};
  std::atomic<std::uint64_t> fallbacks_{0};
};

}  // namespace coinfan::shared
