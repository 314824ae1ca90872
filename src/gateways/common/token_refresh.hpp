#pragma once
// The one renewal policy for credentials a provider issues (the TruBit token, the Kuna JWT),
// I/O-free: given the time and what is cached, it decides whether a call uses the cached
// credential or renews it first, and whether a call the provider refused is tried again.
// With replicas sharing credentials (shared.redis.share_credentials), SharedRenewal decides
// the steps of one renewal through their common store. The async side
// (AdapterBase::with_issued_credential) only executes these decisions.
// Static credentials (a configured TruBit token, a Kuna api-key) never come here.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace coinfan::gateways {

using CredentialClock = std::chrono::system_clock;

// A credential as the provider issued it.
struct IssuedCredential {
  std::string value;  // never logged, never placed in an error detail
  CredentialClock::time_point expires_at{};
};

enum class CredentialStep { use_cached, renew };
// Where the credential a call used came from: this adapter's cache, the replicas' store (issued
// to another replica, possibly revoked since), or the provider for this very call.
enum class CredentialOrigin { cached, shared, renewed };

class TokenRefreshPolicy {
 public:
  // A call attempt is at most this many: the first, and one after a refusal.
  static constexpr unsigned max_attempts = 2;

  // `margin`: a credential this close to its expiry is renewed before use, so it cannot
  // expire in flight.
  explicit constexpr TokenRefreshPolicy(std::chrono::seconds margin) noexcept : margin_(margin) {}

  // Before attempt `attempt` (1 = first) of a call: the cached credential (nullopt: none) is
  // used while it stays valid beyond now + margin; otherwise, and always on a retry, renew.
  CredentialStep before_attempt(unsigned attempt, CredentialClock::time_point now,
                                const std::optional<IssuedCredential>& cached) const noexcept {
    if (attempt == 1 && cached && usable(now, *cached)) return CredentialStep::use_cached;
    return CredentialStep::renew;
  }

  // Whether `credential` stays valid beyond now + margin.
  bool usable(CredentialClock::time_point now, const IssuedCredential& credential) const noexcept {
    return now + margin_ < credential.expires_at;
  }

  // After the provider refused the credential (auth_failed) on attempt `attempt`: renew once
  // and retry only when the refused credential was not issued for this call (the cache's or
  // the replicas' store's may have been revoked before its expiry). A credential renewed for
  // this very call that is refused would be refused again, and a retry is never retried: no
  // loop.
  bool retry_after_refusal(unsigned attempt, CredentialOrigin used) const noexcept {
    return attempt < max_attempts && used != CredentialOrigin::renewed;
  }

  std::chrono::seconds margin() const noexcept { return margin_; }

 private:
  std::chrono::seconds margin_;
};

// One step of a renewal through the replicas' store (one credential per gateway account, and
// a short lease that lets one replica renew it for all).
enum class ShareStep {
  look,             // read what the store holds
  use_stored,       // it holds a good credential: use it (and cache it)
  discard_refused,  // it still holds the credential the provider refused: remove exactly that one
  claim_lease,      // nothing usable stored: ask for the renewal lease
  renew,            // this replica holds the lease: renew, store the result, hand the lease back
  wait,             // another replica holds it: pause for poll_interval, then look again
  renew_alone,      // waited as long as a lease can last: renew without the store
};

// The decisions of one renewal through the store, over explicit times. A store that cannot
// answer is not its concern: the caller then renews alone (degrade, never fail).
class SharedRenewal {
 public:
  static constexpr std::chrono::milliseconds poll_interval{15};
  using SteadyTime = std::chrono::steady_clock::time_point;

  // `refused`: the credential the provider has just refused (nullopt: none, e.g. a first or
  // a before-expiry renewal). Waiting for another replica's renewal ends at `give_up_at`
  // (when a lease it never handed back has surely expired).
  SharedRenewal(TokenRefreshPolicy policy, std::optional<std::string> refused, SteadyTime give_up_at)
      : policy_(policy), refused_(std::move(refused)), give_up_at_(give_up_at) {}

  static constexpr ShareStep first() noexcept { return ShareStep::look; }

  // The store holds `stored` (nullopt: nothing). The refused credential is removed, never
  // used; any other one valid beyond the policy's margin is used; otherwise renew, under the
  // lease.
  ShareStep looked(CredentialClock::time_point now, const std::optional<IssuedCredential>& stored) const noexcept {
    if (stored && refused_ && stored->value == *refused_) return ShareStep::discard_refused;
    if (stored && policy_.usable(now, *stored)) return ShareStep::use_stored;
    return ShareStep::claim_lease;
  }

  // The refused credential was removed (`removed`), or the store held another one by then
  // (another replica renewed or removed it first): look again.
  ShareStep discarded(bool removed, SteadyTime now) const noexcept {
    if (removed) return ShareStep::claim_lease;
    return now < give_up_at_ ? ShareStep::look : ShareStep::renew_alone;
  }

  // This replica took the lease (`taken`), or another one holds it: wait for its credential
  // (or for its lease to expire, then take it over).
  ShareStep claimed(bool taken, SteadyTime now) const noexcept {
    if (taken) return ShareStep::renew;
    return now < give_up_at_ ? ShareStep::wait : ShareStep::renew_alone;
  }

  static constexpr ShareStep waited() noexcept { return ShareStep::look; }

  const std::optional<std::string>& refused() const noexcept { return refused_; }

 private:
  TokenRefreshPolicy policy_;
  std::optional<std::string> refused_;
  SteadyTime give_up_at_;
};

// The cached credential of one adapter. Thread-safe: adapters are called from several I/O
// threads.
class CachedCredential {
 public:
  std::optional<IssuedCredential> current() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  void store(IssuedCredential credential) {
    std::lock_guard lock(mutex_);
    value_ = std::move(credential);
  }

 private:
  mutable std::mutex mutex_;
  std::optional<IssuedCredential> value_;
};

}  // namespace coinfan::gateways
