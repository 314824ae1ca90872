// The token-refresh policy over explicit times: when a cached credential is used, when it is
// renewed, and what happens after the provider refuses one; and the steps of a renewal
// through the replicas' store (SharedRenewal).

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

TEST(TokenRefreshPolicy, ARefusedCredentialFromTheReplicasStoreIsRenewedOnceAndRetried) {
  // Another replica renewed it; the provider may have revoked it since.
  EXPECT_TRUE(policy.retry_after_refusal(1, CredentialOrigin::shared));
  EXPECT_FALSE(policy.retry_after_refusal(2, CredentialOrigin::shared));
}

// --- SharedRenewal ---------------------------------------------------------------------------

const std::chrono::steady_clock::time_point s0{std::chrono::seconds(100)};
const auto give_up_at = s0 + 5s;

SharedRenewal first_renewal() { return SharedRenewal(policy, std::nullopt, give_up_at); }
SharedRenewal after_refusal_of(std::string refused) { return SharedRenewal(policy, std::move(refused), give_up_at); }

TEST(SharedRenewal, StartsByLookingAtTheStore) { EXPECT_EQ(SharedRenewal::first(), ShareStep::look); }

TEST(SharedRenewal, AStoredCredentialValidBeyondTheMarginIsUsedInsteadOfRenewing) {
  EXPECT_EQ(first_renewal().looked(t0, expiring_at(t0 + 61s)), ShareStep::use_stored);
  EXPECT_EQ(first_renewal().looked(t0, expiring_at(t0 + 2h)), ShareStep::use_stored);
}

TEST(SharedRenewal, NothingStoredMeansAskingForTheLease) {
  EXPECT_EQ(first_renewal().looked(t0, std::nullopt), ShareStep::claim_lease);
}

TEST(SharedRenewal, AStoredCredentialWithinTheMarginIsRenewedUnderTheLease) {
  EXPECT_EQ(first_renewal().looked(t0, expiring_at(t0 + 60s)), ShareStep::claim_lease);
  EXPECT_EQ(first_renewal().looked(t0, expiring_at(t0 - 1s)), ShareStep::claim_lease);
}

TEST(SharedRenewal, TheCredentialTheProviderRefusedIsRemovedNeverUsedEvenBeforeItsExpiry) {
  EXPECT_EQ(after_refusal_of("secret").looked(t0, expiring_at(t0 + 2h)), ShareStep::discard_refused);
  EXPECT_EQ(after_refusal_of("secret").looked(t0, expiring_at(t0 + 1s)), ShareStep::discard_refused);
}

TEST(SharedRenewal, AfterARefusalANewerCredentialAnotherReplicaStoredIsUsed) {
  const IssuedCredential newer{"newer", t0 + 2h};
  EXPECT_EQ(after_refusal_of("secret").looked(t0, newer), ShareStep::use_stored);
}

TEST(SharedRenewal, AfterARefusalWithNothingStoredTheLeaseIsAskedFor) {
  EXPECT_EQ(after_refusal_of("secret").looked(t0, std::nullopt), ShareStep::claim_lease);
}

TEST(SharedRenewal, RemovingTheRefusedCredentialLeadsToTheLease) {
  EXPECT_EQ(after_refusal_of("secret").discarded(true, s0), ShareStep::claim_lease);
}

TEST(SharedRenewal, ARefusedCredentialAlreadyReplacedOrRemovedMeansLookingAgain) {
  EXPECT_EQ(after_refusal_of("secret").discarded(false, s0), ShareStep::look);
  EXPECT_EQ(after_refusal_of("secret").discarded(false, give_up_at), ShareStep::renew_alone);
}

TEST(SharedRenewal, TheLeaseHolderRenewsForAll) {
  EXPECT_EQ(first_renewal().claimed(true, s0), ShareStep::renew);
  // Even past the waiting bound: it holds the lease now.
  EXPECT_EQ(first_renewal().claimed(true, give_up_at + 1s), ShareStep::renew);
}

TEST(SharedRenewal, WhileAnotherReplicaHoldsTheLeaseItsCredentialIsAwaitedThenLookedFor) {
  EXPECT_EQ(first_renewal().claimed(false, s0), ShareStep::wait);
  EXPECT_EQ(first_renewal().claimed(false, give_up_at - 1ms), ShareStep::wait);
  EXPECT_EQ(SharedRenewal::waited(), ShareStep::look);
}

TEST(SharedRenewal, WaitingEndsWhenTheLeaseWouldSurelyHaveExpiredAndTheReplicaRenewsAlone) {
  EXPECT_EQ(first_renewal().claimed(false, give_up_at), ShareStep::renew_alone);
  EXPECT_EQ(first_renewal().claimed(false, give_up_at + 1h), ShareStep::renew_alone);
}

TEST(SharedRenewal, AWaiterTakesTheLeaseOverOnceItIsFreeAgain) {
  // A holder that died: its lease expires in Redis, the next claim takes it.
  const auto renewal = first_renewal();
  EXPECT_EQ(renewal.claimed(false, s0), ShareStep::wait);
  EXPECT_EQ(renewal.looked(t0, std::nullopt), ShareStep::claim_lease);
  EXPECT_EQ(renewal.claimed(true, s0 + 1s), ShareStep::renew);
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
