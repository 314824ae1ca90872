#pragma once
// Token-bucket rate limit, free of I/O and clocks: the caller passes `now`. A caller reserves a
// token and learns how long to wait before using it, so waiters are served in order without a
// queue; a reservation that would wait past the caller's deadline is refused and costs nothing.

#include <chrono>
#include <optional>

namespace coinfan::upstream {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate_per_second` <= 0 means unlimited. `burst` < 1 means max(1, rate_per_second).
  TokenBucket(double rate_per_second, double burst, Clock::time_point now) noexcept;

  // Reserves one token; returns the wait before it may be used, or nullopt (nothing reserved)
  // when that wait would exceed `max_wait`.
  std::optional<Clock::duration> reserve(Clock::time_point now, Clock::duration max_wait) noexcept;
  // Gives back a reserved token that was never used (its caller gave up while waiting).
  void refund() noexcept;

  bool unlimited() const noexcept { return rate_ <= 0.0; }
  double available(Clock::time_point now) noexcept;

 private:
  void refill(Clock::time_point now) noexcept;

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace coinfan::upstream
