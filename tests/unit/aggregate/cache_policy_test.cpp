// The views' cache policy as a pure state machine: every decision (serve fresh, serve stale
// and refresh, join, fan out), the per-gateway slot rules and the max_age bounds, driven with
// explicit time points — no clock, no sockets, no sleeps.

#include "coinfan/aggregate/cache_policy.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace coinfan::aggregate {
namespace {

using namespace std::chrono_literals;
using Action = CacheDecision::Action;

const config::CacheConfig cache{5000ms, 60000ms};
const SteadyTime t0 = SteadyTime{} + 1000h;  // any point far from the clock's epoch

// A fan-out answer whose data and upstream contact are both from `at`.
AssembledPtr answer_at(SteadyTime at, bool ok = true) {
  auto out = std::make_shared<Assembled>();
  out->contacted_at = at;
  out->data_at = at;
  if (ok) {
    out->answer.body = std::make_shared<const std::string>("{}");
    out->render_stale = [](SteadyTime) { return std::string("{\"stale\":true}"); };
  } else {
    out->answer.error = ViewError::no_gateway_answered;
  }
  return out;
}

// Runs one fan-out to completion: decide at `at`, settle with an answer from `done`.
void fill(ViewCachePolicy& policy, const std::string& key, SteadyTime at, SteadyTime done) {
  const auto decision = policy.decide(key, std::nullopt, at);
  ASSERT_EQ(decision.action, Action::fan_out);
  policy.settle(key, *decision.start, answer_at(done));
}

TEST(ViewCachePolicy, AColdKeyStartsAFanOutAndIdenticalRequestsJoinIt) {
  ViewCachePolicy policy(cache);
  const auto first = policy.decide("k", std::nullopt, t0);
  EXPECT_EQ(first.action, Action::fan_out);
  ASSERT_TRUE(first.start);
  EXPECT_EQ(first.wait_for, first.start->id);
  for (int i = 0; i < 999; ++i) {
    const auto next = policy.decide("k", std::nullopt, t0 + 1ms);
    EXPECT_EQ(next.action, Action::join);
    EXPECT_EQ(next.wait_for, first.start->id);
    EXPECT_FALSE(next.start);
  }
  EXPECT_EQ(policy.stats().fan_outs, 1u);
  EXPECT_EQ(policy.stats().misses, 1000u);
  EXPECT_FALSE(policy.fresh("k", std::nullopt, t0 + 2ms));
}

TEST(ViewCachePolicy, ASettledAnswerIsFreshForFreshMsThenStaleUntilStaleMs) {
  ViewCachePolicy policy(cache);
  fill(policy, "k", t0, t0);
  const auto hit = policy.fresh("k", std::nullopt, t0 + 5000ms);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->action, Action::serve_fresh);
  EXPECT_EQ(hit->age, 5000ms);
  EXPECT_FALSE(policy.fresh("k", std::nullopt, t0 + 5000ms + 1ns));

  // Stale: served at once, and exactly one background refresh starts.
  const auto stale = policy.decide("k", std::nullopt, t0 + 6000ms);
  EXPECT_EQ(stale.action, Action::serve_stale);
  EXPECT_EQ(stale.age, 6000ms);
  ASSERT_TRUE(stale.start);
  EXPECT_EQ(stale.start->bound, data_bound(std::nullopt, cache));
  const auto again = policy.decide("k", std::nullopt, t0 + 7000ms);
  EXPECT_EQ(again.action, Action::serve_stale);
  EXPECT_FALSE(again.start);
  EXPECT_EQ(policy.stats().stale_hits, 2u);
  EXPECT_EQ(policy.stats().fan_outs, 2u);

  // The refresh lands: fresh again.
  policy.settle("k", *stale.start, answer_at(t0 + 7500ms));
  EXPECT_TRUE(policy.fresh("k", std::nullopt, t0 + 8000ms));
}

TEST(ViewCachePolicy, PastStaleMsTheRequestWaitsForAFanOut) {
  ViewCachePolicy policy(cache);
  fill(policy, "k", t0, t0);
  const auto decision = policy.decide("k", std::nullopt, t0 + 60000ms + 1ms);
  EXPECT_EQ(decision.action, Action::fan_out);
}

TEST(ViewCachePolicy, FailuresAreNeverServedStale) {
  ViewCachePolicy policy(cache);
  const auto start = policy.decide("k", std::nullopt, t0);
  policy.settle("k", *start.start, answer_at(t0, false));
  EXPECT_TRUE(policy.fresh("k", std::nullopt, t0 + 1000ms));  // a fresh 502 is served as is
  EXPECT_EQ(policy.decide("k", std::nullopt, t0 + 6000ms).action, Action::fan_out);
}

