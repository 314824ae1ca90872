// The simulators' token book: issued tokens work until their expiry, unknown ones never, and
// expire_all() ends every token at once.

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "sim/tokens.hpp"

namespace coinfan::sim {
namespace {

using namespace std::chrono_literals;
using Status = TokenStore::Status;
const TokenStore::TimePoint t0{std::chrono::seconds(1'750'000'000)};

TEST(SimTokenStore, IssuedTokenIsValidUntilItsExpiry) {
  TokenStore store;
  store.issue("abc", t0 + 60s, t0);
  EXPECT_EQ(store.check("abc", t0), Status::valid);
  EXPECT_EQ(store.check("abc", t0 + 59s), Status::valid);
  EXPECT_EQ(store.check("abc", t0 + 60s), Status::expired);
  EXPECT_EQ(store.check("abd", t0), Status::unknown);
  EXPECT_EQ(store.check("", t0), Status::unknown);
}

TEST(SimTokenStore, ExpireAllEndsEveryTokenIncludingAcceptedOnes) {
  TokenStore store;
  store.issue("issued", t0 + 1h, t0);
  store.accept("dashboard", TokenStore::TimePoint::max());
  EXPECT_EQ(store.check("dashboard", t0 + 24h), Status::valid);
  store.expire_all();
  EXPECT_EQ(store.check("issued", t0), Status::expired);
  EXPECT_EQ(store.check("dashboard", t0), Status::expired);
}

TEST(SimTokenStore, CountsIssuedTokensButNotAcceptedOnes) {
  TokenStore store;
  store.accept("dashboard", TokenStore::TimePoint::max());
  store.issue("a", t0 + 1s, t0);
  store.issue("b", t0 + 1s, t0);
  EXPECT_EQ(store.issued(), 2u);
}

TEST(SimTokenStore, UniqueIdsNeverRepeat) {
  TokenStore store;
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(store.unique_id(1));  // one random byte: the counter decides
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(SimTokenStore, AFullBookForgetsExpiredTokensOnly) {
  TokenStore store;
  for (std::size_t i = 0; i < TokenStore::max_kept; ++i) store.issue("old" + std::to_string(i), t0 + 1s, t0);
  store.issue("live", t0 + 1h, t0);
  store.issue("new", t0 + 1h, t0 + 2s);  // the book is full: the expired "old" tokens go
  EXPECT_EQ(store.check("old0", t0 + 2s), Status::unknown);
  EXPECT_EQ(store.check("live", t0 + 2s), Status::valid);
  EXPECT_EQ(store.check("new", t0 + 2s), Status::valid);
}

}  // namespace
}  // namespace coinfan::sim
