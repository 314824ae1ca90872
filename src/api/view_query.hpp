#pragma once
// The read views' query string (`gateway`, `asset`, `max_age_ms`) parsed into the domain's
// ViewQuery, validated and normalised so that equal selections give equal cache keys.

#include <string_view>
#include <vector>

#include "coinfan/aggregate/query.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan::api {

// Parses a raw query string (without '?'). `gateway` and `asset` may repeat and hold
// comma-separated lists. invalid_argument, with a detail naming the parameter, for: a bad
// percent-encoding, a parameter other than these three (any parameter at all when
// !filters_allowed), a present but empty list, an id not in `known_gateways`, an asset that is
// not 1-32 of A-Z 0-9 . - _ after upper-casing, more than max_query_assets assets,
// `max_age_ms` that is not 1 to max_age_digits decimal digits, or that is given twice.
Result<aggregate::ViewQuery> parse_view_query(std::string_view raw_query,
                                   const std::vector<std::string>& known_gateways,
                                   bool filters_allowed = true);

}  // namespace coinfan::api
