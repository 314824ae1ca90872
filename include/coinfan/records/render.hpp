#pragma once
// JSON text of the record views (openapi/openapi.yaml, RecordPage / TransferRecord /
// SwapRecord): snake_case, amounts as canonical decimal strings, times RFC 3339 UTC with
// milliseconds, null for what the provider did not say.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/aggregate/gateway_status.hpp"
#include "coinfan/records/merge.hpp"

namespace coinfan::records {

struct RecordPageView {
  std::vector<MergedRecord> records;
  std::optional<std::string> next_cursor;
  bool complete = true;
  TimePointMs as_of{};
  // One per selected gateway. Records are never cached: `cached` false, `age_ms` 0, or null
  // when any of its sources failed for this page; latency is its slowest call for the page.
  std::vector<aggregate::GatewayStatus> gateways;
};

std::string render_record(const Record& record);
std::string render_record_page(const RecordPageView& page);
}  // namespace coinfan::records
