#include "coinfan/records/query.hpp"

#include <algorithm>

namespace coinfan::records {

std::string_view to_string(RecordKind kind) noexcept {
  return kind == RecordKind::transfer ? "transfer" : "swap";
}

bool RecordQuery::wants(RecordKind kind) const noexcept {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace coinfan::records
