// Three coinfan processes sharing one Redis (shared.redis), against one simulated gateway with
// rate_limit_rps: together they stay within the one budget under sustained load; with Redis
// killed mid-load every caller is still answered (each replica by its own bucket), the outage
// is logged and counted, and the replicas rejoin when Redis is back.

#include <gtest/gtest.h>

#include <signal.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/providers.hpp"
#include "support/http_test_client.hpp"
#include "support/logged_process.hpp"
#include "support/ports.hpp"
#include "support/redis_server.hpp"
#include "support/replicas.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::LoggedProcess;

constexpr int rate = 20;  // the gateway's rate_limit_rps

using testing::free_port;
using testing::http_get;
using testing::metric;
using testing::RedisServer;

class SharedReplicas : public ::testing::Test {
 protected:
  SharedReplicas() : work_(asio::make_work_guard(io_)) {
    simulator_ = sim::Simulator::start(io_, gateways::ccpayment_v1::type);
    thread_ = std::thread([this] { io_.run(); });
    redis_ = std::make_unique<RedisServer>();
    json::object gateway = sim::gateway_json(simulator_->gateway_config("legacy"));
    gateway["timeout_ms"] = 3000;
    gateway["retries"] = 0;
    gateway["rate_limit_rps"] = rate;
    json::object config{
        {"server", json::object{{"listen", "127.0.0.1:0"}, {"threads", 2}}},
        {"log", json::object{{"format", "json"}, {"level", "info"}}},
        {"shared", json::object{{"redis", json::object{{"url", redis_->url()},
                                                       {"key_prefix", "replicas-test:"},
                                                       {"timeout_ms", 100}}}}},
        {"gateways", json::array{gateway}}};
    replicas_ = std::make_unique<testing::Replicas>(config, 3, "replicas");
    ports_ = replicas_->ports;
  }
  ~SharedReplicas() override {
    replicas_.reset();
    redis_.reset();
    simulator_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // Callers on every replica, each asking for fresh balances back to back, until `until`.
  // Returns {answered 200, answered otherwise}.
  std::pair<int, int> load(std::chrono::steady_clock::time_point until) {
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> callers;
    for (const auto port : ports_) {
      for (int c = 0; c < 2; ++c) {
        callers.emplace_back([&, port] {
          while (std::chrono::steady_clock::now() < until) {
            const auto [status, body] = http_get(port, "/v1/balances?max_age_ms=0");
            (status == 200 ? ok : failed)++;
            ++answers_;
          }
        });
      }
    }
    for (auto& caller : callers) caller.join();
    return {ok.load(), failed.load()};
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<sim::Simulator> simulator_;
  std::thread thread_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<testing::Replicas> replicas_;
  std::vector<std::uint16_t> ports_;
  std::atomic<int> answers_{0};  // every answer load() got, for "mid-load"
};

TEST_F(SharedReplicas, ThreeReplicasStayWithinOneBudgetAndKeepAnsweringWithoutRedis) {
  ASSERT_EQ(ports_.size(), 3u);
  // Sustained load on all three for 10 s: in no second does the gateway see more than the one
  // budget and 5 % (every window of one second that starts at a call, from the simulator's
  // arrival times).
  simulator_->reset_counters();
  const auto started = std::chrono::steady_clock::now();
  const auto [ok, failed] = load(started + 10s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto calls = simulator_->requests();
  const auto arrivals = simulator_->request_times();
  std::uint64_t busiest = 0;
  for (auto first = arrivals.begin(), last = arrivals.begin(); first != arrivals.end(); ++first) {
    while (last != arrivals.end() && *last - *first < 1s) ++last;
    busiest = std::max<std::uint64_t>(busiest, static_cast<std::uint64_t>(last - first));
  }
  std::printf("[ replicas ] %llu upstream calls in %.2f s for %d answers (budget %d/s), at most %llu in a second\n",
              static_cast<unsigned long long>(calls), seconds, ok, rate, static_cast<unsigned long long>(busiest));
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok, 0);
  EXPECT_LE(static_cast<double>(busiest), rate * 1.05);
  EXPECT_LE(static_cast<double>(calls), rate * seconds * 1.05 + 1);
  EXPECT_GE(static_cast<double>(calls), rate * seconds * 0.5);  // the budget is shared, not starved
  for (const auto port : ports_) EXPECT_GT(metric(port, "coinfan_shared_decisions_total{tier=\"rate_limit\"}"), 0u);

  // Redis gone mid-load: every caller is still answered, each replica by its own bucket.
  std::atomic<bool> killed{false};
  // Mid-load: once every caller has been answered a few times in this phase.
  const int answered_before = answers_.load();
  std::thread killer([&] {
    while (answers_.load() < answered_before + 20) std::this_thread::yield();
    redis_->kill();
    killed = true;
  });
  const auto [ok_down, failed_down] = load(std::chrono::steady_clock::now() + 2s);
  killer.join();
  ASSERT_TRUE(killed);
  EXPECT_EQ(failed_down, 0);
  EXPECT_GT(ok_down, 0);
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    EXPECT_TRUE(replicas_->processes[i]->wait_for_line("shared state unavailable, deciding alone", 5s)) << replicas_->processes[i]->output();
    EXPECT_GT(metric(ports_[i], "coinfan_shared_fallbacks_total{tier=\"rate_limit\"}"), 0u);
    EXPECT_EQ(metric(ports_[i], "coinfan_shared_redis_available"), 0u);
  }

  // Redis back: the replicas rejoin at their next call.
  redis_->start();
  const auto [ok_back, failed_back] = load(std::chrono::steady_clock::now() + 1s);
  EXPECT_EQ(failed_back, 0);
  EXPECT_GT(ok_back, 0);
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    EXPECT_TRUE(replicas_->processes[i]->wait_for_line("shared state available again", 5s)) << replicas_->processes[i]->output();
    EXPECT_EQ(metric(ports_[i], "coinfan_shared_redis_available"), 1u);
  }
}

}  // namespace
}  // namespace coinfan
