#include "coinfan/core/metrics.hpp"

#include <algorithm>

namespace coinfan::metrics {

void Durations::observe(std::chrono::microseconds elapsed) noexcept {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, elapsed.count()));
  std::size_t bucket = 0;
  while (bucket < kDurationBucketsUs.size() && us > kDurationBucketsUs[bucket]) ++bucket;
  ++buckets[bucket];
  ++count;
  sum_us += us;
}

void DurationFamily::observe(std::initializer_list<std::string_view> labels, std::chrono::microseconds elapsed) {
  std::lock_guard lock(mutex_);
  auto it = series_.find(labels);
  if (it == series_.end()) it = series_.emplace(Labels(labels.begin(), labels.end()), Durations{}).first;
  it->second.observe(elapsed);
}

std::vector<std::pair<DurationFamily::Labels, Durations>> DurationFamily::snapshot() const {
  std::lock_guard lock(mutex_);
  return {series_.begin(), series_.end()};
}

void family_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

std::string seconds_text(std::uint64_t us) {
  return std::to_string(us / 1000000) + "." + std::to_string(1000000 + us % 1000000).substr(1);
}

}  // namespace coinfan::metrics