TEST(ViewCachePolicy, MaxAgeZeroNeverServesAStoredAnswerEvenFromTheSameInstant) {
  ViewCachePolicy policy(cache);
  fill(policy, "k", t0, t0 + 3ms);
  // The request arrives at the very time point the previous fan-out completed.
  EXPECT_FALSE(policy.fresh("k", 0ms, t0 + 3ms));
  const auto decision = policy.decide("k", 0ms, t0 + 3ms);
  EXPECT_EQ(decision.action, Action::fan_out);
  ASSERT_TRUE(decision.start);
  EXPECT_FALSE(decision.start->bound.reuse);
  EXPECT_FALSE(decision.start->bound.fallback);
}

TEST(ViewCachePolicy, MaxAgeZeroJoinsOnlyAFanOutAsStrictAsItself) {
  ViewCachePolicy policy(cache);
  const auto earlier = policy.decide("k", std::nullopt, t0);
  ASSERT_EQ(earlier.action, Action::fan_out);
  // A default fan-out in flight may reuse stored gateway answers: not enough for max_age=0.
  const auto forced = policy.decide("k", 0ms, t0 + 1ms);
  EXPECT_EQ(forced.action, Action::fan_out);
  EXPECT_NE(forced.wait_for, earlier.wait_for);
  // Later max_age=0 requests share that stricter fan-out while it runs.
  const auto again = policy.decide("k", 0ms, t0 + 2ms);
  EXPECT_EQ(again.action, Action::join);
  EXPECT_EQ(again.wait_for, forced.wait_for);
  // Default requests accept the stricter fan-out in flight.
  EXPECT_EQ(policy.decide("k", std::nullopt, t0 + 3ms).action, Action::join);
}

TEST(ViewCachePolicy, MaxAgeComparesUntruncatedAges) {
  ViewCachePolicy policy(cache);
  fill(policy, "k", t0, t0);
  EXPECT_TRUE(policy.fresh("k", 1000ms, t0 + 1000ms));
  EXPECT_FALSE(policy.fresh("k", 1000ms, t0 + 1000ms + 1ns));
  // Too old for max_age also means not served stale.
  const auto decision = policy.decide("k", 1000ms, t0 + 6000ms);
  EXPECT_EQ(decision.action, Action::fan_out);
  EXPECT_EQ(decision.start->bound.reuse, SteadyDuration(1000ms));
  EXPECT_EQ(decision.start->bound.fallback, SteadyDuration(1000ms));
}

TEST(ViewCachePolicy, AFailureUnderAStricterBoundDoesNotReplaceTheSharedAnswer) {
  ViewCachePolicy policy(cache);
  fill(policy, "k", t0, t0);
  const auto forced = policy.decide("k", 0ms, t0 + 1000ms);
  ASSERT_EQ(forced.action, Action::fan_out);
  policy.settle("k", *forced.start, answer_at(t0 + 1000ms, false));
  // Default requests still get the data they may see.
  const auto hit = policy.fresh("k", std::nullopt, t0 + 2000ms);
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->answer->answer.ok());
  // A forced success does refresh it.
  const auto again = policy.decide("k", 0ms, t0 + 3000ms);
  policy.settle("k", *again.start, answer_at(t0 + 3000ms));
  EXPECT_EQ(policy.fresh("k", std::nullopt, t0 + 4000ms)->answer->contacted_at, t0 + 3000ms);
}

TEST(ViewCachePolicy, AnOlderAnswerNeverReplacesANewerOne) {
  ViewCachePolicy policy(cache);
  const auto slow = policy.decide("k", std::nullopt, t0);
  const auto fast = policy.decide("k", 0ms, t0 + 1ms);
  policy.settle("k", *fast.start, answer_at(t0 + 2ms));
  policy.settle("k", *slow.start, answer_at(t0 + 1ms));
  EXPECT_EQ(policy.fresh("k", std::nullopt, t0 + 3ms)->answer->contacted_at, t0 + 2ms);
}

TEST(ViewCachePolicy, UncacheableAnswersOnlyEndTheirFlight) {
  ViewCachePolicy policy(cache);
  const auto start = policy.decide("k", std::nullopt, t0);
  auto broken = std::make_shared<Assembled>();
  broken->answer.error = ViewError::internal;
  broken->cacheable = false;
  policy.settle("k", *start.start, broken);
  EXPECT_FALSE(policy.fresh("k", std::nullopt, t0));
  EXPECT_EQ(policy.decide("k", std::nullopt, t0).action, Action::fan_out);  // not joined: it ended
}

TEST(ViewCachePolicy, TheNumberOfEntriesIsBoundedExpiredFirst) {
  ViewCachePolicy policy(cache, 3);
  fill(policy, "a", t0, t0);
  fill(policy, "b", t0 + 1ms, t0 + 1ms);
  fill(policy, "c", t0 + 2ms, t0 + 2ms);
  EXPECT_EQ(policy.stats().entries, 3u);
  fill(policy, "d", t0 + 3ms, t0 + 3ms);  // evicts the least recently contacted
  EXPECT_EQ(policy.stats().entries, 3u);
  EXPECT_FALSE(policy.fresh("a", std::nullopt, t0 + 4ms));
  EXPECT_TRUE(policy.fresh("b", std::nullopt, t0 + 4ms));
  // An entry with a fan-out in flight is never evicted.
  const auto pending = policy.decide("e", std::nullopt, t0 + 5ms);
  fill(policy, "f", t0 + 6ms, t0 + 6ms);
  policy.settle("e", *pending.start, answer_at(t0 + 7ms));
  EXPECT_TRUE(policy.fresh("e", std::nullopt, t0 + 8ms));
}

