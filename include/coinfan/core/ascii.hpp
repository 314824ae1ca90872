#pragma once
// ASCII-only case handling for protocol tokens (header names, schemes, status words, hosts):
// never locale-dependent, never touching bytes above 0x7F.

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace coinfan::ascii {

constexpr char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// True when `a` and `b` are equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

namespace detail {
// tchar (RFC 9110 §5.6.2) by byte value: a table, as every header of every answer is checked.
struct TokenTable {
  bool allowed[256] = {};
  constexpr TokenTable() {
    for (int c = '0'; c <= '9'; ++c) allowed[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) allowed[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) allowed[c] = true;
    for (const char c : std::string_view("!#$%&'*+-.^_`|~")) allowed[static_cast<unsigned char>(c)] = true;
  }
};
inline constexpr TokenTable token_table{};
}  // namespace detail

// An HTTP token (RFC 9110 §5.6.2), as a header name must be: one or more tchars.
constexpr bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!detail::token_table.allowed[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// A header field value that cannot end its line or start another: no control character but
// horizontal tab, no DEL (RFC 9110 §5.5).
constexpr bool is_field_value(std::string_view text) noexcept {
  const auto bad = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  };
  std::size_t i = 0;
  if (!std::is_constant_evaluated()) {
    // Eight bytes at a time (every header of every answer passes here): a word with no byte
    // below 0x20 and none equal to 0x7F is clean; any other word is looked at byte by byte.
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
      const std::uint64_t del = word ^ (ones * 0x7f);
      const std::uint64_t is_del = (del - ones) & ~del & highs;
      if ((below_space | is_del) == 0) continue;
      for (std::size_t j = i; j < i + 8; ++j) {
        if (bad(text[j])) return false;
      }
    }
  }
  for (; i < text.size(); ++i) {
    if (bad(text[i])) return false;
  }
  return true;
}

// `text` with ASCII letters lowered.
inline std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

// `text` as an unsigned decimal number of type T: digits only (no sign, space or point), and
// a value T can hold; nullopt otherwise. Leading zeros are accepted ("007" is 7).
template <typename T>
std::optional<T> parse_unsigned(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace coinfan::ascii
