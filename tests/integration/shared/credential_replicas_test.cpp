// Three coinfan processes sharing one Redis, each configured with the same TruBit account
// (tokens issued for key + secret) and the same Kuna account (e-mail / password login),
// against one simulator of each: the replicas log in once for all of them, once more after
// the provider revokes what it issued, take over a lease a dead replica left, and each logs
// in alone while Redis is gone. With shared.redis.share_credentials off, each logs in itself.

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/shared/redis.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/providers.hpp"
#include "gateways/trubit/simulator.hpp"
#include "support/logged_process.hpp"
#include "support/ports.hpp"
#include "support/redis_server.hpp"
#include "support/replicas.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::http_get;
using testing::metric;

const std::string token_path(sim::TruBitProvider::token_path);
const std::string login_path(sim::KunaProvider::login_path);
constexpr auto login_latency = 200ms;  // so that the replicas' renewals overlap
constexpr int callers = 30;

class SharedCredentialReplicas : public ::testing::Test {
 protected:
  SharedCredentialReplicas() : work_(asio::make_work_guard(io_)) {
    trubit_ = sim::Simulator::start(io_, gateways::trubit::type);
    kuna_ = sim::Simulator::start(io_, gateways::kuna::type);
    trubit_->inject(sim::Fault::latency_of(login_latency).on(token_path));
    kuna_->inject(sim::Fault::latency_of(login_latency).on(login_path));
    thread_ = std::thread([this] { io_.run(); });
    redis_server_ = std::make_unique<testing::RedisServer>();
    redis_port_ = redis_server_->port();
    shared::RedisOptions options;
    options.endpoint.port = redis_port_;
    options.timeout = 1000ms;
    redis_ = shared::RedisClient::create(io_.get_executor(), options);
  }
  ~SharedCredentialReplicas() override {
    replicas_.reset();
    redis_server_.reset();
    redis_.reset();
    trubit_->stop();
    kuna_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // Three replicas with both accounts, started at once.
  void start_replicas(bool share_credentials) {
    json::array gateways;
    for (auto* simulator : {trubit_.get(), kuna_.get()}) {
      const auto id = std::string(config::to_string(simulator->type()));
      json::object gateway = sim::gateway_json(simulator->gateway_config(id));
      gateway["timeout_ms"] = 3000;
      gateway["retries"] = 0;
      gateways.push_back(std::move(gateway));
    }
    json::object redis{{"url", "redis://127.0.0.1:" + std::to_string(redis_port_)},
                       {"key_prefix", "creds-replicas-test:"},
                       {"timeout_ms", 200}};
    if (!share_credentials) redis["share_credentials"] = false;
    json::object config{{"server", json::object{{"listen", "127.0.0.1:0"}, {"threads", 2}}},
                        {"log", json::object{{"format", "json"}, {"level", "info"}}},
                        {"shared", json::object{{"redis", redis}}},
                        {"gateways", gateways}};
    replicas_ = std::make_unique<testing::Replicas>(config, 3, "creds");
    ASSERT_EQ(replicas_->ports.size(), 3u);
  }

  // `count` callers at once, spread over the replicas, each asking for fresh balances: how
  // many were answered 200 with both gateways ok (the others are printed).
  int fresh_balances_everywhere(int count) {
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, port = replicas_->ports[static_cast<std::size_t>(i) % replicas_->ports.size()]] {
        const auto [status, body] = http_get(port, "/v1/balances?max_age_ms=0");
        if (answered_ok(status, body)) {
          ++good;
        } else {
          ADD_FAILURE() << status << " " << body;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return good.load();
  }

  // One request for fresh balances on each replica in turn: each one's answer is made after the
  // previous one's, so no replica can take another's gateway answer from the shared call tier —
  // each calls the gateways itself and needs the credentials.
  void each_replica_in_turn() {
    for (const auto port : replicas_->ports) {
      const auto [status, body] = http_get(port, "/v1/balances?max_age_ms=0");
      EXPECT_TRUE(answered_ok(status, body)) << status << " " << body;
    }
  }

  static bool answered_ok(unsigned status, const std::string& body) {
    if (status != 200) return false;
    boost::system::error_code ec;
    const auto root = json::parse(body, ec);
    if (ec || !root.is_object() || !root.as_object().contains("gateways")) return false;
    const auto& gateways = root.at("gateways").as_array();
    if (gateways.size() != 2) return false;
    for (const auto& gateway : gateways) {
      if (gateway.at("status").as_string() != "ok") return false;
    }
    return true;
  }

  shared::RedisValue redis(std::vector<std::string> argv) {
    auto reply = asio::co_spawn(io_, redis_->command(std::move(argv)), asio::use_future).get();
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : shared::RedisValue{};
  }

  // The credential stored for `gateway_id` (without its expiry); empty: none.
  std::string stored_credential(const std::string& gateway_id) {
    const auto text = redis({"GET", "creds-replicas-test:cred:" + gateway_id}).text;
    const auto space = text.find(' ');
    return space == std::string::npos ? std::string() : text.substr(space + 1);
  }

  std::uint64_t tokens() const { return trubit_->requests(token_path); }
  std::uint64_t logins() const { return kuna_->requests(login_path); }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<sim::Simulator> trubit_;
  std::unique_ptr<sim::Simulator> kuna_;
  std::thread thread_;
  std::uint16_t redis_port_ = 0;
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::shared_ptr<shared::RedisClient> redis_;
  std::unique_ptr<testing::Replicas> replicas_;
};

TEST_F(SharedCredentialReplicas, OneLoginServesEveryReplicaAndOneMoreAfterTheProviderRevokes) {
  start_replicas(true);
  // Cold: the replicas' start-up warm-ups and these callers all need a token and a JWT at once.
  EXPECT_EQ(fresh_balances_everywhere(callers), callers);
  each_replica_in_turn();
  EXPECT_EQ(tokens(), 1u);
  EXPECT_EQ(logins(), 1u);

  // What the provider issued sits in Redis, and in no replica's log.
  const auto token = stored_credential("trubit");
  const auto jwt = stored_credential("kuna");
  ASSERT_FALSE(token.empty());
  ASSERT_FALSE(jwt.empty());
  for (std::size_t i = 0; i < replicas_->ports.size(); ++i) {
    const auto output = replicas_->processes[i]->output();
    EXPECT_EQ(output.find(token), std::string::npos);
    EXPECT_EQ(output.find(jwt), std::string::npos);
    EXPECT_GT(metric(replicas_->ports[i], "coinfan_shared_decisions_total{tier=\"credentials\"}"), 0u);
    EXPECT_EQ(metric(replicas_->ports[i], "coinfan_shared_fallbacks_total{tier=\"credentials\"}"), 0u);
  }

  // Revoked: every replica is refused, and one of them renews for all.
  trubit_->expire_tokens();
  kuna_->expire_tokens();
  EXPECT_EQ(fresh_balances_everywhere(callers), callers);
  each_replica_in_turn();
  EXPECT_EQ(tokens(), 2u);
  EXPECT_EQ(logins(), 2u);
  EXPECT_NE(stored_credential("trubit"), token);
  EXPECT_NE(stored_credential("kuna"), jwt);
}

TEST_F(SharedCredentialReplicas, ALeaseADeadReplicaLeftIsTakenOverOnceItExpires) {
  start_replicas(true);
  EXPECT_EQ(fresh_balances_everywhere(3), 3);
  ASSERT_EQ(tokens(), 1u);
  ASSERT_EQ(logins(), 1u);
  // A replica died while renewing both: its leases outlive it by one second.
  const auto set_at = std::chrono::steady_clock::now();
  redis({"SET", "creds-replicas-test:cred-lease:trubit", "dead-replica", "PX", "1000"});
  redis({"SET", "creds-replicas-test:cred-lease:kuna", "dead-replica", "PX", "1000"});
  trubit_->expire_tokens();
  kuna_->expire_tokens();

  const auto [status, body] = http_get(replicas_->ports[0], "/v1/balances?max_age_ms=0");
  EXPECT_TRUE(answered_ok(status, body)) << status << " " << body;
  // No replica can log in before the dead one's lease expires; then exactly one does, well
  // within the gateway's 3 s timeout (not by giving up on the store).
  EXPECT_GE(std::chrono::steady_clock::now() - set_at, 1000ms);
  EXPECT_EQ(tokens(), 2u);
  EXPECT_EQ(logins(), 2u);
  EXPECT_EQ(redis({"EXISTS", "creds-replicas-test:cred-lease:trubit"}).integer, 0);  // handed back
  EXPECT_FALSE(stored_credential("trubit").empty());
}

TEST_F(SharedCredentialReplicas, WithoutRedisEachReplicaLogsInAloneAndKeepsAnswering) {
  start_replicas(true);
  EXPECT_EQ(fresh_balances_everywhere(3), 3);
  ASSERT_EQ(tokens(), 1u);
  redis_server_->kill();
  trubit_->expire_tokens();
  kuna_->expire_tokens();
  EXPECT_EQ(fresh_balances_everywhere(callers), callers);
  // Each replica renewed alone: one token and one login each.
  EXPECT_EQ(tokens(), 1u + replicas_->ports.size());
  EXPECT_EQ(logins(), 1u + replicas_->ports.size());
  for (std::size_t i = 0; i < replicas_->ports.size(); ++i) {
    EXPECT_TRUE(replicas_->processes[i]->wait_for_line("shared state unavailable, deciding alone", 5s))
        << replicas_->processes[i]->output();
    EXPECT_GT(metric(replicas_->ports[i], "coinfan_shared_fallbacks_total{tier=\"credentials\"}"), 0u);
  }
}

TEST_F(SharedCredentialReplicas, WithShareCredentialsOffEachReplicaLogsInItself) {
  start_replicas(false);
  EXPECT_EQ(fresh_balances_everywhere(callers), callers);
  each_replica_in_turn();
  EXPECT_EQ(tokens(), 3u);
  EXPECT_EQ(logins(), 3u);
  EXPECT_EQ(redis({"EXISTS", "creds-replicas-test:cred:trubit"}).integer, 0);
  EXPECT_EQ(redis({"EXISTS", "creds-replicas-test:cred:kuna"}).integer, 0);
}

}  // namespace
}  // namespace coinfan
