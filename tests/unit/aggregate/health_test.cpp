// The gateways' health as GET /v1/gateways shows it: the last call's outcome, kept successes
// and errors, and the circuit; pure, with the times passed in.

#include "coinfan/aggregate/health.hpp"

#include <gtest/gtest.h>

namespace coinfan::aggregate {
namespace {

using namespace std::chrono_literals;

TimePointMs at(std::int64_t ms) { return TimePointMs{std::chrono::milliseconds{ms}}; }

bool nothing_seen(const CallHistory& h) {
  return !h.last_ok && !h.last_success_at && !h.last_error && !h.last_error_at && !h.last_latency;
}

TEST(GatewayHealth, FollowsTheLastCallAndTheCircuit) {
  EXPECT_EQ(gateway_health(std::nullopt, "closed"), "unknown");
  EXPECT_EQ(gateway_health(true, "closed"), "healthy");
  EXPECT_EQ(gateway_health(false, "closed"), "unhealthy");
  EXPECT_EQ(gateway_health(true, "half_open"), "unhealthy");
  EXPECT_EQ(gateway_health(std::nullopt, "open"), "unhealthy");
}

TEST(HealthTracker, NothingIsKnownBeforeTheFirstCall) {
  const HealthTracker tracker(2);
  EXPECT_TRUE(nothing_seen(tracker.history(1)));
  EXPECT_EQ(tracker.all().size(), 2u);
}

TEST(HealthTracker, KeepsTheLastSuccessAndTheLastErrorWithTheirTimes) {
  HealthTracker tracker(2);
  tracker.record(0, std::nullopt, 40ms, at(1000));
  EXPECT_EQ(tracker.history(0).last_ok, true);
  EXPECT_EQ(tracker.history(0).last_success_at, at(1000));
  EXPECT_EQ(tracker.history(0).last_latency, 40ms);
  EXPECT_FALSE(tracker.history(0).last_error);

  tracker.record(0, make_error(ErrorCode::timeout, "late"), 5000ms, at(2000));
  EXPECT_EQ(tracker.history(0).last_ok, false);
  EXPECT_EQ(tracker.history(0).last_success_at, at(1000));  // kept
  EXPECT_EQ(tracker.history(0).last_error->code, ErrorCode::timeout);
  EXPECT_EQ(tracker.history(0).last_error_at, at(2000));
  EXPECT_EQ(tracker.history(0).last_latency, 5000ms);

  tracker.record(0, std::nullopt, 30ms, at(3000));
  EXPECT_EQ(tracker.history(0).last_ok, true);
  EXPECT_EQ(tracker.history(0).last_error_at, at(2000));  // the last error stays visible
  EXPECT_TRUE(nothing_seen(tracker.history(1)));  // other gateways are untouched
}

TEST(HealthEntry, JoinsWhatWasSeenWithTheCircuitAndClientCounters) {
  HealthTracker tracker(1);
  tracker.record(0, make_error(ErrorCode::rate_limited, "429"), 12ms, at(5000));
  const auto entry = health_entry("ccp", "ccpayment-v2", tracker.history(0), "open", 7, 1);
  EXPECT_EQ(entry.id, "ccp");
  EXPECT_EQ(entry.type, "ccpayment-v2");
  EXPECT_EQ(entry.health, "unhealthy");
  EXPECT_EQ(entry.circuit, "open");
  EXPECT_EQ(entry.last_latency_ms, 12);
  EXPECT_EQ(entry.last_error_at, at(5000));
  EXPECT_FALSE(entry.last_success_at);
  EXPECT_EQ(entry.requests, 7u);
  EXPECT_EQ(entry.in_flight, 1u);
  EXPECT_EQ(health_entry("idle", "kuna", CallHistory{}, "closed", 0, 0).health, "unknown");
}

// The log's view of a gateway: one warning when it starts failing, then at most one "still
// failing" a minute with the failures held back, and one line when it answers again.
TEST(HealthTracker, SaysOnceThatAGatewayStartsFailingThenAtMostOnceAMinute) {
  HealthTracker tracker(2);
  EXPECT_FALSE(tracker.record(0, std::nullopt, 10ms, at(0)));  // healthy: nothing to say

  const auto first = tracker.record(0, make_error(ErrorCode::unreachable, "connection refused"), 1ms, at(1000));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, HealthNotice::Kind::failing);
  EXPECT_EQ(first->code, ErrorCode::unreachable);
  EXPECT_EQ(first->detail, "connection refused");

  // A dead gateway polled every second for most of a minute: no line.
  for (std::int64_t t = 2000; t < 61000; t += 1000) {
    EXPECT_FALSE(tracker.record(0, make_error(ErrorCode::unreachable, "connection refused"), 1ms, at(t))) << t;
  }
  EXPECT_FALSE(tracker.record(1, std::nullopt, 1ms, at(30000)));  // another gateway is its own story

  const auto still = tracker.record(0, make_error(ErrorCode::timeout, "late"), 1ms, at(61000));
  ASSERT_TRUE(still);
  EXPECT_EQ(still->kind, HealthNotice::Kind::still_failing);
  EXPECT_EQ(still->code, ErrorCode::timeout);
  EXPECT_EQ(still->failures, 60u);  // the 59 held back and this one
  EXPECT_EQ(still->failing_for, 60000ms);
  EXPECT_FALSE(tracker.record(0, make_error(ErrorCode::timeout, "late"), 1ms, at(62000)));

  const auto back = tracker.record(0, std::nullopt, 1ms, at(70000));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, HealthNotice::Kind::recovered);
  EXPECT_EQ(back->failures, 62u);
  EXPECT_EQ(back->failing_for, 69000ms);
  EXPECT_FALSE(tracker.record(0, std::nullopt, 1ms, at(71000)));

  // A new outage is announced again at once.
  const auto again = tracker.record(0, make_error(ErrorCode::http_status, "HTTP 502"), 1ms, at(72000));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->kind, HealthNotice::Kind::failing);
  EXPECT_EQ(again->code, ErrorCode::http_status);
}

TEST(HealthTracker, AClockThatStepsBackDoesNotSilenceTheLog) {
  HealthTracker tracker(1);
  ASSERT_TRUE(tracker.record(0, make_error(ErrorCode::timeout, "late"), 1ms, at(100000)));
  const auto after_step = tracker.record(0, make_error(ErrorCode::timeout, "late"), 1ms, at(5000));
  ASSERT_TRUE(after_step);
  EXPECT_EQ(after_step->kind, HealthNotice::Kind::still_failing);
}

}  // namespace
}  // namespace coinfan::aggregate
