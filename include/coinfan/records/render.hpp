#pragma once
// JSON text of the record views (openapi/openapi.yaml, RecordPage / TransferRecord /
// SwapRecord): snake_case, amounts as canonical decimal strings, times RFC 3339 UTC with
// milliseconds, null for what the provider did not say.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/records/merge.hpp"

namespace coinfan::records {

// The problem `code` of a page none of whose selected gateways could answer (HTTP 502), and
// of a cursor that is rejected (HTTP 400).
inline constexpr std::string_view all_gateways_failed_code = "all_gateways_failed";
inline constexpr std::string_view invalid_cursor_code = "invalid_cursor";

// One selected gateway's part in a page; the same shape as the other views' `gateways[]`
// (records are never cached: `cached` false, `age_ms` 0, or null when it failed).
struct GatewayRecordStatus {
  std::string id;
  std::string type;
  std::int64_t latency_ms = 0;  // the slowest upstream call made for this page
  std::optional<Error> error;   // set when any of its sources failed for this page
};

struct RecordPageView {
  std::vector<MergedRecord> records;
  std::optional<std::string> next_cursor;
  bool complete = true;
  TimePointMs as_of{};
  std::vector<GatewayRecordStatus> gateways;
};

std::string render_record(const Record& record);
std::string render_record_page(const RecordPageView& page);
// RFC 9457 problem, status 502, code all_gateways_failed, still listing every gateway.
std::string render_records_failed(std::string_view detail, TimePointMs as_of,
                                  const std::vector<GatewayRecordStatus>& gateways);
// RFC 9457 problem for a failed single-gateway lookup: the gateway's error code as `code`,
// plus `gateway` and the provider's code and message when it sent them.
std::string render_lookup_failed(unsigned status, std::string_view gateway, const Error& error);

}  // namespace coinfan::records
