#pragma once
// The query of GET /v1/records and of the record lookups as domain values (api/record_query.hpp
// parses them from a request). Pure code: equal selections normalise to equal values, which
// the cursor's fingerprint relies on.
//
// Decisions (also in openapi/openapi.yaml):
//   * `kind` absent: swaps, plus transfers when `user_id` is given (CCPayment lists transfers
//     only per user). `kind=transfer` explicitly asked for without `user_id` -> 400.
//   * `user_id` also narrows swaps to that user's swaps (`userId` upstream).
//   * `since` is inclusive, `until` exclusive: [since, until). Both RFC 3339, at or after
//     1970-01-01T00:00:00Z; since > until -> 400.
//   * `limit` 1-200, default 50. It is not part of the query a cursor is bound to: a caller
//     may change the page size while walking.
//   * Unknown parameters, a repeated scalar parameter and a present but empty value -> 400.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::records {

enum class RecordKind : std::uint8_t { transfer = 0, swap = 1 };

std::string_view to_string(RecordKind kind) noexcept;

inline constexpr std::size_t default_limit = 50;
inline constexpr std::size_t max_limit = 200;
inline constexpr std::size_t max_cursor_chars = 8192;

// A configured gateway as the record query sees it.
struct RecordGatewayInfo {
  std::string id;
  std::string type;           // config spelling, e.g. "ccpayment-v2"
  bool has_records = false;   // Gateway::records() != nullptr
};

struct RecordQuery {
  std::vector<RecordKind> kinds;      // sorted (transfer before swap), unique, never empty
  std::vector<std::string> gateways;  // in configuration order, unique, each has records
  std::optional<std::string> user_id;
  std::optional<TimePointMs> since;   // inclusive
  std::optional<TimePointMs> until;   // exclusive
  std::size_t limit = default_limit;
  std::optional<std::string> cursor;  // the raw token, checked by the cursor codec

  bool wants(RecordKind kind) const noexcept;
  friend bool operator==(const RecordQuery&, const RecordQuery&) = default;
};

// GET /v1/gateways/{id}/transfers/{record_id} and ?order_id= (same for swaps): exactly one of
// the two is set.
struct RecordLookup {
  std::optional<std::string> record_id;
  std::optional<std::string> order_id;
};

}  // namespace coinfan::records
