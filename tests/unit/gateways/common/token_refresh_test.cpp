// The token-refresh policy over explicit times: when a cached credential is used, when it is
// renewed, and what happens after the provider refuses one.

#include "gateways/common/token_refresh.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways {
namespace {

using namespace std::chrono_literals;

const CredentialClock::time_point t0{std::chrono::seconds(1'700'000'000)};
constexpr TokenRefreshPolicy policy(60s);

IssuedCredential expiring_at(CredentialClock::time_point at) { return {"secret", at}; }

TEST(TokenRefreshPolicy, WithNothingCachedTheFirstAttemptRenews) {
  EXPECT_EQ(policy.before_attempt(1, t0, std::nullopt), CredentialStep::renew);
}

TEST(TokenRefreshPolicy, ACredentialValidBeyondTheMarginIsUsed) {
  EXPECT_EQ(policy.before_attempt(1, t0, expiring_at(t0 + 61s)), CredentialStep::use_cached);
  EXPECT_EQ(policy.before_attempt(1, t0, expiring_at(t0 + 2h)), CredentialStep::use_cached);
}

TEST(TokenRefreshPolicy, ACredentialWithinTheMarginOfItsExpiryIsRenewedBeforeUse) {
  EXPECT_EQ(policy.before_attempt(1, t0, expiring_at(t0 + 60s)), CredentialStep::renew);
  EXPECT_EQ(policy.before_attempt(1, t0, expiring_at(t0 + 1s)), CredentialStep::renew);
}

TEST(TokenRefreshPolicy, AnExpiredCredentialIsRenewed) {
  EXPECT_EQ(policy.before_attempt(1, t0, expiring_at(t0 - 1s)), CredentialStep::renew);
}

TEST(TokenRefreshPolicy, TheSameCredentialIsRenewedOnceTheClockReachesTheMargin) {
  const auto cached = expiring_at(t0 + 2h);
  EXPECT_EQ(policy.before_attempt(1, t0 + 2h - 61s, cached), CredentialStep::use_cached);
  EXPECT_EQ(policy.before_attempt(1, t0 + 2h - 60s, cached), CredentialStep::renew);
}

TEST(TokenRefreshPolicy, ARetryAlwaysRenewsEvenWhenTheCacheLooksValid) {
  EXPECT_EQ(policy.before_attempt(2, t0, expiring_at(t0 + 2h)), CredentialStep::renew);
}

TEST(TokenRefreshPolicy, ARefusedCachedCredentialIsRenewedOnceAndRetried) {
  EXPECT_TRUE(policy.retry_after_refusal(1, CredentialOrigin::cached));
}

TEST(TokenRefreshPolicy, ARefusedRetryIsNeverRetriedAgain) {
  EXPECT_FALSE(policy.retry_after_refusal(2, CredentialOrigin::renewed));
  EXPECT_FALSE(policy.retry_after_refusal(2, CredentialOrigin::cached));
  EXPECT_FALSE(policy.retry_after_refusal(TokenRefreshPolicy::max_attempts, CredentialOrigin::cached));
}

TEST(TokenRefreshPolicy, AFreshlyRenewedCredentialThatIsRefusedIsNotRenewedAgain) {
  EXPECT_FALSE(policy.retry_after_refusal(1, CredentialOrigin::renewed));
}

TEST(CachedCredential, KeepsTheLastStoredCredential) {
  CachedCredential cache;
  EXPECT_FALSE(cache.current());
  cache.store({"first", t0 + 1h});
  cache.store({"second", t0 + 2h});
  const auto current = cache.current();
  ASSERT_TRUE(current);
  EXPECT_EQ(current->value, "second");
  EXPECT_EQ(current->expires_at, t0 + 2h);
}

}  // namespace
}  // namespace coinfan::gateways
