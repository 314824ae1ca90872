#pragma once
// When and how long to wait before retrying a read: full-jitter exponential backoff, Retry-After
// on 429/503, all within the request's deadline. Pure functions over values.

#include <chrono>
#include <optional>
#include <string_view>

namespace coinfan::upstream {

// Uniform in [0, min(cap, base * 2^retry_index)); `unit_random` is uniform in [0, 1).
std::chrono::milliseconds full_jitter_backoff(unsigned retry_index, std::chrono::milliseconds base,
                                              std::chrono::milliseconds cap,
                                              double unit_random) noexcept;

// Statuses a read is retried on: 429, 500, 502, 503, 504.
bool is_retryable_status(unsigned status) noexcept;
// Retry-After is honoured on 429 and 503 (RFC 9110 §10.2.3).
bool honours_retry_after(unsigned status) noexcept;

// Retry-After as delta-seconds or HTTP-date (IMF-fixdate, RFC 850, asctime): the wait from
// `now`, zero for a date already past, nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

struct RetryInput {
  bool idempotent = false;
  unsigned retries_done = 0;
  unsigned max_retries = 0;
  bool transient = false;  // the outcome may well differ next time
  std::optional<std::chrono::milliseconds> retry_after;
  std::chrono::milliseconds remaining{0};  // until the request deadline
  double unit_random = 0.0;
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{2000};
};

// The wait before the next attempt, or nullopt when the call stops with the outcome it has:
// a write, a permanent outcome, retries used up, or a wait that would not end before the deadline.
std::optional<std::chrono::milliseconds> next_retry_delay(const RetryInput& input) noexcept;

}  // namespace coinfan::upstream
