#include "coinfan/upstream/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace coinfan::upstream {
namespace {

using namespace std::chrono_literals;
using Clock = CircuitBreaker::Clock;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker breaker{3, 10s};
  Clock::time_point t0 = Clock::time_point{} + 1000h;

  void fail_once(Clock::time_point now) {
    auto ticket = breaker.admit(now);
    ASSERT_TRUE(ticket.admitted);
    breaker.on_failure(ticket, now);
  }
};

TEST_F(CircuitBreakerTest, OpensAfterConfiguredConsecutiveFailures) {
  fail_once(t0);
  fail_once(t0);
  EXPECT_EQ(breaker.state(t0), BreakerState::closed);
  fail_once(t0);
  EXPECT_EQ(breaker.state(t0), BreakerState::open);
  EXPECT_FALSE(breaker.admit(t0 + 9s).admitted);
}

TEST_F(CircuitBreakerTest, SuccessResetsTheFailureCount) {
  fail_once(t0);
  fail_once(t0);
  auto ticket = breaker.admit(t0);
  breaker.on_success(ticket);
  fail_once(t0);
  fail_once(t0);
  EXPECT_EQ(breaker.state(t0), BreakerState::closed);
}

TEST_F(CircuitBreakerTest, HalfOpensAfterCooldownAndAdmitsExactlyOneProbe) {
  for (int i = 0; i < 3; ++i) fail_once(t0);
  EXPECT_EQ(breaker.state(t0 + 10s), BreakerState::half_open);
  auto probe = breaker.admit(t0 + 10s);
  EXPECT_TRUE(probe.admitted);
  EXPECT_TRUE(probe.probe);
  EXPECT_FALSE(breaker.admit(t0 + 10s).admitted);  // a second caller fails fast
  breaker.on_success(probe);
  EXPECT_EQ(breaker.state(t0 + 10s), BreakerState::closed);
  EXPECT_TRUE(breaker.admit(t0 + 10s).admitted);
}

TEST_F(CircuitBreakerTest, FailedProbeReopensForAnotherCooldown) {
  for (int i = 0; i < 3; ++i) fail_once(t0);
  auto probe = breaker.admit(t0 + 10s);
  breaker.on_failure(probe, t0 + 11s);
  EXPECT_EQ(breaker.state(t0 + 11s), BreakerState::open);
  EXPECT_FALSE(breaker.admit(t0 + 20s).admitted);
  EXPECT_TRUE(breaker.admit(t0 + 21s).probe);
}

TEST_F(CircuitBreakerTest, NeutralProbeOutcomeLetsTheNextCallerProbe) {
  for (int i = 0; i < 3; ++i) fail_once(t0);
  auto probe = breaker.admit(t0 + 10s);
  breaker.on_neutral(probe);
  EXPECT_EQ(breaker.state(t0 + 10s), BreakerState::half_open);
  auto next = breaker.admit(t0 + 10s);
  EXPECT_TRUE(next.admitted);
  EXPECT_TRUE(next.probe);
}

TEST_F(CircuitBreakerTest, LateOutcomesFromAnOlderStateAreIgnored) {
  auto early = breaker.admit(t0);  // admitted while closed, answers late
  for (int i = 0; i < 3; ++i) fail_once(t0);
  auto probe = breaker.admit(t0 + 10s);
  breaker.on_success(early);  // must not close the breaker behind the probe's back
  EXPECT_EQ(breaker.state(t0 + 10s), BreakerState::half_open);
  breaker.on_failure(early, t0 + 10s);  // nor reopen it
  EXPECT_EQ(breaker.state(t0 + 10s), BreakerState::half_open);
  breaker.on_success(probe);
  EXPECT_EQ(breaker.state(t0 + 10s), BreakerState::closed);
}

TEST(CircuitBreaker, ZeroThresholdNeverOpens) {
  CircuitBreaker breaker(0, std::chrono::seconds(1));
  const auto now = CircuitBreaker::Clock::now();
  for (int i = 0; i < 100; ++i) {
    auto ticket = breaker.admit(now);
    ASSERT_TRUE(ticket.admitted);
    breaker.on_failure(ticket, now);
  }
  EXPECT_EQ(breaker.state(now), BreakerState::closed);
}

}  // namespace
}  // namespace coinfan::upstream
