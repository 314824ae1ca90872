#include "coinfan/core/types.hpp"

#include <array>
#include <cstdio>

#include "coinfan/core/ascii.hpp"

namespace coinfan {

namespace {

std::string_view trim(std::string_view s) noexcept {
  constexpr std::string_view blanks = " \t\r\n";
  const auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(blanks);
  return s.substr(first, last - first + 1);
}

// Reads exactly `count` ASCII digits at `pos`; nullopt if any is not a digit.
std::optional<int> read_digits(std::string_view s, std::size_t pos, std::size_t count) {
  if (pos + count > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

std::optional<std::chrono::sys_days> make_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;  // rejects 2023-02-29, 2024-04-31, ...
  return std::chrono::sys_days{ymd};
}

}  // namespace

std::string_view to_string(RecordStatus status) noexcept {
  switch (status) {
    case RecordStatus::success: return "success";
    case RecordStatus::processing: return "processing";
    case RecordStatus::failed: return "failed";
  }
  return "processing";
}

RecordStatus normalise_record_status(std::string_view provider_status) {
  const std::string_view s = trim(provider_status);
  if (ascii::iequals(s, "success") || ascii::iequals(s, "succeeded") || ascii::iequals(s, "successful")) {
    return RecordStatus::success;
  }
  if (ascii::iequals(s, "failed") || ascii::iequals(s, "fail") || ascii::iequals(s, "failure")) {
    return RecordStatus::failed;
  }
  // "Processing" and anything unknown: claiming success or failure for a status we do not
  // understand could make a caller credit or retry a payment wrongly; processing means "ask
  // again later", the only safe reading. raw_status keeps the original text.
  return RecordStatus::processing;
}

std::optional<std::chrono::sys_seconds> utc_from_digit_fields(std::string_view text,
                                                              const std::array<std::size_t, 6>& offsets) {
  const auto year = read_digits(text, offsets[0], 4);
  const auto month = read_digits(text, offsets[1], 2);
  const auto day = read_digits(text, offsets[2], 2);
  const auto hour = read_digits(text, offsets[3], 2);
  const auto minute = read_digits(text, offsets[4], 2);
  const auto second = read_digits(text, offsets[5], 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  // A leap second (:60) has no sys_time value; reject it rather than guess.
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  const auto date = make_date(*year, *month, *day);
  if (!date) return std::nullopt;
  return std::chrono::sys_seconds{*date} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
         std::chrono::seconds{*second};
}

std::optional<TimePointMs> time_from_unix_seconds(std::int64_t seconds) {
  // 253402300799 is 9999-12-31T23:59:59Z, the last instant RFC 3339 can write.
  if (seconds <= 0 || seconds > 253402300799) return std::nullopt;
  return TimePointMs{std::chrono::seconds{seconds}};
}

std::string format_rfc3339_utc(TimePointMs time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{time - day};
  std::array<char, 64> buffer{};
  const int n = std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                              static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                              static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()),
                              static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()),
                              static_cast<int>(hms.subseconds().count()));
  return std::string(buffer.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::optional<TimePointMs> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDThh:mm:ss is 19 characters; an offset or 'Z' must follow.
  if (text.size() < 20 || text.size() > 64) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  const auto local = utc_from_digit_fields(text, {0, 5, 8, 11, 14, 17});
  if (!local) return std::nullopt;

  std::size_t pos = 19;
  int millis = 0;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t begin = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - begin < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - begin;
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos >= text.size()) return std::nullopt;
  std::chrono::minutes offset{0};
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const bool negative = text[pos] == '-';
    const auto off_hour = read_digits(text, pos + 1, 2);
    const auto off_minute = read_digits(text, pos + 4, 2);
    if (!off_hour || !off_minute || text[pos + 3] != ':' || *off_hour > 23 || *off_minute > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours{*off_hour} + std::chrono::minutes{*off_minute};
    if (negative) offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return TimePointMs{*local} + std::chrono::milliseconds{millis} - offset;
}

std::string source_name(const Price& price) {
  std::string out = price.gateway + " " + price.asset;
  if (price.network) out += "/" + *price.network;
  return out;
}

}  // namespace coinfan
