#include "coinfan/upstream/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace coinfan::upstream {

TokenBucket::TokenBucket(double rate_per_second, double burst, Clock::time_point now) noexcept
    : rate_(std::isfinite(rate_per_second) && rate_per_second > 0.0 ? rate_per_second : 0.0),
      burst_(burst >= 1.0 ? burst : std::max(1.0, rate_)),
      tokens_(burst_),
      last_(now) {}

void TokenBucket::refill(Clock::time_point now) noexcept {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

std::optional<TokenBucket::Clock::duration> TokenBucket::reserve(
    Clock::time_point now, Clock::duration max_wait) noexcept {
  if (unlimited()) return Clock::duration::zero();
  refill(now);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return Clock::duration::zero();
  }
  // The token this caller gets is the one that accrues after every earlier reservation's.
  const double wait_seconds = (1.0 - tokens_) / rate_;
  const auto wait = std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(wait_seconds));
  if (wait > max_wait) return std::nullopt;
  tokens_ -= 1.0;
  return wait;
}

void TokenBucket::refund() noexcept {
  if (!unlimited()) tokens_ = std::min(burst_, tokens_ + 1.0);
}

double TokenBucket::available(Clock::time_point now) noexcept {
  if (unlimited()) return burst_;
  refill(now);
  return tokens_;
}

}  // namespace coinfan::upstream
