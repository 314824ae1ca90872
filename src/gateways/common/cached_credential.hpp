#pragma once
// A credential an adapter obtained from its provider (TruBit token, Kuna JWT), reused until
// shortly before it expires. Thread-safe: adapters are called from several I/O threads.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace coinfan::gateways {

class CachedCredential {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // The credential when it stays valid beyond `now + margin`.
  std::optional<std::string> usable(TimePoint now, std::chrono::seconds margin) const {
    std::lock_guard lock(mutex_);
    if (value_ && now + margin < expires_at_) return value_;
    return std::nullopt;
  }

  void store(std::string value, TimePoint expires_at) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
    expires_at_ = expires_at;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<std::string> value_;
  TimePoint expires_at_{};
};

}  // namespace coinfan::gateways
