#pragma once
// The read views' query parameters (`gateway`, `asset`, `max_age_ms`), validated and
// normalised so that equal selections give equal cache keys.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"

namespace coinfan::aggregate {

enum class ViewKind { balances, prices, coins };

std::string_view to_string(ViewKind kind) noexcept;

inline constexpr std::size_t max_query_assets = 64;
inline constexpr std::size_t max_age_digits = 12;

struct ViewQuery {
  std::vector<std::string> gateways;  // sorted, unique, each configured; empty: the default set
  std::vector<std::string> assets;    // normalised, sorted, unique; empty: every asset
  // Accept cached data at most this old; zero forces a fresh fan-out.
  std::optional<std::chrono::milliseconds> max_age;

  friend bool operator==(const ViewQuery&, const ViewQuery&) = default;
};

// Parses a raw query string (without '?'). `gateway` and `asset` may repeat and hold
// comma-separated lists. invalid_argument, with a detail naming the parameter, for: a bad
// percent-encoding, a parameter other than these three (any parameter at all when
// !filters_allowed), a present but empty list, an id not in `known_gateways`, an asset that is
// not 1-32 of A-Z 0-9 . - _ after upper-casing, more than max_query_assets assets,
// `max_age_ms` that is not 1 to max_age_digits decimal digits, or that is given twice.
Result<ViewQuery> parse_view_query(std::string_view raw_query,
                                   const std::vector<std::string>& known_gateways,
                                   bool filters_allowed = true);

// The response cache key: the view, the selected gateway ids and the asset filter, each sorted.
std::string cache_key(ViewKind kind, const std::vector<std::string>& sorted_gateways,
                      const std::vector<std::string>& sorted_assets);

}  // namespace coinfan::aggregate
