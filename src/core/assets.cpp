#include "coinfan/core/assets.hpp"

namespace coinfan {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string normalise_asset(std::string_view symbol) {
  std::size_t first = 0;
  std::size_t last = symbol.size();
  while (first < last && is_blank(symbol[first])) ++first;
  while (last > first && is_blank(symbol[last - 1])) --last;
  std::string out(symbol.substr(first, last - first));
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

AssetNetwork split_asset_code(std::string_view code) {
  std::string normalised = normalise_asset(code);
  std::string_view s = normalised;
  while (!s.empty() && s.front() == '_') s.remove_prefix(1);
  while (!s.empty() && s.back() == '_') s.remove_suffix(1);
  const auto underscore = s.find('_');
  if (underscore == std::string_view::npos) return AssetNetwork{std::string(s), std::nullopt};
  return AssetNetwork{std::string(s.substr(0, underscore)),
                      std::string(s.substr(underscore + 1))};
}

bool is_valid_asset_symbol(std::string_view symbol) {
  const std::string s = normalise_asset(symbol);
  if (s.empty() || s.size() > 32) return false;
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace coinfan
