#pragma once
// Rate limit for repeated log lines: at most one line per window, with the number of lines held
// back since the last one written. Pure: the caller passes the time; not thread-safe (callers
// hold it under their own lock or strand).

#include <chrono>
#include <cstdint>
#include <optional>

namespace coinfan::log {

// `TimePoint`: a steady clock's, or a wall clock's (which can step back: a line whose time is
// before the last written one is let through, so a stepped clock never silences the log).
template <typename TimePoint>
class BasicThrottle {
 public:
  explicit BasicThrottle(std::chrono::milliseconds window) noexcept : window_(window) {}

  // The line may be written now: the count of lines held back since the last written one
  // (0 for the first). nullopt: hold it back (it is counted).
  std::optional<std::uint64_t> admit(TimePoint now) noexcept {
    if (written_ && now >= *written_ && now - *written_ < window_) {
      ++suppressed_;
      return std::nullopt;
    }
    written_ = now;
    const auto held_back = suppressed_;
    suppressed_ = 0;
    return held_back;
  }
  // Lines held back since the last written one.
  std::uint64_t suppressed() const noexcept { return suppressed_; }
  // Forgets the last line: the next one is written at once.
  void reset() noexcept {
    written_.reset();
    suppressed_ = 0;
  }

 private:
  std::chrono::milliseconds window_;
  std::optional<TimePoint> written_;
  std::uint64_t suppressed_ = 0;
};

class Throttle : public BasicThrottle<std::chrono::steady_clock::time_point> {
 public:
  using Clock = std::chrono::steady_clock;
  using BasicThrottle::BasicThrottle;
};

// Repeated warnings about one gateway: at most one a minute.
inline constexpr std::chrono::minutes repeat_window{1};

}  // namespace coinfan::log
