#pragma once
// ASCII case-insensitive comparison, as HTTP header names and similar protocol tokens want.
// Bytes outside A-Z compare as they are. Pure, header-only.

#include <string_view>

namespace coinfan::ascii {

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace coinfan::ascii
