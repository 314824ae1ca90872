// The Redis client against Debian's real redis-server on a loopback port: commands, pipelines,
// pooled connections, AUTH, deadlines when Redis stalls, a restarted Redis picked up again, and
// the same over TLS (rediss://) with certificates made at run time, refused when they should be.

#include <gtest/gtest.h>

#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/shared/rate_limit.hpp"
#include "coinfan/shared/redis.hpp"
#include "integration/upstream/test_pki.hpp"
#include "support/logged_process.hpp"
#include "support/ports.hpp"
#include "support/redis_server.hpp"

namespace coinfan::shared {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::LoggedProcess;

using testing::free_port;

using testing::RedisServer;
using testing::ServerTls;

class RedisClientTest : public ::testing::Test {
 protected:
  RedisClientTest() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~RedisClientTest() override {
    clients_.clear();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  std::shared_ptr<RedisClient> client(std::uint16_t port, std::chrono::milliseconds timeout = 1000ms,
                                      std::optional<std::string> password = std::nullopt) {
    RedisOptions options;
    options.endpoint.port = port;
    options.timeout = timeout;
    options.endpoint.password = std::move(password);
    clients_.push_back(RedisClient::create(io_.get_executor(), options));
    return clients_.back();
  }

  // A rediss:// client of 127.0.0.1:port.
  std::shared_ptr<RedisClient> tls_client(std::uint16_t port, std::string ca_file, std::string server_name = {},
                                          std::chrono::milliseconds timeout = 1000ms,
                                          std::optional<std::string> password = std::nullopt) {
    RedisOptions options;
    options.endpoint.port = port;
    options.endpoint.tls = true;
    options.endpoint.password = std::move(password);
    options.ca_file = std::move(ca_file);
    options.tls_server_name = std::move(server_name);
    options.timeout = timeout;
    clients_.push_back(RedisClient::create(io_.get_executor(), options));
    return clients_.back();
  }

  Result<RedisValue> run(RedisClient& redis, std::vector<std::string> argv) {
    return asio::co_spawn(io_, redis.command(std::move(argv)), asio::use_future).get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::vector<std::shared_ptr<RedisClient>> clients_;
};

TEST_F(RedisClientTest, CommandsAndPipelinesShareOnePooledConnection) {
  RedisServer server(free_port());
  auto redis = client(server.port());
  auto set = run(*redis, {"SET", "coinfan:k", "a value with spaces\r\nand CRLF"});
  ASSERT_TRUE(set.ok()) << set.error().detail;
  EXPECT_EQ(set->type, RedisValue::Type::status);
  EXPECT_EQ(set->text, "OK");
  auto get = run(*redis, {"GET", "coinfan:k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->type, RedisValue::Type::string);
  EXPECT_EQ(get->text, "a value with spaces\r\nand CRLF");
  auto missing = run(*redis, {"GET", "coinfan:none"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->type, RedisValue::Type::nil);

  std::vector<std::vector<std::string>> increments(100, std::vector<std::string>{"INCR", "coinfan:n"});
  auto replies = asio::co_spawn(io_, redis->pipeline(increments), asio::use_future).get();
  ASSERT_TRUE(replies.ok()) << replies.error().detail;
  ASSERT_EQ(replies->size(), 100u);
  for (std::size_t i = 0; i < replies->size(); ++i) EXPECT_EQ((*replies)[i].integer, static_cast<std::int64_t>(i + 1));
  auto list = run(*redis, {"MGET", "coinfan:n", "coinfan:none"});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->type, RedisValue::Type::array);
  ASSERT_EQ(list->elements.size(), 2u);
  EXPECT_EQ(list->elements[0].text, "100");
  EXPECT_EQ(list->elements[1].type, RedisValue::Type::nil);
  EXPECT_EQ(redis->connections_opened(), 1u);
}

TEST_F(RedisClientTest, AnErrorReplyIsAValueAndTheConnectionStaysUsable) {
  RedisServer server(free_port());
  auto redis = client(server.port());
  ASSERT_TRUE(run(*redis, {"SET", "coinfan:text", "x"}).ok());
  auto wrong = run(*redis, {"INCR", "coinfan:text"});
  ASSERT_TRUE(wrong.ok()) << wrong.error().detail;
  EXPECT_TRUE(wrong->is_error());
  EXPECT_NE(wrong->text.find("not an integer"), std::string::npos) << wrong->text;
  EXPECT_EQ(run(*redis, {"PING"})->text, "PONG");
  EXPECT_EQ(redis->connections_opened(), 1u);
  auto empty = run(*redis, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
}

TEST_F(RedisClientTest, ThePasswordIsSentAndAWrongOneIsAuthFailedWithoutShowingIt) {
  RedisServer server(free_port(), "the-right-password");
  auto good = client(server.port(), 1000ms, "the-right-password");
  auto pong = run(*good, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.error().detail;
  EXPECT_EQ(pong->text, "PONG");
  auto bad = client(server.port(), 1000ms, "a-wrong-password");
  auto refused = run(*bad, {"PING"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(refused.error().detail.find("a-wrong-password"), std::string::npos) << refused.error().detail;
  auto none = client(server.port());
  auto anonymous = run(*none, {"PING"});
  ASSERT_TRUE(anonymous.ok());
  EXPECT_TRUE(anonymous->is_error());
  EXPECT_NE(anonymous->text.find("NOAUTH"), std::string::npos) << anonymous->text;
}

TEST_F(RedisClientTest, AStalledRedisIsATimeoutAtTheDeadlineAndItsConnectionIsNotReused) {
  RedisServer server(free_port());
  auto redis = client(server.port(), 200ms);
  ASSERT_TRUE(run(*redis, {"PING"}).ok());
  server.pause();
  const auto started = std::chrono::steady_clock::now();
  auto stalled = run(*redis, {"PING"});
  const auto took = std::chrono::steady_clock::now() - started;
  server.resume();
  ASSERT_FALSE(stalled.ok());
  EXPECT_EQ(stalled.error().code, ErrorCode::timeout);
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 1500ms);
  // The stalled connection may still get its PONG: a new one is opened instead.
  auto again = run(*redis, {"PING"});
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->text, "PONG");
  EXPECT_EQ(redis->connections_opened(), 2u);
}

TEST_F(RedisClientTest, ACallerWaitingForAConnectionGivesUpAtItsDeadline) {
  RedisServer server(free_port());
  RedisOptions options;
  options.endpoint.port = server.port();
  options.timeout = 300ms;
  options.max_connections = 1;
  auto redis = RedisClient::create(io_.get_executor(), options);
  ASSERT_TRUE(run(*redis, {"PING"}).ok());
  server.pause();
  // The first takes the only connection and stalls; the second waits for it, then gives up.
  auto first = asio::co_spawn(io_, redis->command({"PING"}), asio::use_future);
  auto second = asio::co_spawn(io_, redis->command({"PING"}), asio::use_future);
  const auto a = first.get();
  const auto b = second.get();
  server.resume();
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(a.error().code, ErrorCode::timeout);
  EXPECT_EQ(b.error().code, ErrorCode::timeout);
  // The stalled connection was closed; its slot serves the next caller on a new connection.
  // (The second may have been handed the slot before its own deadline and opened one too.)
  auto after = run(*redis, {"PING"});
  ASSERT_TRUE(after.ok()) << after.error().detail;
  EXPECT_GE(redis->connections_opened(), 2u);
  EXPECT_LE(redis->connections_opened(), 3u);
}

TEST_F(RedisClientTest, ARestartedRedisIsPickedUpAgain) {
  RedisServer server(free_port());
  auto redis = client(server.port(), 500ms);
  ASSERT_TRUE(run(*redis, {"SET", "coinfan:k", "1"}).ok());
  server.kill();
  auto down = run(*redis, {"GET", "coinfan:k"});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::unreachable) << down.error().detail;
  server.start();
  auto back = run(*redis, {"GET", "coinfan:k"});
  ASSERT_TRUE(back.ok()) << back.error().detail;
  EXPECT_EQ(back->type, RedisValue::Type::nil);  // nothing was persisted
}

TEST_F(RedisClientTest, AThousandConcurrentCommandsAllAnswer) {
  RedisServer server(free_port());
  auto redis = client(server.port(), 5000ms);
  std::vector<std::future<Result<RedisValue>>> answers;
  for (int i = 0; i < 1000; ++i) {
    answers.push_back(asio::co_spawn(io_, redis->command({"INCR", "coinfan:concurrent"}), asio::use_future));
  }
  for (auto& answer : answers) {
    auto value = answer.get();
    ASSERT_TRUE(value.ok()) << value.error().detail;
  }
  EXPECT_EQ(run(*redis, {"GET", "coinfan:concurrent"})->text, "1000");
  // They queued for the pool instead of opening a connection each.
  EXPECT_LE(redis->connections_opened(), RedisOptions{}.max_connections);
  EXPECT_LE(redis->idle_connections(), RedisOptions{}.max_idle);
}

// --- over TLS (rediss://) ---------------------------------------------------------------------

using upstream_testing::TestPki;

ServerTls server_tls(TestPki& pki, const std::vector<std::string>& names, const std::vector<std::string>& ips,
                     bool untrusted_ca = false) {
  auto issued = pki.issue(names, ips, untrusted_ca);
  return {issued.cert_file, issued.key_file, pki.ca_file()};
}

TEST_F(RedisClientTest, OverTlsCommandsAndPipelinesShareOnePooledConnection) {
  TestPki pki;
  RedisServer server(free_port(), {}, server_tls(pki, {"localhost"}, {"127.0.0.1"}));
  auto redis = tls_client(server.port(), pki.ca_file());
  auto set = run(*redis, {"SET", "coinfan:k", "a value with spaces\r\nand CRLF"});
  ASSERT_TRUE(set.ok()) << set.error().detail;
  EXPECT_EQ(set->text, "OK");
  auto get = run(*redis, {"GET", "coinfan:k"});
  ASSERT_TRUE(get.ok()) << get.error().detail;
  EXPECT_EQ(get->text, "a value with spaces\r\nand CRLF");
  // A reply of many TLS records, read in several pieces.
  const std::string large(300000, 'x');
  ASSERT_TRUE(run(*redis, {"SET", "coinfan:large", large}).ok());
  EXPECT_EQ(run(*redis, {"GET", "coinfan:large"})->text, large);

  std::vector<std::vector<std::string>> increments(100, std::vector<std::string>{"INCR", "coinfan:n"});
  auto replies = asio::co_spawn(io_, redis->pipeline(increments), asio::use_future).get();
  ASSERT_TRUE(replies.ok()) << replies.error().detail;
  ASSERT_EQ(replies->size(), 100u);
  for (std::size_t i = 0; i < replies->size(); ++i) EXPECT_EQ((*replies)[i].integer, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(redis->connections_opened(), 1u);

  // Concurrent callers share the pool over TLS too.
  std::vector<std::future<Result<RedisValue>>> answers;
  for (int i = 0; i < 200; ++i) answers.push_back(asio::co_spawn(io_, redis->command({"INCR", "coinfan:c"}), asio::use_future));
  for (auto& answer : answers) {
    auto value = answer.get();
    ASSERT_TRUE(value.ok()) << value.error().detail;
  }
  EXPECT_EQ(run(*redis, {"GET", "coinfan:c"})->text, "200");
  EXPECT_LE(redis->connections_opened(), RedisOptions{}.max_connections);
}

TEST_F(RedisClientTest, OverTlsThePasswordIsSentAndAWrongOneIsAuthFailed) {
  TestPki pki;
  RedisServer server(free_port(), "the-right-password", server_tls(pki, {"localhost"}, {"127.0.0.1"}));
  auto good = tls_client(server.port(), pki.ca_file(), {}, 1000ms, "the-right-password");
  auto pong = run(*good, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.error().detail;
  EXPECT_EQ(pong->text, "PONG");
  auto bad = tls_client(server.port(), pki.ca_file(), {}, 1000ms, "a-wrong-password");
  auto refused = run(*bad, {"PING"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::auth_failed) << refused.error().detail;
  EXPECT_EQ(refused.error().detail.find("a-wrong-password"), std::string::npos) << refused.error().detail;
}

TEST_F(RedisClientTest, OverTlsACertificateNoTrustedCaSignedIsATlsErrorAtOnce) {
  TestPki pki;
  RedisServer server(free_port(), "the-password", server_tls(pki, {"localhost"}, {"127.0.0.1"}, /*untrusted_ca=*/true));
  auto redis = tls_client(server.port(), pki.ca_file(), {}, 3000ms, "the-password");
  const auto started = std::chrono::steady_clock::now();
  auto refused = run(*redis, {"PING"});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::tls_error) << refused.error().detail;
  EXPECT_NE(refused.error().detail.find("redis TLS handshake failed"), std::string::npos) << refused.error().detail;
  EXPECT_NE(refused.error().detail.find("certificate"), std::string::npos) << refused.error().detail;
  EXPECT_EQ(refused.error().detail.find("the-password"), std::string::npos) << refused.error().detail;
  EXPECT_LT(took, 1500ms);  // refused, not left to the deadline
  // Nothing was pooled: the next call tries a new connection, and is refused again.
  EXPECT_EQ(redis->idle_connections(), 0u);
  auto again = run(*redis, {"PING"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::tls_error);
  EXPECT_EQ(redis->connections_opened(), 2u);
}

TEST_F(RedisClientTest, OverTlsWithoutCaFileTheSystemStoreDoesNotTrustATestCa) {
  TestPki pki;
  RedisServer server(free_port(), {}, server_tls(pki, {"localhost"}, {"127.0.0.1"}));
  auto redis = tls_client(server.port(), /*ca_file=*/{});
  auto refused = run(*redis, {"PING"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::tls_error) << refused.error().detail;
}

TEST_F(RedisClientTest, OverTlsTheCertificateMustNameTheHostOrTheTlsServerName) {
  TestPki pki;
  RedisServer server(free_port(), {}, server_tls(pki, {"redis.test"}, {}));  // not 127.0.0.1
  auto by_address = run(*tls_client(server.port(), pki.ca_file()), {"PING"});
  ASSERT_FALSE(by_address.ok());
  EXPECT_EQ(by_address.error().code, ErrorCode::tls_error) << by_address.error().detail;
  EXPECT_NE(by_address.error().detail.find("mismatch"), std::string::npos) << by_address.error().detail;
  EXPECT_NE(by_address.error().detail.find("127.0.0.1"), std::string::npos) << by_address.error().detail;

  auto other_name = run(*tls_client(server.port(), pki.ca_file(), "other.test"), {"PING"});
  ASSERT_FALSE(other_name.ok());
  EXPECT_EQ(other_name.error().code, ErrorCode::tls_error) << other_name.error().detail;
  EXPECT_NE(other_name.error().detail.find("mismatch"), std::string::npos) << other_name.error().detail;
  EXPECT_NE(other_name.error().detail.find("other.test"), std::string::npos) << other_name.error().detail;

  auto named = run(*tls_client(server.port(), pki.ca_file(), "redis.test"), {"PING"});
  ASSERT_TRUE(named.ok()) << named.error().detail;
  EXPECT_EQ(named->text, "PONG");
}

TEST_F(RedisClientTest, OverTlsAPlainRedisIsAnErrorByTheDeadlineNotAHang) {
  TestPki pki;
  RedisServer server(free_port());
  auto redis = tls_client(server.port(), pki.ca_file(), {}, 300ms);
  const auto started = std::chrono::steady_clock::now();
  auto failed = run(*redis, {"PING"});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.error().code == ErrorCode::timeout || failed.error().code == ErrorCode::tls_error)
      << failed.error().detail;
  EXPECT_NE(failed.error().detail.find("TLS"), std::string::npos) << failed.error().detail;
  EXPECT_LT(took, 1500ms);
  EXPECT_EQ(redis->idle_connections(), 0u);
}

TEST_F(RedisClientTest, ACaFileThatCannotBeLoadedFailsEveryCallWithoutConnecting) {
  TestPki pki;
  RedisServer server(free_port(), {}, server_tls(pki, {"localhost"}, {"127.0.0.1"}));
  auto missing = tls_client(server.port(), "/nonexistent/redis-ca.pem");
  for (int i = 0; i < 2; ++i) {
    auto refused = run(*missing, {"PING"});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(refused.error().detail.find("redis TLS: ca_file: cannot load '/nonexistent/redis-ca.pem'"), std::string::npos)
        << refused.error().detail;
  }
  EXPECT_EQ(missing->connections_opened(), 0u);

  // ca_file belongs to rediss:// only.
  RedisOptions plain;
  plain.endpoint.port = server.port();
  plain.ca_file = pki.ca_file();
  auto mismatched = RedisClient::create(io_.get_executor(), plain);
  auto refused = run(*mismatched, {"PING"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(mismatched->connections_opened(), 0u);
}

// --- the shared rate limit ------------------------------------------------------------------

Admission take(asio::io_context& io, SharedRateLimit& limit, const std::string& name, double rate, unsigned burst) {
  auto admission = asio::co_spawn(io, limit.take(name, rate, burst), asio::use_future).get();
  EXPECT_TRUE(admission.ok()) << admission.error().detail;
  return admission.ok() ? *admission : Admission{};
}

TEST_F(RedisClientTest, TheSharedBudgetLetsABurstThroughThenSaysHowLongToWait) {
  RedisServer server(free_port());
  SharedRateLimit limit(client(server.port()), "coinfan-test:");
  // 10 per second, burst 3: three at once, then the fourth waits up to 100 ms.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(take(io_, limit, "gw", 10, 3).allowed) << i;
  const auto refused = take(io_, limit, "gw", 10, 3);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after, std::chrono::microseconds(0));
  EXPECT_LE(refused.retry_after, std::chrono::microseconds(100000));
  // Another budget is untouched; a bad budget is refused before Redis is asked.
  EXPECT_TRUE(take(io_, limit, "other", 10, 1).allowed);
  auto bad = asio::co_spawn(io_, limit.take("gw", 0, 1), asio::use_future).get();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
}

TEST_F(RedisClientTest, TheSharedBudgetSurvivesRedisForgettingTheScript) {
  RedisServer server(free_port());
  auto redis = client(server.port());
  SharedRateLimit limit(redis, "coinfan-test:");
  // Burst 2: the second call may go at once, whatever the time between the two.
  EXPECT_TRUE(take(io_, limit, "gw", 1, 2).allowed);
  ASSERT_TRUE(run(*redis, {"SCRIPT", "FLUSH"}).ok());  // what a restarted Redis looks like
  EXPECT_TRUE(take(io_, limit, "gw", 1, 2).allowed);
  EXPECT_FALSE(take(io_, limit, "gw", 1, 2).allowed);  // and the budget is still the one budget
}

// Three replicas, each with its own client, taking from one budget as fast as it lets them.
TEST_F(RedisClientTest, ThreeReplicasTogetherStayWithinOneBudget) {
  RedisServer server(free_port());
  constexpr double rate = 100;
  constexpr auto duration = std::chrono::seconds(2);
  std::atomic<int> allowed{0};
  std::vector<std::unique_ptr<SharedRateLimit>> replicas;
  for (int i = 0; i < 3; ++i) replicas.push_back(std::make_unique<SharedRateLimit>(client(server.port()), "coinfan-test:"));
  const auto end = std::chrono::steady_clock::now() + duration;
  std::vector<std::future<void>> loops;
  for (auto& replica : replicas) {
    loops.push_back(asio::co_spawn(
        io_,
        [&allowed, end, limit = replica.get()]() -> asio::awaitable<void> {
          asio::steady_timer timer(co_await asio::this_coro::executor);
          while (std::chrono::steady_clock::now() < end) {
            auto taking = limit->take("gw", rate, 1);
            auto admission = co_await std::move(taking);
            if (!admission) co_return;
            if (admission->allowed) {
              ++allowed;
              continue;
            }
            timer.expires_after(admission->retry_after);
            auto waiting = timer.async_wait(asio::use_awaitable);
            co_await std::move(waiting);
          }
        },
        asio::use_future));
  }
  for (auto& loop : loops) loop.get();
  const double seconds = std::chrono::duration<double>(duration).count();
  std::printf("[ budget   ] %d calls in %.1f s across 3 replicas at %.0f/s\n", allowed.load(), seconds, rate);
  EXPECT_LE(allowed.load(), static_cast<int>(rate * seconds * 1.05) + 1);
  // And the budget is used, not starved (each refusal costs a round trip: a loaded machine
  // leaves some turns unused).
  EXPECT_GE(allowed.load(), static_cast<int>(rate * seconds * 0.5));
}

}  // namespace
}  // namespace coinfan::shared
