#pragma once
// Circuit breaker state machine, free of I/O and clocks: the caller passes `now`.
// closed --N consecutive failures--> open --cool-down--> half_open --probe succeeds--> closed
//                                     ^------------------probe fails------------------'
// Outcomes are reported with the ticket that admitted the call, so a late answer from an older
// state never flips the current one.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace coinfan::upstream {

enum class BreakerState { closed, open, half_open };

std::string_view to_string(BreakerState state) noexcept;

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  struct Ticket {
    bool admitted = false;
    bool probe = false;  // the single half-open trial call
    std::uint64_t generation = 0;
  };

  // `failure_threshold` 0 disables the breaker (every call is admitted).
  CircuitBreaker(unsigned failure_threshold, std::chrono::milliseconds cooldown) noexcept;

  // Admits a call, or not (open, or half-open with its probe already in flight).
  Ticket admit(Clock::time_point now) noexcept;

  // The call reached the gateway and got an answer it can use (any HTTP status below 500).
  void on_success(const Ticket& ticket) noexcept;
  // The gateway is unhealthy: no answer (timeout, unreachable, TLS) or a 5xx.
  void on_failure(const Ticket& ticket, Clock::time_point now) noexcept;
  // The call says nothing about the gateway (cancelled, local limit); frees a half-open probe.
  void on_neutral(const Ticket& ticket) noexcept;

  BreakerState state(Clock::time_point now) const noexcept;
  unsigned consecutive_failures() const noexcept { return failures_; }
  // When an open breaker lets its next probe through.
  Clock::time_point reopens_at() const noexcept { return opened_at_ + cooldown_; }

 private:
  void transition(BreakerState next, Clock::time_point now) noexcept;

  unsigned threshold_;
  std::chrono::milliseconds cooldown_;
  BreakerState state_ = BreakerState::closed;
  unsigned failures_ = 0;
  bool probe_in_flight_ = false;
  std::uint64_t generation_ = 0;
  Clock::time_point opened_at_{};
};

}  // namespace coinfan::upstream
