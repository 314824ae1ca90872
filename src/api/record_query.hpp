#pragma once
// The query strings of GET /v1/records and of the record lookups, parsed into the domain's
// RecordQuery and RecordLookup (records/query.hpp lists the decisions behind them).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/records/query.hpp"

namespace coinfan::api {

// Parses the raw query string (without '?'). `gateways` in configuration order. Without a
// `gateway` parameter every gateway with records is selected. invalid_argument, with a detail
// naming the parameter, for anything the header comment rejects, an unknown gateway id, or a
// gateway whose provider has no transfer or swap records.
Result<records::RecordQuery> parse_record_query(std::string_view raw_query,
                                       const std::vector<records::RecordGatewayInfo>& gateways);

// `record_id` is the path segment when the route has one. With it the query string must be
// empty; without it the query must be exactly one `order_id` of 3-64 printable ASCII
// characters. Record ids: 1-128 printable ASCII characters without spaces.
Result<records::RecordLookup> parse_record_lookup(std::string_view raw_query,
                                         std::optional<std::string> record_id);

}  // namespace coinfan::api
