#pragma once
// The views' cache policy as a state machine over values (sans I/O, like records' RecordMerge):
// no clock, no mutex, no coroutine. The async layer (views.cpp) holds a lock around it, passes
// the time in, and executes what it decides.
//
// Per request (`decide`), for its cache key and `max_age_ms`:
//   * serve_fresh: the stored answer is younger than cache.fresh (counted from its oldest
//     upstream contact) and its data is within max_age;
//   * serve_stale: else, while its oldest data is younger than cache.stale and within max_age,
//     serve it marked stale, and start one background refresh unless one runs already;
//   * join: else wait for the fan-out in flight, when it accepts no older data than the
//     request does;
//   * fan_out: else start a new fan-out and wait for it.
// `settle` stores a finished fan-out's answer unless a newer one is already there.
//
// max_age_ms bounds every piece of data served, compared on un-truncated time points: data
// older than max_age is never served, and zero means "fresh from the gateways" — never a
// stored answer, never a gateway's earlier answer: only answers that arrive after the request
// did (a call already in flight when it arrived is shared, as identical requests share one
// fan-out). A piece of data's age counts from when the gateway's answer arrived. Without
// max_age, a failed call falls back to the gateway's last good answer up to cache.stale
// (stale-if-error, marked per gateway).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "coinfan/aggregate/answer.hpp"
#include "coinfan/config/config.hpp"

namespace coinfan::aggregate {

using SteadyTime = std::chrono::steady_clock::time_point;
using SteadyDuration = std::chrono::steady_clock::duration;

// Distinct cached queries kept at most; past it, expired entries go first, then the oldest.
inline constexpr std::size_t max_cached_views = 1024;

// What one request (and so the fan-out it starts) accepts of data fetched earlier.
struct DataBound {
  std::optional<SteadyDuration> reuse;     // a gateway's good answer at most this old is reused; nullopt: never
  std::optional<SteadyDuration> fallback;  // after a failed call, its good answer at most this old is shown; nullopt: never

  // Everything this bound lets through, `other` lets through too.
  bool at_least_as_strict_as(const DataBound& other) const noexcept;
  friend bool operator==(const DataBound&, const DataBound&) = default;
};

// The bound of a request: without max_age, reuse up to cache.fresh and fall back up to
// cache.stale; with it, neither beyond max_age; with zero, neither at all.
DataBound data_bound(std::optional<std::chrono::milliseconds> max_age, const config::CacheConfig& cache);

// Data from `data_at` is at most `limit` old at `now` (nullopt: nothing is young enough).
bool within(std::optional<SteadyDuration> limit, SteadyTime data_at, SteadyTime now) noexcept;

// One gateway's slot for one kind of call: its last good answer and its call in flight.
struct SlotState {
  std::optional<SteadyTime> good_at;          // when the last good answer arrived
  bool call_in_flight = false;               // a call of this gateway is running
};

enum class SlotAction {
  reuse,  // show the last good answer, marked cached, without a call
  join,   // wait for the call in flight
  call,   // start a call (it becomes the slot's call in flight)
};

SlotAction decide_slot(const SlotState& slot, const DataBound& bound, SteadyTime now) noexcept;

// After a failed call: show the last good answer from `good_at` instead of nothing?
bool may_fall_back(std::optional<SteadyTime> good_at, const DataBound& bound, SteadyTime now) noexcept;

// One fan-out's product, as the cache keeps it.
struct Assembled {
  ViewAnswer answer;
  SteadyTime contacted_at{};  // the oldest upstream contact: freshness counts from here
  SteadyTime data_at{};       // the oldest data shown: staleness and max_age count from here
  bool cacheable = true;
  // The same data marked cached with its ages at a later time; empty for failures (never
  // served stale).
  std::function<std::string(SteadyTime)> render_stale;
};
using AssembledPtr = std::shared_ptr<const Assembled>;

using FlightId = std::uint64_t;

// A fan-out the policy asked for: its id and the bound it runs under.
struct FlightPlan {
  FlightId id = 0;
  DataBound bound;
  SteadyTime started_at{};

  friend bool operator==(const FlightPlan&, const FlightPlan&) = default;
};

struct CacheDecision {
  enum class Action { serve_fresh, serve_stale, join, fan_out };

  Action action = Action::fan_out;
  AssembledPtr answer;                 // serve_fresh, serve_stale: the stored answer
  SteadyDuration age{};                // serve_fresh, serve_stale: of its oldest data
  FlightId wait_for = 0;               // join, fan_out: the fan-out whose answer to wait for
  std::optional<FlightPlan> start;     // fan_out, and serve_stale when no refresh runs: start it
};

class ViewCachePolicy {
 public:
  explicit ViewCachePolicy(config::CacheConfig cache, std::size_t max_entries = max_cached_views);

  // The hot path: a serve_fresh decision, counted as a hit, or nullopt (nothing changes then).
  std::optional<CacheDecision> fresh(const std::string& key, std::optional<std::chrono::milliseconds> max_age,
                                     SteadyTime now);

  // The whole decision for a request that arrived at `now` (see the header comment).
  CacheDecision decide(const std::string& key, std::optional<std::chrono::milliseconds> max_age, SteadyTime now);

  // A fan-out the policy started has finished with `assembled`. It becomes the entry's answer
  // unless it is not cacheable, a newer answer is there, or it is a failure produced under a
  // stricter bound than the default (a max_age request's 502 must not hide data others may see).
  void settle(const std::string& key, const FlightPlan& flight, AssembledPtr assembled);

  // Forgets every stored answer and stops sharing the fan-outs in flight: what they carry may
  // predate a change upstream (a write went through). Their waiters still get their answers,
  // and none of them is stored when it settles.
  void invalidate();

  ViewCacheStats stats() const;
  const config::CacheConfig& config() const noexcept { return cache_; }

 private:
  struct Entry {
    AssembledPtr current;
    std::optional<FlightPlan> flight;  // the fan-out that identical requests join
  };

  std::optional<CacheDecision> serve_fresh(const Entry& entry, std::optional<std::chrono::milliseconds> max_age,
                                           SteadyTime now);
  Entry& entry_for(const std::string& key, SteadyTime now);
  void evict(SteadyTime now);
  FlightPlan new_flight(const DataBound& bound, SteadyTime now);

  config::CacheConfig cache_;
  std::size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
  ViewCacheStats stats_;
  FlightId next_flight_ = 1;
  FlightId first_valid_flight_ = 1;  // older fan-outs started before the last invalidate()
};

}  // namespace coinfan::aggregate
