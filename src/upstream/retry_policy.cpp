#include "coinfan/upstream/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace coinfan::upstream {
namespace {

using std::chrono::milliseconds;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> to_int(std::string_view text) {
  if (!all_digits(text) || text.size() > 9) return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// Splits on runs of the given separators.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> split(std::string_view text, std::string_view seps) {
  std::array<std::string_view, N> out{};
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = text.find_first_not_of(seps, pos);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_of(seps, start);
    if (end == std::string_view::npos) end = text.size();
    if (count == N) return std::nullopt;
    out[count++] = text.substr(start, end - start);
    pos = end;
  }
  if (count != N) return std::nullopt;
  return out;
}

std::optional<int> month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == name) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct DateParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

std::optional<DateParts> parse_clock(std::string_view hms, DateParts parts) {
  const auto fields = split<3>(hms, ":");
  if (!fields) return std::nullopt;
  const auto h = to_int((*fields)[0]);
  const auto m = to_int((*fields)[1]);
  const auto s = to_int((*fields)[2]);
  if (!h || !m || !s || (*fields)[0].size() != 2 || (*fields)[1].size() != 2 ||
      (*fields)[2].size() != 2) {
    return std::nullopt;
  }
  parts.hour = *h;
  parts.minute = *m;
  parts.second = *s;
  return parts;
}

std::optional<DateParts> parse_http_date(std::string_view text) {
  DateParts parts;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (const auto f = split<6>(text, " "); f && (*f)[0].size() == 4 && (*f)[0].back() == ',') {
    const auto day = to_int((*f)[1]);
    const auto month = month_index((*f)[2]);
    const auto year = to_int((*f)[3]);
    if (!day || !month || !year || (*f)[3].size() != 4 || (*f)[5] != "GMT") return std::nullopt;
    parts.day = *day;
    parts.month = *month;
    parts.year = *year;
    return parse_clock((*f)[4], parts);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  if (const auto f = split<4>(text, " "); f && (*f)[0].back() == ',') {
    const auto date = split<3>((*f)[1], "-");
    if (!date || (*f)[3] != "GMT") return std::nullopt;
    const auto day = to_int((*date)[0]);
    const auto month = month_index((*date)[1]);
    const auto year = to_int((*date)[2]);
    if (!day || !month || !year || (*date)[2].size() != 2) return std::nullopt;
    parts.day = *day;
    parts.month = *month;
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    parts.year = *year + (*year < 70 ? 2000 : 1900);
    return parse_clock((*f)[2], parts);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (const auto f = split<5>(text, " ")) {
    const auto month = month_index((*f)[1]);
    const auto day = to_int((*f)[2]);
    const auto year = to_int((*f)[4]);
    if (!month || !day || !year || (*f)[4].size() != 4) return std::nullopt;
    parts.day = *day;
    parts.month = *month;
    parts.year = *year;
    return parse_clock((*f)[3], parts);
  }
  return std::nullopt;
}

}  // namespace

milliseconds full_jitter_backoff(unsigned retry_index, milliseconds base, milliseconds cap,
                                 double unit_random) noexcept {
  if (base.count() <= 0 || cap.count() <= 0) return milliseconds{0};
  // Doubling stops once it passes the cap, so large retry counts cannot overflow.
  std::int64_t ceiling = base.count();
  for (unsigned i = 0; i < retry_index && ceiling < cap.count(); ++i) ceiling *= 2;
  ceiling = std::min<std::int64_t>(ceiling, cap.count());
  const double unit = std::isfinite(unit_random) ? std::clamp(unit_random, 0.0, 1.0) : 0.0;
  const auto delay = static_cast<std::int64_t>(std::floor(unit * static_cast<double>(ceiling)));
  return milliseconds{std::min<std::int64_t>(delay, std::max<std::int64_t>(ceiling - 1, 0))};
}

bool is_retryable_status(unsigned status) noexcept {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool honours_retry_after(unsigned status) noexcept { return status == 429 || status == 503; }

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (all_digits(value)) {
    // Anything beyond a day is as good as "not within this request's deadline".
    constexpr std::int64_t kMaxSeconds = 86400;
    if (value.size() > 6) return milliseconds{kMaxSeconds * 1000};
    std::int64_t seconds = 0;
    std::from_chars(value.data(), value.data() + value.size(), seconds);
    return milliseconds{std::min(seconds, kMaxSeconds) * 1000};
  }
  const auto parts = parse_http_date(value);
  if (!parts || parts->month < 1 || parts->month > 12 || parts->day < 1 || parts->day > 31 ||
      parts->hour > 23 || parts->minute > 59 || parts->second > 60) {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(parts->year, static_cast<unsigned>(parts->month),
                                            static_cast<unsigned>(parts->day));
  const std::int64_t epoch_seconds =
      days * 86400 + parts->hour * 3600 + parts->minute * 60 + parts->second;
  const auto when = std::chrono::system_clock::time_point{std::chrono::seconds{epoch_seconds}};
  if (when <= now) return milliseconds{0};
  return std::chrono::ceil<milliseconds>(when - now);
}

std::optional<milliseconds> next_retry_delay(const RetryInput& input) noexcept {
  if (!input.idempotent || !input.transient || input.retries_done >= input.max_retries) {
    return std::nullopt;
  }
  const milliseconds delay = input.retry_after ? std::max(*input.retry_after, milliseconds{0})
                                               : full_jitter_backoff(input.retries_done, input.base,
                                                                     input.cap, input.unit_random);
  if (delay >= input.remaining) return std::nullopt;
  return delay;
}

}  // namespace coinfan::upstream
