#pragma once
// The merged read views (balances, prices, coins, gateway health) over every configured
// gateway: a concurrent fan-out with one deadline per gateway, and a response cache per view
// and query that keeps the serialized bytes.
//
// Cache, per view and normalised query (view, sorted gateway ids, sorted assets):
//   * fresh for `cache.fresh` after the oldest upstream contact of the answer: served as is,
//     without any JSON work;
//   * then, while its oldest data is younger than `cache.stale`, served at once marked
//     `cached: true` with each gateway's age, while one background refresh runs;
//   * identical requests that need a fan-out share the one in flight;
//   * `max_age` (the `max_age_ms` parameter) bounds the age of every piece of data served;
//     zero never serves stored data (an identical call already in flight is shared).
// Under the response cache, each gateway's last good answer is kept per call (the balances and
// prices views share the balance call, whose quotes make their one price book): a fan-out reuses
// one that is still fresh (marked `cached: true`), a gateway that is already being called is
// not called twice, and without max_age a failed call falls back to the last good answer
// until `cache.stale` (the status says `error` with what failed, the data stays).
// With shared.redis, a gateway call a fan-out would make goes through the replicas' shared tier
// first (shared_calls.hpp): another replica's recent answer, or the answer of its call in flight.
// The policy itself is pure (cache_policy.hpp); this layer holds a lock around it, runs the
// fan-outs it asks for (fan_out.hpp) and keeps the gateways' health (health.hpp).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/aggregate/answer.hpp"
#include "coinfan/aggregate/cache_policy.hpp"
#include "coinfan/aggregate/query.hpp"
#include "coinfan/config/config.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan::gateways {
class Gateway;
}

namespace coinfan::aggregate {

class SharedCalls;

// Cache ages and freshness run on `steady`; `as_of` and health times on `system`. Tests move
// both instead of sleeping. Per-gateway deadlines and latencies always use real time.
struct ViewClock {
  std::function<std::chrono::steady_clock::time_point()> steady = [] { return std::chrono::steady_clock::now(); };
  std::function<std::chrono::system_clock::time_point()> system = [] { return std::chrono::system_clock::now(); };
};

struct ViewGateway {
  std::shared_ptr<gateways::Gateway> gateway;
  std::chrono::milliseconds timeout{5000};  // the gateway's `timeout_ms`: its fan-out deadline
};

class Views {
 public:
  struct Impl;
  explicit Views(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  // The answer for a parsed query (api::parse_view_query). Errors: unknown_gateway,
  // no_coin_catalogue (a selection the view cannot serve), no_gateway_answered (nobody had
  // data to show: the answer lists every selected gateway's status), internal.
  boost::asio::awaitable<ViewAnswer> get(ViewKind kind, ViewQuery query);
  // The answer get() would give at once from a fresh cached entry (counted as a hit), or
  // nullopt when get() would have to wait, refresh or fan out.
  std::optional<ViewAnswer> cached(ViewKind kind, const ViewQuery& query);

  // Every configured gateway's type, health, circuit state, last success and last error as
  // the views have seen them (GET /v1/gateways). Rendered on each call (small, always current).
  ViewAnswer gateways() const;

  // After a write went through on `gateway_id`: its balances are fetched anew by the next
  // request (no stored answer, last good balance or call already in flight is used for it).
  void invalidate_balances(std::string_view gateway_id);

  const std::vector<std::string>& gateway_ids() const;
  const config::CacheConfig& cache_config() const;
  ViewCacheStats cache_stats() const;
  // The same counters for one view (for /metrics); `entries` counts the cached queries of
  // every view.
  ViewCacheStats cache_stats(ViewKind kind) const;

 private:
  std::shared_ptr<Impl> impl_;
};

// Gateways in configuration order (responses list them in this order). Every fan-out and
// background refresh runs on `executor`. With `shared` (shared.redis), a gateway call this
// replica would make goes through the replicas' shared tier (shared_calls.hpp) first.
std::shared_ptr<Views> make_views(std::vector<ViewGateway> gateways, config::CacheConfig cache,
                                  boost::asio::any_io_executor executor, ViewClock clock = {},
                                  std::shared_ptr<SharedCalls> shared = nullptr);

}  // namespace coinfan::aggregate
