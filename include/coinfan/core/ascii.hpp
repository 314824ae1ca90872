#pragma once
// ASCII-only text helpers (HTTP header names, auth schemes): no locale, no allocation.

#include <cstddef>
#include <string_view>

namespace coinfan::ascii {

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal when they differ at most in the case of ASCII letters.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

}  // namespace coinfan::ascii
