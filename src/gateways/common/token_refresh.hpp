#pragma once
// The one renewal policy for credentials a provider issues (the TruBit token, the Kuna JWT),
// I/O-free: given the time and what is cached, it decides whether a call uses the cached
// credential or renews it first, and whether a call the provider refused is tried again.
// The async side (AdapterBase::with_issued_credential) only executes these decisions.
// Static credentials (a configured TruBit token, a Kuna api-key) never come here.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace coinfan::gateways {

using CredentialClock = std::chrono::system_clock;

// A credential as the provider issued it.
struct IssuedCredential {
  std::string value;  // never logged, never placed in an error detail
  CredentialClock::time_point expires_at{};
};

enum class CredentialStep { use_cached, renew };
enum class CredentialOrigin { cached, renewed };

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
    if (attempt == 1 && cached && now + margin_ < cached->expires_at) return CredentialStep::use_cached;
    return CredentialStep::renew;
  }

  // After the provider refused the credential (auth_failed) on attempt `attempt`: renew once
  // and retry only when the refused credential came from the cache (it may have been revoked
  // before its expiry). A credential renewed for this very call that is refused would be
  // refused again, and a retry is never retried: no loop.
  bool retry_after_refusal(unsigned attempt, CredentialOrigin used) const noexcept {
    return attempt < max_attempts && used == CredentialOrigin::cached;
  }

  std::chrono::seconds margin() const noexcept { return margin_; }

 private:
  std::chrono::seconds margin_;
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
