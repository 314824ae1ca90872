#pragma once
// The read views' query (`gateway`, `asset`, `max_age_ms`) as a domain value, normalised so
// that equal selections give equal cache keys. api/view_query.hpp parses it from a request.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace coinfan::aggregate {

enum class ViewKind { balances, prices, coins };

std::string_view to_string(ViewKind kind) noexcept;

inline constexpr std::size_t max_query_assets = 64;
inline constexpr std::size_t max_age_digits = 12;

struct ViewQuery {
  std::vector<std::string> gateways;  // sorted, unique, each configured; empty: the default set
  std::vector<std::string> assets;    // normalised, sorted, unique; empty: every asset
  // Serve no data older than this (cache and fallback alike); zero: fresh from the gateways.
  std::optional<std::chrono::milliseconds> max_age;

  friend bool operator==(const ViewQuery&, const ViewQuery&) = default;
};

// The response cache key: the view, the selected gateway ids and the asset filter, each sorted.
std::string cache_key(ViewKind kind, const std::vector<std::string>& sorted_gateways,
                      const std::vector<std::string>& sorted_assets);

}  // namespace coinfan::aggregate
