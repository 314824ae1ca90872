#include "coinfan/upstream/retry_policy.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace coinfan::upstream {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

std::chrono::system_clock::time_point at(std::int64_t epoch_seconds) {
  return std::chrono::system_clock::time_point{std::chrono::seconds{epoch_seconds}};
}

TEST(Backoff, FullJitterSpansZeroToTheExponentialCeiling) {
  EXPECT_EQ(full_jitter_backoff(0, 100ms, 2000ms, 0.0), 0ms);
  EXPECT_EQ(full_jitter_backoff(0, 100ms, 2000ms, 0.5), 50ms);
  EXPECT_EQ(full_jitter_backoff(1, 100ms, 2000ms, 0.5), 100ms);
  EXPECT_EQ(full_jitter_backoff(3, 100ms, 2000ms, 0.5), 400ms);
  EXPECT_EQ(full_jitter_backoff(3, 100ms, 2000ms, 0.999999), 799ms);
}

TEST(Backoff, CeilingIsCappedAndLargeRetryCountsDoNotOverflow) {
  EXPECT_EQ(full_jitter_backoff(10, 100ms, 2000ms, 0.5), 1000ms);
  EXPECT_EQ(full_jitter_backoff(4000000000u, 100ms, 2000ms, 0.5), 1000ms);
  EXPECT_LT(full_jitter_backoff(60, 100ms, 2000ms, 1.0), 2000ms);
}

TEST(Backoff, OutOfRangeRandomnessIsClamped) {
  EXPECT_EQ(full_jitter_backoff(0, 100ms, 2000ms, -3.0), 0ms);
  EXPECT_EQ(full_jitter_backoff(0, 100ms, 2000ms, 7.0), 99ms);
  EXPECT_EQ(full_jitter_backoff(0, 100ms, 2000ms, std::nan("")), 0ms);
}

TEST(RetryableStatus, TransientServerAnswersOnly) {
  for (unsigned status : {429u, 500u, 502u, 503u, 504u}) EXPECT_TRUE(is_retryable_status(status));
  for (unsigned status : {200u, 201u, 301u, 400u, 401u, 403u, 404u, 409u, 501u, 505u}) {
    EXPECT_FALSE(is_retryable_status(status)) << status;
  }
  EXPECT_TRUE(honours_retry_after(429));
  EXPECT_TRUE(honours_retry_after(503));
  EXPECT_FALSE(honours_retry_after(500));
}

TEST(RetryAfter, DeltaSeconds) {
  const auto now = at(1'700'000'000);
  EXPECT_EQ(parse_retry_after("0", now), 0ms);
  EXPECT_EQ(parse_retry_after("  120 ", now), 120000ms);
  EXPECT_EQ(parse_retry_after("99999999999", now), milliseconds(86400000));  // clamped to a day
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-1", now));
  EXPECT_FALSE(parse_retry_after("1.5", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

TEST(RetryAfter, HttpDateInAllThreeFormats) {
  // 1994-11-06T08:49:37Z is 784111777 seconds after the epoch.
  const auto now = at(784111777 - 30);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 30000ms);
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), 30000ms);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), 30000ms);
}

TEST(RetryAfter, DateInThePastMeansNow) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at(1'700'000'000)), 0ms);
}

TEST(RetryAfter, MalformedDatesAreRejected) {
  const auto now = at(0);
  EXPECT_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49 GMT", now));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", now));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", now));
  EXPECT_FALSE(parse_retry_after("Sun, 32 Nov 1994 08:49:37 GMT", now));
}

RetryInput read_input() {
  RetryInput input;
  input.idempotent = true;
  input.max_retries = 2;
  input.transient = true;
  input.remaining = 5000ms;
  input.unit_random = 0.5;
  input.base = 100ms;
  input.cap = 2000ms;
  return input;
}

TEST(NextRetryDelay, ReadsAreRetriedWithBackoff) {
  RetryInput input = read_input();
  EXPECT_EQ(next_retry_delay(input), 50ms);
  input.retries_done = 1;
  EXPECT_EQ(next_retry_delay(input), 100ms);
  input.retries_done = 2;
  EXPECT_FALSE(next_retry_delay(input));  // retries used up
}

TEST(NextRetryDelay, WritesAndPermanentOutcomesAreNeverRetried) {
  RetryInput write = read_input();
  write.idempotent = false;
  EXPECT_FALSE(next_retry_delay(write));
  RetryInput permanent = read_input();
  permanent.transient = false;
  EXPECT_FALSE(next_retry_delay(permanent));
}

TEST(NextRetryDelay, RetryAfterReplacesBackoffButNotTheDeadline) {
  RetryInput input = read_input();
  input.retry_after = 1000ms;
  EXPECT_EQ(next_retry_delay(input), 1000ms);
  input.retry_after = 5000ms;  // would end exactly at the deadline: nothing left for the attempt
  EXPECT_FALSE(next_retry_delay(input));
  input.retry_after = 0ms;
  EXPECT_EQ(next_retry_delay(input), 0ms);
}

TEST(NextRetryDelay, BackoffMustEndBeforeTheDeadline) {
  RetryInput input = read_input();
  input.remaining = 50ms;
  EXPECT_FALSE(next_retry_delay(input));
  input.remaining = 51ms;
  EXPECT_EQ(next_retry_delay(input), 50ms);
}

}  // namespace
}  // namespace coinfan::upstream
