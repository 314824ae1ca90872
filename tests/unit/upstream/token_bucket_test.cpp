#include "coinfan/upstream/token_bucket.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace coinfan::upstream {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

// Milliseconds of a granted wait; -1 when the reservation was refused.
double wait_ms(std::optional<Clock::duration> wait) {
  return wait ? std::chrono::duration<double, std::milli>(*wait).count() : -1.0;
}

TEST(TokenBucket, BurstIsFreeThenTokensArriveAtTheRate) {
  const auto t0 = Clock::time_point{} + 1h;
  TokenBucket bucket(10.0, 3.0, t0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.reserve(t0, 10s), Clock::duration::zero());
  // The next reservations queue up 100 ms apart.
  EXPECT_NEAR(wait_ms(bucket.reserve(t0, 10s)), 100.0, 1e-3);
  EXPECT_NEAR(wait_ms(bucket.reserve(t0, 10s)), 200.0, 1e-3);
  EXPECT_NEAR(wait_ms(bucket.reserve(t0 + 200ms, 10s)), 100.0, 1e-3);
}

TEST(TokenBucket, RefusesAWaitBeyondTheDeadlineAndReservesNothing) {
  const auto t0 = Clock::time_point{} + 1h;
  TokenBucket bucket(2.0, 1.0, t0);
  EXPECT_EQ(bucket.reserve(t0, 0s), Clock::duration::zero());
  EXPECT_FALSE(bucket.reserve(t0, 499ms).has_value());
  EXPECT_FALSE(bucket.reserve(t0, 100ms).has_value());
  EXPECT_NEAR(wait_ms(bucket.reserve(t0, 501ms)), 500.0, 1e-3);  // the refusals cost nothing
}

TEST(TokenBucket, NeverAccumulatesMoreThanTheBurst) {
  const auto t0 = Clock::time_point{} + 1h;
  TokenBucket bucket(5.0, 2.0, t0);
  const auto later = t0 + 1h;
  EXPECT_EQ(bucket.reserve(later, 0s), Clock::duration::zero());
  EXPECT_EQ(bucket.reserve(later, 0s), Clock::duration::zero());
  EXPECT_FALSE(bucket.reserve(later, 0s).has_value());
}

TEST(TokenBucket, RefundReturnsAnUnusedReservation) {
  const auto t0 = Clock::time_point{} + 1h;
  TokenBucket bucket(1.0, 1.0, t0);
  EXPECT_EQ(bucket.reserve(t0, 10s), Clock::duration::zero());
  EXPECT_NEAR(wait_ms(bucket.reserve(t0, 10s)), 1000.0, 1e-3);
  bucket.refund();  // that caller gave up
  EXPECT_NEAR(wait_ms(bucket.reserve(t0, 10s)), 1000.0, 1e-3);
}

TEST(TokenBucket, RateOverAnyWindowStaysWithinBurstPlusRateTimesWindow) {
  const auto t0 = Clock::time_point{} + 1h;
  TokenBucket bucket(50.0, 5.0, t0);
  std::vector<Clock::time_point> grants;
  for (int i = 0; i < 200; ++i) {
    const auto now = t0 + std::chrono::milliseconds(i);  // callers arrive every ms
    const auto wait = bucket.reserve(now, 100s);
    ASSERT_TRUE(wait.has_value());
    grants.push_back(now + *wait);
  }
  std::sort(grants.begin(), grants.end());
  for (std::size_t i = 0; i < grants.size(); ++i) {
    for (std::size_t j = i; j < grants.size(); ++j) {
      const double window = std::chrono::duration<double>(grants[j] - grants[i]).count();
      ASSERT_LE(static_cast<double>(j - i + 1), 5.0 + 50.0 * window + 1e-6) << i << ".." << j;
    }
  }
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  const auto t0 = Clock::time_point{} + 1h;
  TokenBucket bucket(0.0, 0.0, t0);
  EXPECT_TRUE(bucket.unlimited());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.reserve(t0, 0s), Clock::duration::zero());
}

}  // namespace
}  // namespace coinfan::upstream
