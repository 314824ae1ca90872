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
//   * `max_age` (the `max_age_ms` parameter) accepts cached data at most that old; zero
//     forces a fan-out.
// Under the response cache, each gateway's last good answer is kept per view: a fan-out reuses
// one that is still fresh (marked `cached: true`), a gateway that is already being called is
// not called twice, and a failed call falls back to the last good answer until `cache.stale`
// (the status says `error` with what failed, the data stays).

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

#include "coinfan/aggregate/query.hpp"
#include "coinfan/config/config.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan::gateways {
class Gateway;
}

namespace coinfan::aggregate {

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

// Distinct cached queries kept at most; past it, expired entries go first, then the oldest.
inline constexpr std::size_t max_cached_views = 1024;

// A ready answer; `body` is shared with the cache and must not be modified.
struct ViewAnswer {
  enum class Source { fan_out, cache, stale };

  unsigned status = 200;
  bool problem = false;  // application/problem+json rather than application/json
  std::shared_ptr<const std::string> body;
  Source source = Source::fan_out;
  std::chrono::milliseconds age{0};  // of the oldest data in the answer, when from the cache
};

struct ViewCacheStats {
  std::uint64_t hits = 0;        // fresh answers from the cache
  std::uint64_t stale_hits = 0;  // stale answers served while refreshing
  std::uint64_t misses = 0;      // requests that waited for a fan-out
  std::uint64_t fan_outs = 0;    // fan-outs started (foreground and background)
  std::uint64_t entries = 0;     // cached queries now
};

class Views {
 public:
  struct Impl;
  explicit Views(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  // `query` as parse_query() returns it. 400 answers for a selection the view cannot serve
  // (a gateway without a coin catalogue in the coins view); 502 when no gateway could answer.
  boost::asio::awaitable<ViewAnswer> get(ViewKind kind, ViewQuery query);

  // Validates a raw query string against the configured gateway ids (see parse_view_query).
  Result<ViewQuery> parse_query(std::string_view raw_query) const;

  // GET /v1/gateways: every configured gateway's type, health, circuit state, last success
  // and last error as the views have seen them. Rendered on each call (small, always current).
  ViewAnswer gateways() const;

  const std::vector<std::string>& gateway_ids() const;
  ViewCacheStats cache_stats() const;

 private:
  std::shared_ptr<Impl> impl_;
};

// Gateways in configuration order (responses list them in this order). Every fan-out and
// background refresh runs on `executor`.
std::shared_ptr<Views> make_views(std::vector<ViewGateway> gateways, config::CacheConfig cache,
                                  boost::asio::any_io_executor executor, ViewClock clock = {});

}  // namespace coinfan::aggregate
