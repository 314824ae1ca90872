#pragma once
// The session tokens a simulated provider has issued (TruBit's X-BH-TOKEN, Kuna's access JWT),
// each with the moment it stops working. Not thread-safe: the provider guards it with its own
// mutex, together with the account the tokens belong to.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace coinfan::sim {

class TokenStore {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  // Past this many, issuing a token first forgets the expired ones.
  static constexpr std::size_t max_kept = 10000;

  enum class Status { valid, unknown, expired };

  // A fresh id: `random_bytes` random bytes in hex, then a counter, so no two ids are equal.
  std::string unique_id(std::size_t random_bytes);
  // Remembers an issued `token` until `expires_at` and counts it.
  void issue(std::string token, TimePoint expires_at, TimePoint now);
  // Accepts `token` until `expires_at` (or expire_all()) without counting it as issued (a token
  // made elsewhere, e.g. in a dashboard).
  void accept(std::string token, TimePoint expires_at);

  Status check(std::string_view token, TimePoint now) const;
  // Every token known so far is expired from now on.
  void expire_all();
  std::size_t issued() const noexcept { return issued_; }

 private:
  std::unordered_map<std::string, TimePoint> tokens_;  // token -> when it stops working
  std::size_t issued_ = 0;
  std::uint64_t counter_ = 0;
};

}  // namespace coinfan::sim
