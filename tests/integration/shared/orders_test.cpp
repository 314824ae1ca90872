// Writes across replicas (shared.redis): the same transfer sent to two coinfan processes at
// once is sent to the provider once — one replica claims the order id in Redis, the other
// waits for its outcome and answers it as a replay; a third replica replays it later, and a
// different request under that order id is a conflict everywhere. Without Redis the second
// replica sends it too (the provider's own duplicate check is all that stops it).

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/core/hash.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v2/config.hpp"
#include "gateways/providers.hpp"
#include "support/http_test_client.hpp"
#include "support/redis_server.hpp"
#include "support/replicas.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

const std::string write_key = "orders-test-write-key";
const std::string transfer_path = "/ccpayment/v2/userTransfer";

struct Answer {
  unsigned status = 0;
  std::string record_id;
  std::string body;
};

Answer post_transfer(std::uint16_t port, const std::string& body) {
  testing::RawConnection connection(port);
  connection.send("POST /v1/gateways/ccp-main/transfers HTTP/1.1\r\nHost: coinfan\r\nContent-Type: application/json\r\n"
                  "Authorization: Bearer " + write_key + "\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\n\r\n" + body);
  auto response = connection.read_response();
  if (!response) return {};
  Answer answer{response->result_int(), {}, response->body()};
  if (auto parsed = json::parse(answer.body); parsed.is_object()) {
    if (const auto* id = parsed.get_object().if_contains("id"); id && id->is_string()) {
      answer.record_id = std::string(id->get_string());
    }
  }
  return answer;
}

class OrdersAcrossReplicas : public ::testing::Test {
 protected:
  OrdersAcrossReplicas() : work_(asio::make_work_guard(io_)) {
    simulator_ = sim::Simulator::start(io_, gateways::ccpayment_v2::type);
    thread_ = std::thread([this] { io_.run(); });
    // Long enough for both requests to arrive while the first transfer is on its way.
    simulator_->inject(sim::Fault::latency_of(400ms).on(transfer_path));
  }
  ~OrdersAcrossReplicas() override {
    replicas_.reset();
    simulator_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  void start_replicas(std::optional<std::string> redis_url) {
    const auto gateway = simulator_->gateway_config("ccp-main");
    merchant_ = gateway.settings_as<gateways::ccpayment_v2::Settings>()->credentials.app_id;
    json::object entry = sim::gateway_json(gateway);
    entry["timeout_ms"] = 5000;
    entry["retries"] = 0;
    json::object config{
        {"server", json::object{{"listen", "127.0.0.1:0"}, {"threads", 2}}},
        {"log", json::object{{"format", "json"}, {"level", "info"}}},
        {"auth", json::object{{"api_keys", json::array{json::object{{"name", "payouts"},
                                                                    {"sha256", *hash::sha256_hex(write_key)},
                                                                    {"scopes", json::array{"read", "write"}}}}}}},
        {"gateways", json::array{entry}}};
    if (redis_url) {
      config["shared"] = json::object{{"redis", json::object{{"url", *redis_url}, {"key_prefix", "orders:"}}}};
    }
    replicas_ = std::make_unique<testing::Replicas>(config, 3, "orders");
    ASSERT_EQ(replicas_->ports.size(), 3u);
  }

  std::string transfer(const std::string& amount, const std::string& order_id) const {
    return R"({"from_user_id":")" + merchant_ + R"(","to_user_id":"user-alice-1001","asset":"USDT","amount":")" +
           amount + R"(","order_id":")" + order_id + R"("})";
  }

  // The same request on replicas 0 and 1 at once.
  std::pair<Answer, Answer> twice_at_once(const std::string& body) {
    auto first = std::async(std::launch::async, [&] { return post_transfer(replicas_->ports[0], body); });
    auto second = std::async(std::launch::async, [&] { return post_transfer(replicas_->ports[1], body); });
    return {first.get(), second.get()};
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<sim::Simulator> simulator_;
  std::thread thread_;
  std::unique_ptr<testing::Replicas> replicas_;
  std::string merchant_;
};

TEST_F(OrdersAcrossReplicas, TheSameOrderSentToTwoReplicasAtOnceExecutesOnce) {
  testing::RedisServer redis;
  start_replicas(redis.url());
  simulator_->reset_counters();
  const auto [a, b] = twice_at_once(transfer("10", "pay-across-1"));
  EXPECT_EQ(simulator_->requests(transfer_path), 1u) << "the transfer reached the provider once";
  // One created it, the other answers the same record as a replay.
  EXPECT_TRUE((a.status == 201 && b.status == 200) || (a.status == 200 && b.status == 201)) << a.body << "\n" << b.body;
  EXPECT_FALSE(a.record_id.empty());
  EXPECT_EQ(a.record_id, b.record_id);

  // A third replica that never saw it replays it, and refuses a different request under it.
  const auto later = post_transfer(replicas_->ports[2], transfer("10", "pay-across-1"));
  EXPECT_EQ(later.status, 200u) << later.body;
  EXPECT_EQ(later.record_id, a.record_id);
  const auto different = post_transfer(replicas_->ports[2], transfer("11", "pay-across-1"));
  EXPECT_EQ(different.status, 409u) << different.body;
  EXPECT_EQ(simulator_->requests(transfer_path), 1u);
  for (const auto port : replicas_->ports) {
    EXPECT_GT(testing::metric(port, "coinfan_shared_decisions_total{tier=\"orders\"}"), 0u);
  }
}

TEST_F(OrdersAcrossReplicas, WithoutRedisTheSecondReplicaSendsItToo) {
  start_replicas(std::nullopt);
  simulator_->reset_counters();
  const auto [a, b] = twice_at_once(transfer("10", "pay-alone-1"));
  EXPECT_EQ(simulator_->requests(transfer_path), 2u);
  EXPECT_EQ(a.record_id, b.record_id);  // the provider's duplicate check, and the lookup behind it
}

}  // namespace
}  // namespace coinfan
