#include "coinfan/upstream/circuit_breaker.hpp"

namespace coinfan::upstream {

std::string_view to_string(BreakerState state) noexcept {
  switch (state) {
    case BreakerState::closed:
      return "closed";
    case BreakerState::open:
      return "open";
    case BreakerState::half_open:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(unsigned failure_threshold,
                               std::chrono::milliseconds cooldown) noexcept
    : threshold_(failure_threshold), cooldown_(cooldown) {}

void CircuitBreaker::transition(BreakerState next, Clock::time_point now) noexcept {
  state_ = next;
  ++generation_;
  probe_in_flight_ = false;
  if (next == BreakerState::open) opened_at_ = now;
  if (next == BreakerState::closed) failures_ = 0;
}

CircuitBreaker::Ticket CircuitBreaker::admit(Clock::time_point now) noexcept {
  if (threshold_ == 0) return Ticket{true, false, generation_};
  if (state_ == BreakerState::open && now >= opened_at_ + cooldown_) {
    transition(BreakerState::half_open, now);
  }
  switch (state_) {
    case BreakerState::closed:
      return Ticket{true, false, generation_};
    case BreakerState::open:
      return Ticket{false, false, generation_};
    case BreakerState::half_open:
      if (probe_in_flight_) return Ticket{false, false, generation_};
      probe_in_flight_ = true;
      return Ticket{true, true, generation_};
  }
  return Ticket{};
}

void CircuitBreaker::on_success(const Ticket& ticket) noexcept {
  if (threshold_ == 0 || !ticket.admitted || ticket.generation != generation_) return;
  if (state_ == BreakerState::half_open && ticket.probe) {
    transition(BreakerState::closed, opened_at_);
  } else if (state_ == BreakerState::closed) {
    failures_ = 0;
  }
}

void CircuitBreaker::on_failure(const Ticket& ticket, Clock::time_point now) noexcept {
  if (threshold_ == 0 || !ticket.admitted || ticket.generation != generation_) return;
  if (state_ == BreakerState::half_open && ticket.probe) {
    ++failures_;
    transition(BreakerState::open, now);
  } else if (state_ == BreakerState::closed) {
    if (++failures_ >= threshold_) transition(BreakerState::open, now);
  }
}

void CircuitBreaker::on_neutral(const Ticket& ticket) noexcept {
  if (threshold_ == 0 || !ticket.admitted || ticket.generation != generation_) return;
  if (state_ == BreakerState::half_open && ticket.probe) probe_in_flight_ = false;
}

BreakerState CircuitBreaker::state(Clock::time_point now) const noexcept {
  if (state_ == BreakerState::open && now >= opened_at_ + cooldown_) return BreakerState::half_open;
  return state_;
}

}  // namespace coinfan::upstream
