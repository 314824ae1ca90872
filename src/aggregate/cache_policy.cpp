#include "coinfan/aggregate/cache_policy.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace coinfan::aggregate {

namespace {

using Millis = std::chrono::milliseconds;

// nullopt is the strictest limit ("nothing").
bool limit_at_most(const std::optional<SteadyDuration>& a, const std::optional<SteadyDuration>& b) noexcept {
  if (!a) return true;
  if (!b) return false;
  return *a <= *b;
}

// The request's own bound on the age of what it is served: none without max_age.
bool accepts(std::optional<Millis> max_age, SteadyTime data_at, SteadyTime now) noexcept {
  if (!max_age) return true;
  if (max_age->count() <= 0) return false;  // zero: nothing stored is fresh enough
  return within(SteadyDuration(*max_age), data_at, now);
}

SteadyDuration age_at(SteadyTime from, SteadyTime now) noexcept {
  return now > from ? now - from : SteadyDuration::zero();
}

}  // namespace

bool DataBound::at_least_as_strict_as(const DataBound& other) const noexcept {
  return limit_at_most(reuse, other.reuse) && limit_at_most(fallback, other.fallback);
}

DataBound data_bound(std::optional<Millis> max_age, const config::CacheConfig& cache) {
  DataBound bound;
  if (!max_age) {
    bound.reuse = SteadyDuration(cache.fresh);
    bound.fallback = SteadyDuration(cache.stale);
  } else if (max_age->count() > 0) {
    bound.reuse = SteadyDuration(std::min(*max_age, cache.fresh));
    bound.fallback = SteadyDuration(std::min(*max_age, cache.stale));
  }
  return bound;
}

bool within(std::optional<SteadyDuration> limit, SteadyTime data_at, SteadyTime now) noexcept {
  return limit && age_at(data_at, now) <= *limit;
}

SlotAction decide_slot(const SlotState& slot, const DataBound& bound, SteadyTime now) noexcept {
  if (slot.good_at && within(bound.reuse, *slot.good_at, now)) return SlotAction::reuse;
  if (slot.call_in_flight) return SlotAction::join;
  return SlotAction::call;
}

bool may_fall_back(std::optional<SteadyTime> good_at, const DataBound& bound, SteadyTime now) noexcept {
  return good_at && within(bound.fallback, *good_at, now);
}

ViewCachePolicy::ViewCachePolicy(config::CacheConfig cache, std::size_t max_entries)
    : cache_(cache), max_entries_(std::max<std::size_t>(1, max_entries)) {}

std::optional<CacheDecision> ViewCachePolicy::serve_fresh(const Entry& entry, std::optional<Millis> max_age,
                                                          SteadyTime now) {
  if (!entry.current) return std::nullopt;
  const Assembled& current = *entry.current;
  if (!accepts(max_age, current.data_at, now)) return std::nullopt;
  if (!within(SteadyDuration(cache_.fresh), current.contacted_at, now)) return std::nullopt;
  ++stats_.hits;
  CacheDecision decision;
  decision.action = CacheDecision::Action::serve_fresh;
  decision.answer = entry.current;
  decision.age = age_at(current.data_at, now);
  return decision;
}

std::optional<CacheDecision> ViewCachePolicy::fresh(const std::string& key, std::optional<Millis> max_age,
                                                    SteadyTime now) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return serve_fresh(it->second, max_age, now);
}

CacheDecision ViewCachePolicy::decide(const std::string& key, std::optional<Millis> max_age, SteadyTime now) {
  Entry& entry = entry_for(key, now);
  if (auto decision = serve_fresh(entry, max_age, now)) return std::move(*decision);
  CacheDecision decision;
  if (entry.current) {
    const Assembled& current = *entry.current;
    if (current.render_stale && accepts(max_age, current.data_at, now) &&
        within(SteadyDuration(cache_.stale), current.data_at, now)) {
      ++stats_.stale_hits;
      decision.action = CacheDecision::Action::serve_stale;
      decision.answer = entry.current;
      decision.age = age_at(current.data_at, now);
      if (!entry.flight) decision.start = entry.flight = new_flight(data_bound(std::nullopt, cache_), now);
      return decision;
    }
  }
  ++stats_.misses;
  const DataBound bound = data_bound(max_age, cache_);
  if (entry.flight && entry.flight->bound.at_least_as_strict_as(bound)) {
    ++stats_.coalesced;
    decision.action = CacheDecision::Action::join;
  } else {
    decision.action = CacheDecision::Action::fan_out;
    decision.start = entry.flight = new_flight(bound, now);
  }
  decision.wait_for = entry.flight->id;
  return decision;
}

void ViewCachePolicy::settle(const std::string& key, const FlightPlan& flight, AssembledPtr assembled) {
  if (flight.id < first_valid_flight_) return;
  Entry& entry = entries_.try_emplace(key).first->second;
  if (entry.flight && entry.flight->id == flight.id) entry.flight.reset();
  if (!assembled || !assembled->cacheable) return;
  const bool default_bound = flight.bound.fallback && *flight.bound.fallback >= SteadyDuration(cache_.stale);
  if (!assembled->answer.ok() && !default_bound) return;
  if (!entry.current || assembled->contacted_at >= entry.current->contacted_at) entry.current = std::move(assembled);
}

void ViewCachePolicy::invalidate() {
  entries_.clear();
  first_valid_flight_ = next_flight_;
}

ViewCacheStats ViewCachePolicy::stats() const {
  ViewCacheStats out = stats_;
  out.entries = entries_.size();
  return out;
}

ViewCachePolicy::Entry& ViewCachePolicy::entry_for(const std::string& key, SteadyTime now) {
  if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  if (entries_.size() >= max_entries_) evict(now);
  return entries_.try_emplace(key).first->second;
}

// Drops entries nobody may be served any more, then the least recently contacted ones.
void ViewCachePolicy::evict(SteadyTime now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto& entry = it->second;
    const bool expired = !entry.current || (!within(SteadyDuration(cache_.fresh), entry.current->contacted_at, now) &&
                                            (!entry.current->render_stale ||
                                             !within(SteadyDuration(cache_.stale), entry.current->data_at, now)));
    it = (!entry.flight && expired) ? entries_.erase(it) : std::next(it);
  }
  while (entries_.size() >= max_entries_) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.flight || !it->second.current) continue;
      if (oldest == entries_.end() || it->second.current->contacted_at < oldest->second.current->contacted_at) {
        oldest = it;
      }
    }
    if (oldest == entries_.end()) break;
    entries_.erase(oldest);
  }
}

FlightPlan ViewCachePolicy::new_flight(const DataBound& bound, SteadyTime now) {
  ++stats_.fan_outs;
  return FlightPlan{next_flight_++, bound, now};
}

}  // namespace coinfan::aggregate
