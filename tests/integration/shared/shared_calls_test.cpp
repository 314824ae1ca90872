// The views' shared tier in Redis (shared/calls.hpp) against Debian's real redis-server, with
// several RedisSharedCalls standing for several replicas: a cold burst over all of them makes
// one call; a recent good record is reused and an older one is not; a failure reaches the
// replicas that waited for it; a lease whose holder died expires and another replica takes
// over; forget() retires records, even one stored late by a call that began before it; what
// the store holds that is not a record is ignored; without Redis each call runs alone.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/shared/calls.hpp"
#include "coinfan/shared/redis.hpp"
#include "support/ports.hpp"
#include "support/redis_server.hpp"

namespace coinfan::shared {
namespace {

namespace asio = boost::asio;
using aggregate::SharedRecord;
using aggregate::SharedWant;
using namespace std::chrono_literals;
using testing::RedisServer;

aggregate::UnixMillis unix_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SharedCallsTest : public ::testing::Test {
 protected:
  SharedCallsTest() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~SharedCallsTest() override {
    replicas_.clear();
    clients_.clear();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  std::shared_ptr<RedisClient> client(std::uint16_t port) {
    RedisOptions options;
    options.endpoint.port = port;
    options.timeout = 500ms;
    clients_.push_back(RedisClient::create(io_.get_executor(), options));
    return clients_.back();
  }

  // One replica's shared tier; counts the times Redis could not answer.
  std::shared_ptr<RedisSharedCalls> replica(std::uint16_t port) {
    RedisAvailability availability;
    availability.on_failure = [this](const Error&) { ++failures_; };
    replicas_.push_back(std::make_shared<RedisSharedCalls>(client(port), "t:", 60s, availability));
    return replicas_.back();
  }

  // A gateway call: counted, answering `payload` (or failing) after `latency`.
  aggregate::SharedCalls::Call gateway(std::string payload, std::chrono::milliseconds latency = 100ms,
                                       bool good = true) {
    return [this, payload, latency, good]() -> asio::awaitable<SharedRecord> {
      ++calls_;
      asio::steady_timer timer(co_await asio::this_coro::executor, latency);
      co_await timer.async_wait(asio::use_awaitable);
      SharedRecord record;
      record.completed_at = unix_now();
      record.latency_ms = latency.count();
      record.good = good;
      if (good) {
        record.payload = payload;
      } else {
        record.error = make_error(ErrorCode::timeout, "no answer within 100 ms");
      }
      co_return record;
    };
  }

  std::future<SharedRecord> start(RedisSharedCalls& calls, SharedWant want, aggregate::SharedCalls::Call call,
                                  std::string name = "balances:g") {
    return asio::co_spawn(io_, calls.run(std::move(name), want, std::move(call)), asio::use_future);
  }

  Result<RedisValue> command(std::uint16_t port, std::vector<std::string> argv) {
    auto redis = client(port);
    return asio::co_spawn(io_, redis->command(std::move(argv)), asio::use_future).get();
  }

  static SharedWant fresh_only() { return SharedWant{unix_now(), 2000ms}; }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<RedisClient>> clients_;
  std::vector<std::shared_ptr<RedisSharedCalls>> replicas_;
  std::atomic<int> calls_{0};
  std::atomic<int> failures_{0};
};

TEST_F(SharedCallsTest, AColdBurstOverThreeReplicasMakesOneCall) {
  RedisServer redis;
  std::vector<std::shared_ptr<RedisSharedCalls>> three{replica(redis.port()), replica(redis.port()),
                                                       replica(redis.port())};
  std::vector<std::future<SharedRecord>> answers;
  const SharedWant want = fresh_only();
  for (int i = 0; i < 60; ++i) answers.push_back(start(*three[i % 3], want, gateway("the answer")));
  std::string by;
  for (auto& answer : answers) {
    const auto record = answer.get();
    EXPECT_TRUE(record.good);
    EXPECT_EQ(record.payload, "the answer");
    if (by.empty()) by = record.by;
    EXPECT_EQ(record.by, by);  // every caller got the one holder's answer
  }
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(failures_.load(), 0);
  std::uint64_t decisions = 0;
  for (const auto& calls : three) decisions += calls->stats().decisions;
  EXPECT_EQ(decisions, 60u);
}

TEST_F(SharedCallsTest, ARecentGoodRecordIsReusedAndAnOlderOneIsNot) {
  RedisServer redis;
  auto a = replica(redis.port());
  auto b = replica(redis.port());
  const auto first = start(*a, fresh_only(), gateway("first", 1ms)).get();
  EXPECT_EQ(calls_.load(), 1);
  // Another replica accepting data from before the first call finished reuses it.
  const auto reused = start(*b, SharedWant{first.completed_at, 2000ms}, gateway("second", 1ms)).get();
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(reused.payload, "first");
  EXPECT_EQ(reused.by, first.by);
  // One that accepts only data newer than it calls again, and its answer is the one stored.
  const auto newer = start(*b, SharedWant{first.completed_at + 1, 2000ms}, gateway("second", 1ms)).get();
  EXPECT_EQ(calls_.load(), 2);
  EXPECT_EQ(newer.payload, "second");
  const auto stored = command(redis.port(), {"GET", "t:call:balances:g:good"});
  ASSERT_TRUE(stored && stored->type == RedisValue::Type::string);
  EXPECT_EQ(aggregate::decode_record(stored->text)->payload, "second");
}

TEST_F(SharedCallsTest, AFailureReachesTheReplicasThatWaitedForItOnly) {
  RedisServer redis;
  auto a = replica(redis.port());
  auto b = replica(redis.port());
  const SharedWant want = fresh_only();
  auto leader = start(*a, want, gateway("", 150ms, false));
  // b asks while a holds the lease (a's look is one round trip; the call lasts 150 ms).
  while (!command(redis.port(), {"GET", "t:call:balances:g:lease"})->text.size()) std::this_thread::yield();
  auto waiter = start(*b, want, gateway("unused", 1ms));
  const auto led = leader.get();
  const auto waited = waiter.get();
  EXPECT_FALSE(led.good);
  EXPECT_FALSE(waited.good);
  EXPECT_EQ(waited.by, led.by);
  EXPECT_EQ(waited.error.code, ErrorCode::timeout);
  EXPECT_EQ(calls_.load(), 1);
  // A later request does not take that failure for an answer: it calls.
  const auto later = start(*b, fresh_only(), gateway("recovered", 1ms)).get();
  EXPECT_TRUE(later.good);
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(SharedCallsTest, ALeaseWhoseHolderDiedExpiresAndAnotherReplicaTakesOver) {
  RedisServer redis;
  auto a = replica(redis.port());
  ASSERT_TRUE(command(redis.port(), {"SET", "t:call:balances:g:lease", "gone-1", "PX", "300"}));
  const auto asked = std::chrono::steady_clock::now();
  const auto record = start(*a, fresh_only(), gateway("taken over", 1ms)).get();
  EXPECT_GE(std::chrono::steady_clock::now() - asked, 250ms);  // it waited for the lease
  EXPECT_TRUE(record.good);
  EXPECT_EQ(record.payload, "taken over");
  EXPECT_NE(record.by, "gone-1");
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(SharedCallsTest, ForgetRetiresRecordsEvenOneStoredLateByAnEarlierCall) {
  RedisServer redis;
  auto a = replica(redis.port());
  auto b = replica(redis.port());
  (void)start(*a, fresh_only(), gateway("before the write", 1ms)).get();
  asio::co_spawn(io_, b->forget("balances:g"), asio::use_future).get();
  // Reuse of anything at all is allowed, yet nothing from before the write is left to reuse.
  const auto after = start(*b, SharedWant{0, 2000ms}, gateway("after the write", 1ms)).get();
  EXPECT_EQ(after.payload, "after the write");
  EXPECT_EQ(calls_.load(), 2);

  // A call that began before a forget() and stores after it is not reused either.
  auto slow = start(*a, SharedWant{unix_now() + 60000, 2000ms}, gateway("in flight during the write", 200ms));
  while (calls_.load() < 3) std::this_thread::yield();
  asio::co_spawn(io_, b->forget("balances:g"), asio::use_future).get();
  EXPECT_EQ(slow.get().payload, "in flight during the write");  // its own caller still gets it
  const auto next = start(*b, SharedWant{0, 2000ms}, gateway("next", 1ms)).get();
  EXPECT_EQ(next.payload, "next");
  EXPECT_EQ(calls_.load(), 4);
}

TEST_F(SharedCallsTest, WhatIsNotARecordIsIgnored) {
  RedisServer redis;
  auto a = replica(redis.port());
  ASSERT_TRUE(command(redis.port(), {"SET", "t:call:balances:g:good", "1|9|9|g|x|0|"}));  // no payload is fine
  ASSERT_TRUE(command(redis.port(), {"SET", "t:call:coins:g:good", "garbage"}));
  ASSERT_TRUE(command(redis.port(), {"SET", "t:call:coins:g:epoch", "not a number"}));
  const auto reused = start(*a, SharedWant{0, 2000ms}, gateway("called", 1ms)).get();
  EXPECT_EQ(reused.by, "x");  // a well-formed record is one
  EXPECT_EQ(calls_.load(), 0);
  const auto called = start(*a, SharedWant{0, 2000ms}, gateway("called", 1ms), "coins:g").get();
  EXPECT_EQ(called.payload, "called");
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(failures_.load(), 1);  // an epoch that is no number: decided alone
}

TEST_F(SharedCallsTest, WithoutRedisEachCallRunsAloneAndCountsAFallback) {
  const auto nobody = testing::free_port();
  auto a = replica(nobody);
  const auto record = start(*a, fresh_only(), gateway("alone", 1ms)).get();
  EXPECT_TRUE(record.good);
  EXPECT_EQ(record.payload, "alone");
  EXPECT_FALSE(record.by.empty());
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(failures_.load(), 1);
  EXPECT_EQ(a->stats().fallbacks, 1u);
}

}  // namespace
}  // namespace coinfan::shared
