// The replicas' credential store in Debian's real redis-server: the stored form and its PX,
// the renewal lease (taken once, handed back only by its holder, taken over once a dead
// holder's expires), the refused credential removed only while it is still the stored one,
// and a Redis that cannot answer reported as such without the credential in any detail.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/shared/credentials.hpp"
#include "coinfan/shared/redis.hpp"
#include "gateways/common/credential_share.hpp"
#include "support/logged_process.hpp"
#include "support/ports.hpp"
#include "support/redis_server.hpp"

namespace coinfan::shared {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using gateways::CredentialClock;
using gateways::IssuedCredential;

class CredentialStore : public ::testing::Test {
 protected:
  CredentialStore() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~CredentialStore() override {
    share_.reset();
    redis_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // A share of account `gw-1` in the Redis on `port`, recording every call's outcome.
  void connect(std::uint16_t port) {
    RedisOptions options;
    options.endpoint.port = port;
    options.timeout = 500ms;
    redis_ = RedisClient::create(io_.get_executor(), options);
    SharedCredentials credentials(redis_, "creds-test:");
    share_ = credentials.account("gw-1", [this](const Error* failure) {
      std::lock_guard lock(mutex_);
      outcomes_.push_back(failure ? std::optional<Error>(*failure) : std::nullopt);
    });
  }

  template <typename T>
  T run(asio::awaitable<T> operation) {
    return asio::co_spawn(io_, std::move(operation), asio::use_future).get();
  }
  RedisValue redis(std::vector<std::string> argv) {
    auto reply = run(redis_->command(std::move(argv)));
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : RedisValue{};
  }
  std::vector<std::optional<Error>> outcomes() {
    std::lock_guard lock(mutex_);
    return outcomes_;
  }

  static IssuedCredential credential(std::string value, std::chrono::milliseconds from_now) {
    return {std::move(value), std::chrono::time_point_cast<std::chrono::milliseconds>(CredentialClock::now() + from_now)};
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::shared_ptr<RedisClient> redis_;
  std::shared_ptr<gateways::CredentialShare> share_;
  std::mutex mutex_;
  std::vector<std::optional<Error>> outcomes_;
};

TEST_F(CredentialStore, AStoredCredentialComesBackWithItsExpiryAndLeavesRedisWhenItExpires) {
  const auto port = testing::free_port();
  testing::RedisServer server(port);
  connect(port);
  auto nothing = run(share_->load());
  ASSERT_TRUE(nothing.ok()) << nothing.error().detail;
  EXPECT_FALSE(*nothing);

  auto lease = run(share_->claim(5000ms));
  ASSERT_TRUE(lease.ok() && *lease);
  const auto issued = credential("tok en with a space", 2h);
  auto published = run(share_->publish(issued, 2h, **lease));
  ASSERT_TRUE(published.ok()) << published.error().detail;
  EXPECT_TRUE(*published);  // the lease was still this replica's, and is handed back

  auto loaded = run(share_->load());
  ASSERT_TRUE(loaded.ok() && *loaded);
  EXPECT_EQ((*loaded)->value, issued.value);
  EXPECT_EQ((*loaded)->expires_at, issued.expires_at);
  // The keys under the prefix, the expiry in ms since the epoch, and PX = the time left.
  const auto expiry = std::chrono::duration_cast<std::chrono::milliseconds>(issued.expires_at.time_since_epoch());
  EXPECT_EQ(redis({"GET", "creds-test:cred:gw-1"}).text, std::to_string(expiry.count()) + " " + issued.value);
  const std::chrono::milliseconds ttl(redis({"PTTL", "creds-test:cred:gw-1"}).integer);
  EXPECT_GT(ttl, 2h - 10s);
  EXPECT_LE(ttl, 2h);
  EXPECT_EQ(redis({"EXISTS", "creds-test:cred-lease:gw-1"}).integer, 0);
  for (const auto& outcome : outcomes()) EXPECT_FALSE(outcome);
}

TEST_F(CredentialStore, TheLeaseIsTakenOnceAndHandedBackOnlyByItsHolder) {
  const auto port = testing::free_port();
  testing::RedisServer server(port);
  connect(port);
  auto first = run(share_->claim(5000ms));
  ASSERT_TRUE(first.ok() && *first);
  const auto ttl = redis({"PTTL", "creds-test:cred-lease:gw-1"}).integer;
  EXPECT_GT(ttl, 4000);
  EXPECT_LE(ttl, 5000);
  auto second = run(share_->claim(5000ms));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);  // held

  auto not_mine = run(share_->release("someone else's token"));
  ASSERT_TRUE(not_mine.ok());
  EXPECT_FALSE(*not_mine);
  EXPECT_EQ(redis({"EXISTS", "creds-test:cred-lease:gw-1"}).integer, 1);
  auto mine = run(share_->release(**first));
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(*mine);
  auto again = run(share_->claim(5000ms));
  ASSERT_TRUE(again.ok() && *again);
  EXPECT_NE(**again, **first);  // every lease has its own token
}

TEST_F(CredentialStore, ALeaseItsHolderNeverHandedBackIsTakenOverOnceItExpires) {
  const auto port = testing::free_port();
  testing::RedisServer server(port);
  connect(port);
  // A replica that died while renewing: its lease, set by hand, lasts 300 ms.
  redis({"SET", "creds-test:cred-lease:gw-1", "dead-replica", "PX", "300"});
  auto held = run(share_->claim(5000ms));
  ASSERT_TRUE(held.ok());
  EXPECT_FALSE(*held);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::optional<std::string> taken;
  while (!taken && std::chrono::steady_clock::now() < deadline) {
    auto claim = run(share_->claim(5000ms));
    ASSERT_TRUE(claim.ok());
    taken = *claim;
  }
  ASSERT_TRUE(taken);
  EXPECT_EQ(redis({"GET", "creds-test:cred-lease:gw-1"}).text, *taken);
}

TEST_F(CredentialStore, ARefusedCredentialIsRemovedOnlyWhileItIsStillTheStoredOne) {
  const auto port = testing::free_port();
  testing::RedisServer server(port);
  connect(port);
  auto lease = run(share_->claim(5000ms));
  ASSERT_TRUE(lease.ok() && *lease);
  ASSERT_TRUE(run(share_->publish(credential("newer", 1h), 1h, **lease)).ok());

  // Another replica renewed already: the refused one is not there, the newer one stays.
  auto other = run(share_->discard("refused"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(*other);
  EXPECT_EQ(redis({"EXISTS", "creds-test:cred:gw-1"}).integer, 1);

  auto same = run(share_->discard("newer"));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(*same);
  EXPECT_EQ(redis({"EXISTS", "creds-test:cred:gw-1"}).integer, 0);
  auto gone = run(share_->discard("newer"));
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
}

TEST_F(CredentialStore, AValueItCannotReadCountsAsNothingStored) {
  const auto port = testing::free_port();
  testing::RedisServer server(port);
  connect(port);
  redis({"SET", "creds-test:cred:gw-1", "not-a-stored-form"});
  auto loaded = run(share_->load());
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(*loaded);
  // A key of another type is an unexpected reply: reported, named by Redis's error word only.
  redis({"DEL", "creds-test:cred:gw-1"});
  redis({"HSET", "creds-test:cred:gw-1", "value", "tok"});
  auto wrong = run(share_->load());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::bad_response);
  EXPECT_NE(wrong.error().detail.find("WRONGTYPE"), std::string::npos) << wrong.error().detail;
}

TEST_F(CredentialStore, ARedisThatCannotAnswerIsReportedWithoutTheCredential) {
  connect(testing::free_port());  // nothing listens there
  auto loaded = run(share_->load());
  ASSERT_FALSE(loaded.ok());
  auto lease = run(share_->claim(5000ms));
  ASSERT_FALSE(lease.ok());
  auto published = run(share_->publish(credential("live-token-123", 1h), 1h, "a-lease-token"));
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().detail.find("live-token-123"), std::string::npos) << published.error().detail;
  EXPECT_EQ(published.error().detail.find("a-lease-token"), std::string::npos) << published.error().detail;
  auto discarded = run(share_->discard("live-token-123"));
  ASSERT_FALSE(discarded.ok());
  EXPECT_EQ(discarded.error().detail.find("live-token-123"), std::string::npos);
  const auto all = outcomes();
  ASSERT_EQ(all.size(), 4u);
  for (const auto& outcome : all) {
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->detail.find("live-token-123"), std::string::npos);
  }
}

}  // namespace
}  // namespace coinfan::shared
