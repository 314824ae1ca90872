#pragma once
// writes::SharedOrders in Redis: per order key (gateway, kind, order id) one string under
// `<prefix>order:<key>`:
//   "p\n<token>\n<fingerprint>"  claimed by the replica holding <token>, sending it now; set
//                                with SET NX GET, so exactly one replica claims, and kept at
//                                most `pending_for` (a replica that died frees it then);
//   "d\n" + JSON {fingerprint, record_id, record}   carried out: replayed by every replica for
//                                `keep` (the ledger's retention).
// A request finding the same request claimed polls (5 ms, growing to 50 ms) until it is done,
// freed (then claims it) or `wait` passes (busy). Settling checks the token in one Lua script,
// so a late settle never overwrites another replica's claim. Any Redis failure: alone.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "coinfan/core/error.hpp"
#include "coinfan/shared/redis.hpp"
#include "coinfan/writes/shared_orders.hpp"

namespace coinfan::shared {

struct SharedOrderStats {
  std::uint64_t decisions = 0;  // claims Redis settled
  std::uint64_t fallbacks = 0;  // claims or settles left to the replica alone
};

class RedisSharedOrders : public writes::SharedOrders, public std::enable_shared_from_this<RedisSharedOrders> {
 public:
  struct Options {
    std::string key_prefix;
    std::chrono::milliseconds pending_for{std::chrono::minutes(2)};
    std::chrono::milliseconds keep{std::chrono::hours(24)};
    RedisAvailability availability;
  };
  RedisSharedOrders(std::shared_ptr<RedisClient> redis, Options options);

  boost::asio::awaitable<writes::OrderClaim> claim(std::string key, std::string fingerprint,
                                                   std::chrono::milliseconds wait) override;
  boost::asio::awaitable<void> settle(std::string key, std::string token, std::string fingerprint,
                                      std::optional<writes::OrderLedger::Success> success) override;

  SharedOrderStats stats() const;

 private:
  void failed(const Error& error);

  std::shared_ptr<RedisClient> redis_;
  Options options_;
  std::string replica_;
  std::atomic<std::uint64_t> next_token_{1};
  std::atomic<std::uint64_t> decisions_{0};
  std::atomic<std::uint64_t> fallbacks_{0};
};

}  // namespace coinfan::shared
