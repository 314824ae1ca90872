// Three coinfan processes sharing one Redis, in front of the five simulated gateways of the
// demo: a burst of 1000 concurrent requests for fresh balances, spread over the three, costs
// each gateway exactly one balance call (one replica calls under the lease, the others take
// its answer); without Redis the same burst costs one call per replica.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/trubit/simulator.hpp"
#include "support/redis_server.hpp"
#include "support/replicas.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

constexpr int burst = 1000;

// The path of each demo gateway's balance call (ids as in start_demo_gateways).
std::string balance_path(const std::string& id) {
  if (id == "ccp-main") return "/ccpayment/v2/getAppCoinAssetList";
  if (id == "ccp-legacy") return std::string(sim::CcpaymentV1Provider::assets_path);
  if (id == "cloud") return std::string(sim::CryptoCloudProvider::balance_all_path);
  if (id == "trubit") return std::string(sim::TruBitProvider::assets_path);
  return std::string(sim::KunaProvider::balance_path);
}

// Every connection opened first, then one GET on each at once; the statuses (0: no answer).
std::vector<unsigned> burst_of(const std::vector<std::uint16_t>& ports, const std::string& target) {
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> sockets;
  for (int i = 0; i < burst; ++i) {
    sockets.push_back(std::make_unique<tcp::socket>(io));
    sockets.back()->connect({asio::ip::make_address("127.0.0.1"), ports[static_cast<std::size_t>(i) % ports.size()]});
  }
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: coinfan\r\n\r\n";
  std::vector<unsigned> statuses(burst, 0);
  for (int i = 0; i < burst; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          auto& socket = *sockets[static_cast<std::size_t>(i)];
          co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
          beast::flat_buffer buffer;
          beast::http::response<beast::http::string_body> response;
          co_await beast::http::async_read(socket, buffer, response, asio::use_awaitable);
          statuses[static_cast<std::size_t>(i)] = response.result_int();
        },
        asio::detached);
  }
  io.run();
  return statuses;
}

class ColdBurst : public ::testing::Test {
 protected:
  ColdBurst() : work_(asio::make_work_guard(io_)), demo_(sim::start_demo_gateways(io_)) {
    thread_ = std::thread([this] { io_.run(); });
    // Every gateway takes 300 ms, so the whole burst arrives while the first calls run.
    for (auto& simulator : demo_.simulators) simulator->inject(sim::Fault::latency_of(300ms));
  }
  ~ColdBurst() override {
    replicas_.reset();
    for (auto& simulator : demo_.simulators) simulator->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  void start_replicas(std::optional<std::string> redis_url) {
    json::array gateways;
    for (const auto& gateway : demo_.gateways) {
      json::object entry = sim::gateway_json(gateway);
      entry["timeout_ms"] = 10000;
      gateways.push_back(std::move(entry));
    }
    json::object config{{"server", json::object{{"listen", "127.0.0.1:0"}, {"threads", 2},
                                                {"max_connections_per_client", 0}}},
                        {"log", json::object{{"format", "json"}, {"level", "info"}}},
                        {"gateways", std::move(gateways)}};
    if (redis_url) {
      config["shared"] = json::object{
          {"redis", json::object{{"url", *redis_url}, {"key_prefix", "burst:"}, {"timeout_ms", 1000}}}};
    }
    replicas_ = std::make_unique<testing::Replicas>(config, 3, "burst");
    ASSERT_EQ(replicas_->ports.size(), 3u);
    ASSERT_TRUE(replicas_->all_logged("\"msg\":\"warm-up\"", 30s));
  }

  // Balance calls each gateway received since the last reset.
  std::vector<std::uint64_t> balance_calls() const {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < demo_.gateways.size(); ++i) {
      out.push_back(demo_.simulators[i]->requests(balance_path(demo_.gateways[i].id)));
    }
    return out;
  }

  void reset_counters() {
    for (auto& simulator : demo_.simulators) simulator->reset_counters();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  sim::DemoGateways demo_;
  std::thread thread_;
  std::unique_ptr<testing::Replicas> replicas_;
};

TEST_F(ColdBurst, AThousandRequestsOverThreeReplicasCostOneBalanceCallPerGateway) {
  testing::RedisServer redis;
  reset_counters();
  start_replicas(redis.url());
  // The three warm-ups (each replica's first fan-out, at once) already shared.
  for (const auto calls : balance_calls()) EXPECT_EQ(calls, 1u);

  reset_counters();
  const auto statuses = burst_of(replicas_->ports, "/v1/balances?max_age_ms=0");
  for (const auto status : statuses) ASSERT_EQ(status, 200u);
  const auto calls = balance_calls();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i], 1u) << demo_.gateways[i].id << ": one balance call for the whole burst";
  }
  for (const auto port : replicas_->ports) {
    EXPECT_EQ(testing::metric(port, "coinfan_shared_fallbacks_total{tier=\"cache\"}"), 0u);
  }
}

TEST_F(ColdBurst, WithoutRedisEachReplicaCallsOnItsOwn) {
  start_replicas(std::nullopt);
  reset_counters();
  const auto statuses = burst_of(replicas_->ports, "/v1/balances?max_age_ms=0");
  for (const auto status : statuses) ASSERT_EQ(status, 200u);
  for (const auto calls : balance_calls()) EXPECT_EQ(calls, 3u);  // one per replica
}

}  // namespace
}  // namespace coinfan
