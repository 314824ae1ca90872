#pragma once
// ASCII-only case handling for protocol tokens (header names, schemes, status words, hosts):
// never locale-dependent, never touching bytes above 0x7F.

#include <charconv>
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

// An HTTP token (RFC 9110 §5.6.2), as a header name must be: one or more tchars.
constexpr bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// A header field value that cannot end its line or start another: no control character but
// horizontal tab, no DEL (RFC 9110 §5.5).
constexpr bool is_field_value(std::string_view text) noexcept {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
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
