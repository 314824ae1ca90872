#include "coinfan/aggregate/query.hpp"

#include <array>

namespace coinfan::aggregate {

std::string_view to_string(ViewKind kind) noexcept {
  constexpr std::array<std::string_view, 3> names = {"balances", "prices", "coins"};  // ViewKind order
  const auto index = static_cast<std::size_t>(kind);
  return index < names.size() ? names[index] : "unknown";
}

std::string cache_key(ViewKind kind, const std::vector<std::string>& sorted_gateways,
                      const std::vector<std::string>& sorted_assets) {
  // Ids and symbols never hold '\n' or ',' (ids are configured, symbols validated).
  std::string key(to_string(kind));
  key += '\n';
  for (const auto& id : sorted_gateways) {
    key += id;
    key += ',';
  }
  key += '\n';
  for (const auto& asset : sorted_assets) {
    key += asset;
    key += ',';
  }
  return key;
}

}  // namespace coinfan::aggregate
