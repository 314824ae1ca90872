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

}  // namespace
}  // namespace coinfan::aggregate