TEST(DataBound, FollowsMaxAgeAndTheCacheConfig) {
  const auto plain = data_bound(std::nullopt, cache);
  EXPECT_EQ(plain.reuse, SteadyDuration(5000ms));
  EXPECT_EQ(plain.fallback, SteadyDuration(60000ms));
  const auto bounded = data_bound(2000ms, cache);
  EXPECT_EQ(bounded.reuse, SteadyDuration(2000ms));
  EXPECT_EQ(bounded.fallback, SteadyDuration(2000ms));
  const auto loose = data_bound(600000ms, cache);
  EXPECT_EQ(loose.reuse, SteadyDuration(5000ms));
  EXPECT_EQ(loose.fallback, SteadyDuration(60000ms));
  const auto zero = data_bound(0ms, cache);
  EXPECT_FALSE(zero.reuse);
  EXPECT_FALSE(zero.fallback);
  EXPECT_TRUE(zero.at_least_as_strict_as(plain));
  EXPECT_FALSE(plain.at_least_as_strict_as(zero));
  EXPECT_TRUE(bounded.at_least_as_strict_as(plain));
  EXPECT_FALSE(plain.at_least_as_strict_as(bounded));
}

TEST(SlotPolicy, ReusesAFreshAnswerJoinsACallInFlightElseCalls) {
  const auto plain = data_bound(std::nullopt, cache);
  EXPECT_EQ(decide_slot({}, plain, t0), SlotAction::call);
  EXPECT_EQ(decide_slot({t0 - 5000ms, false}, plain, t0), SlotAction::reuse);
  EXPECT_EQ(decide_slot({t0 - 5001ms, false}, plain, t0), SlotAction::call);
  EXPECT_EQ(decide_slot({t0 - 5001ms, true}, plain, t0), SlotAction::join);
}

TEST(SlotPolicy, MaxAgeZeroNeverReusesButSharesTheCallInFlight) {
  const auto zero = data_bound(0ms, cache);
  EXPECT_EQ(decide_slot({t0, false}, zero, t0), SlotAction::call);  // same instant: still a call
  // The call in flight answers after the request arrived: its data is younger than the request.
  EXPECT_EQ(decide_slot({t0, true}, zero, t0), SlotAction::join);
  EXPECT_EQ(decide_slot({std::nullopt, true}, zero, t0), SlotAction::join);
}

TEST(SlotPolicy, FallbackAfterAFailureRespectsTheBound) {
  const auto plain = data_bound(std::nullopt, cache);
  EXPECT_TRUE(may_fall_back(t0 - 60000ms, plain, t0));
  EXPECT_FALSE(may_fall_back(t0 - 60000ms - 1ns, plain, t0));
  EXPECT_FALSE(may_fall_back(std::nullopt, plain, t0));
  const auto bounded = data_bound(1000ms, cache);
  EXPECT_TRUE(may_fall_back(t0 - 1000ms, bounded, t0));
  EXPECT_FALSE(may_fall_back(t0 - 1001ms, bounded, t0));
  // max_age=0: a failing gateway shows nothing from an earlier call, however recent.
  EXPECT_FALSE(may_fall_back(t0, data_bound(0ms, cache), t0));
}

}  // namespace
}  // namespace coinfan::aggregate

namespace coinfan::aggregate {
namespace {

TEST(ViewCachePolicy, InvalidateDropsStoredAnswersAndStopsSharingOlderFanOuts) {
  ViewCachePolicy policy(cache);
  fill(policy, "k", t0, t0);
  const auto running = policy.decide("other", std::nullopt, t0);  // a fan-out still in flight
  ASSERT_EQ(running.action, Action::fan_out);
  policy.invalidate();
  // The stored answer is gone: the next request starts a fan-out of its own...
  EXPECT_FALSE(policy.fresh("k", std::nullopt, t0 + 1ms));
  EXPECT_EQ(policy.decide("k", std::nullopt, t0 + 1ms).action, Action::fan_out);
  // ...and does not join the one that began before the invalidation,
  const auto after = policy.decide("other", std::nullopt, t0 + 1ms);
  EXPECT_EQ(after.action, Action::fan_out);
  EXPECT_NE(after.wait_for, running.start->id);
  // whose answer, when it settles, is not stored either.
  policy.settle("other", *running.start, answer_at(t0 + 2ms));
  EXPECT_FALSE(policy.fresh("other", std::nullopt, t0 + 3ms));
  policy.settle("other", *after.start, answer_at(t0 + 4ms));
  EXPECT_TRUE(policy.fresh("other", std::nullopt, t0 + 5ms));
}

}  // namespace
}  // namespace coinfan::aggregate
