#include "coinfan/aggregate/query.hpp"

#include <algorithm>


namespace coinfan::aggregate {

std::string_view to_string(ViewKind kind) noexcept {
  switch (kind) {
    case ViewKind::balances: return "balances";
    case ViewKind::prices: return "prices";
    case ViewKind::coins: return "coins";
  }
  return "unknown";
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
