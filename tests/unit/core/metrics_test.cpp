// Labelled duration counters for /metrics and the log throttle: pure, times passed in.

#include "coinfan/core/log_throttle.hpp"
#include "coinfan/core/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace coinfan {
namespace {

using namespace std::chrono_literals;

TEST(Durations, CountsEachObservationInTheFirstBucketThatHoldsIt) {
  metrics::Durations d;
  d.observe(1000us);     // the 1 ms bound is inclusive
  d.observe(1001us);     // next bucket: 2.5 ms
  d.observe(40s);        // beyond the last bound: +Inf
  d.observe(-5us);       // a clock that went back counts as zero
  EXPECT_EQ(d.buckets[0], 2u);
  EXPECT_EQ(d.buckets[1], 1u);
  EXPECT_EQ(d.buckets.back(), 1u);
  EXPECT_EQ(d.count, 4u);
  EXPECT_EQ(d.sum_us, 1000u + 1001u + 40000000u);
}

TEST(DurationFamily, KeepsOneSeriesPerLabelSetInOrder) {
  metrics::DurationFamily family;
  family.observe({"/v1/balances", "GET", "2xx"}, 3ms);
  family.observe({"unmatched", "GET", "4xx"}, 1ms);
  family.observe({"/v1/balances", "GET", "2xx"}, 5ms);
  const auto series = family.snapshot();
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].first, (std::vector<std::string>{"/v1/balances", "GET", "2xx"}));
  EXPECT_EQ(series[0].second.count, 2u);
  EXPECT_EQ(series[0].second.sum_us, 8000u);
  EXPECT_EQ(series[1].first, (std::vector<std::string>{"unmatched", "GET", "4xx"}));
}

TEST(DurationFamily, CountsEveryObservationFromManyThreads) {
  metrics::DurationFamily family;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) family.observe({"r"}, 1us);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.snapshot().at(0).second.count, 4000u);
}

TEST(SecondsText, HasSixDecimals) {
  EXPECT_EQ(metrics::seconds_text(0), "0.000000");
  EXPECT_EQ(metrics::seconds_text(1500), "0.001500");
  EXPECT_EQ(metrics::seconds_text(12345678), "12.345678");
}

TEST(LogThrottle, WritesTheFirstLineThenOneAWindowWithTheCountHeldBack) {
  log::Throttle throttle(60s);
  const auto t0 = log::Throttle::Clock::time_point{} + 1000s;
  EXPECT_EQ(throttle.admit(t0), 0u);
  EXPECT_FALSE(throttle.admit(t0 + 1s));
  EXPECT_FALSE(throttle.admit(t0 + 59s));
  EXPECT_EQ(throttle.suppressed(), 2u);
  EXPECT_EQ(throttle.admit(t0 + 60s), 2u);  // the window passed: written, with the two held back
  EXPECT_FALSE(throttle.admit(t0 + 61s));
  throttle.reset();
  EXPECT_EQ(throttle.admit(t0 + 62s), 0u);  // after a reset the next line goes out at once
}

}  // namespace
}  // namespace coinfan
