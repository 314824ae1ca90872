#pragma once
// What several replicas share through Redis, as one configuration makes it (`shared.redis`):
// the gateways' request budgets (SharedRateLimit), their calls (RedisSharedCalls: one replica
// calls, the others take its answer), the order ids of writes (RedisSharedOrders) and the
// issued credentials (SharedCredentials). Degrade, never fail: when Redis cannot decide within
// `shared.redis.timeout_ms`, the replica decides alone (as without shared.redis), counts
// it in `coinfan_shared_fallbacks_total{tier}`, logs "shared state unavailable" once per
// outage, and "shared state available again" when Redis answers again.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "coinfan/config/config.hpp"
#include "coinfan/shared/calls.hpp"
#include "coinfan/shared/orders.hpp"
#include "coinfan/shared/credentials.hpp"
#include "coinfan/shared/rate_limit.hpp"
#include "coinfan/shared/redis.hpp"
#include "coinfan/upstream/client.hpp"

namespace coinfan::shared {

struct SharedStats {
  bool available = true;           // the last Redis call answered
  std::uint64_t rate_decisions = 0;  // budget decisions Redis made
  std::uint64_t rate_fallbacks = 0;  // budget decisions left to the local bucket
  std::uint64_t cache_decisions = 0;  // gateway calls the shared tier settled (calls.hpp)
  std::uint64_t cache_fallbacks = 0;  // gateway calls made alone because Redis could not answer
  std::uint64_t order_decisions = 0;  // order ids claimed, replayed or refused across replicas
  std::uint64_t order_fallbacks = 0;  // claims or settles left to the replica alone
  std::uint64_t credential_decisions = 0;  // credential-share steps Redis answered
  std::uint64_t credential_fallbacks = 0;  // credential-share steps it did not (the replica renewed alone)
};

class SharedState : public std::enable_shared_from_this<SharedState> {
 public:
  static std::shared_ptr<SharedState> create(boost::asio::any_io_executor executor, const config::RedisConfig& config);

  // The shared budget of one gateway: `rate_per_second` for all replicas together, evenly
  // spaced (burst 1), keyed by the gateway id under the key prefix.
  upstream::SharedBudget rate_budget(std::string gateway_id, double rate_per_second);

  // The views' shared tier (calls.hpp): one replica calls a gateway, the others take its
  // answer; good answers are kept for `keep_good` (cache.stale). One per state.
  std::shared_ptr<aggregate::SharedCalls> calls(std::chrono::milliseconds keep_good);

  // Transfers and swaps at most once across replicas (orders.hpp); outcomes kept `keep`.
  std::shared_ptr<writes::SharedOrders> orders(std::chrono::milliseconds keep);

  SharedStats stats() const;

  SharedState(std::shared_ptr<RedisClient> redis, std::string key_prefix);

  // The store in which the replicas share the credentials `gateway_id` is issued (see
  // shared/credentials.hpp), counted and logged like the other tiers.
  std::shared_ptr<gateways::CredentialShare> credential_share(std::string gateway_id);

 private:
  static boost::asio::awaitable<std::optional<std::chrono::microseconds>> decide_rate(std::weak_ptr<SharedState> weak,
                                                                                     std::string gateway_id,
                                                                                     double rate_per_second);
  void answered();
  void failed(const Error& error);
  RedisAvailability availability();  // answered() / failed() for a tier, through a weak pointer

  std::shared_ptr<RedisClient> redis_;
  std::string key_prefix_;
  SharedRateLimit rate_limit_;
  std::shared_ptr<RedisSharedCalls> calls_;
  std::shared_ptr<RedisSharedOrders> orders_;
  SharedCredentials credentials_;
  std::atomic<bool> available_{true};
  std::atomic<std::uint64_t> rate_decisions_{0};
  std::atomic<std::uint64_t> rate_fallbacks_{0};
  std::atomic<std::uint64_t> credential_decisions_{0};
  std::atomic<std::uint64_t> credential_fallbacks_{0};
};

}  // namespace coinfan::shared
