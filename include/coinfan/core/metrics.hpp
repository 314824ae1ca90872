#pragma once
// Counters for /metrics that carry labels: durations (a count, a sum and a histogram) keyed by a
// fixed number of label values. Thread-safe; pure (no I/O, no clock: callers pass durations).
// Label values must come from a bounded set (route templates, operation names, error codes),
// never from request data, so that the number of series stays bounded.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinfan::metrics {

// Upper bounds (inclusive, microseconds) of the duration histograms; one more bucket for +Inf.
inline constexpr std::array<std::uint64_t, 14> kDurationBucketsUs = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000};

struct Durations {
  std::array<std::uint64_t, kDurationBucketsUs.size() + 1> buckets{};  // not cumulative
  std::uint64_t count = 0;
  std::uint64_t sum_us = 0;

  void observe(std::chrono::microseconds elapsed) noexcept;
};

// Durations by label values (in the order the family names its labels).
class DurationFamily {
 public:
  using Labels = std::vector<std::string>;

  void observe(std::initializer_list<std::string_view> labels, std::chrono::microseconds elapsed);
  // Every series seen so far, ordered by label values.
  std::vector<std::pair<Labels, Durations>> snapshot() const;

 private:
  // Orders label lists of any string type alike, so a lookup needs no Labels built.
  struct LabelsLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };
  mutable std::mutex mutex_;
  std::map<Labels, Durations, LabelsLess> series_;
};

// Appends the `# HELP` and `# TYPE` lines of a family to `out`.
void family_header(std::string& out, std::string_view name, std::string_view type, std::string_view help);

// Seconds with six decimals (Prometheus sample values), from microseconds.
std::string seconds_text(std::uint64_t us);

}  // namespace coinfan::metrics
