#include "api/record_query.hpp"

#include <algorithm>
#include <array>

#include "coinfan/core/query_string.hpp"
#include "gateways/ccpayment_v2/ids.hpp"

namespace coinfan::api {

using records::max_cursor_chars;
using records::max_limit;
using records::RecordGatewayInfo;
using records::RecordKind;
using records::RecordLookup;
using records::RecordQuery;
using gateways::ccpayment_v2::valid_user_id;

namespace {

constexpr std::array<std::string_view, 7> known_parameters = {"kind",  "gateway", "user_id", "since",
                                                              "until", "limit",   "cursor"};
// 1970-01-01T00:00:00Z: upstream startAt/endAt are positive Unix seconds.
constexpr TimePointMs unix_epoch{};

Error invalid(std::string detail) { return make_error(ErrorCode::invalid_argument, std::move(detail)); }

// The single value of a scalar parameter; an error when it repeats or is empty.
Result<std::optional<std::string>> scalar(const QueryString& query, std::string_view name) {
  const auto count = query.count(name);
  if (count == 0) return std::optional<std::string>();
  if (count > 1) return invalid(std::string(name) + " is given more than once");
  const auto value = query.get(name);
  if (!value || value->empty()) return invalid(std::string(name) + " is empty");
  return std::optional<std::string>(std::string(*value));
}

Result<std::optional<TimePointMs>> time_parameter(const QueryString& query, std::string_view name) {
  auto text = scalar(query, name);
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<TimePointMs>();
  const auto time = parse_rfc3339(**text);
  if (!time) return invalid(std::string(name) + " is not an RFC 3339 time (e.g. 2026-11-21T10:00:00Z)");
  if (*time < unix_epoch) return invalid(std::string(name) + " is before 1970-01-01T00:00:00Z");
  return std::optional<TimePointMs>(*time);
}

}  // namespace

Result<RecordQuery> parse_record_query(std::string_view raw_query, const std::vector<RecordGatewayInfo>& gateways) {
  auto parsed = QueryString::parse(raw_query);
  if (!parsed) return std::move(parsed).error();
  const QueryString& query = *parsed;
  for (const auto& [name, value] : query.items()) {
    if (std::find(known_parameters.begin(), known_parameters.end(), name) == known_parameters.end()) {
      return invalid("unknown parameter '" + name.substr(0, 64) +
                     "' (known: kind, gateway, user_id, since, until, limit, cursor)");
    }
  }

  RecordQuery out;

  auto user_id = scalar(query, "user_id");
  if (!user_id) return std::move(user_id).error();
  if (*user_id && !valid_user_id(**user_id)) {
    return invalid("user_id must be 5-64 printable characters without spaces, not starting with 'sys'");
  }
  out.user_id = std::move(*user_id);

  if (query.has("kind")) {
    const auto kinds = query.list("kind");
    if (kinds.empty()) return invalid("kind is empty (use transfer, swap or both)");
    for (const auto& kind : kinds) {
      if (kind == "transfer") {
        out.kinds.push_back(RecordKind::transfer);
      } else if (kind == "swap") {
        out.kinds.push_back(RecordKind::swap);
      } else {
        return invalid("kind '" + kind.substr(0, 64) + "' is not transfer or swap");
      }
    }
    if (out.wants(RecordKind::transfer) && !out.user_id) {
      return invalid("kind=transfer needs user_id: the provider lists transfers per user");
    }
  } else {
    if (out.user_id) out.kinds.push_back(RecordKind::transfer);
    out.kinds.push_back(RecordKind::swap);
  }
  std::sort(out.kinds.begin(), out.kinds.end());
  out.kinds.erase(std::unique(out.kinds.begin(), out.kinds.end()), out.kinds.end());

  if (query.has("gateway")) {
    const auto wanted = query.list("gateway");
    if (wanted.empty()) return invalid("gateway is empty");
    for (const auto& id : wanted) {
      const auto it = std::find_if(gateways.begin(), gateways.end(), [&](const auto& g) { return g.id == id; });
      if (it == gateways.end()) return invalid("gateway '" + id.substr(0, 64) + "' is not configured");
      if (!it->has_records) {
        return invalid("gateway '" + id + "' (" + it->type + ") has no transfer or swap records");
      }
    }
    for (const auto& gateway : gateways) {
      if (std::find(wanted.begin(), wanted.end(), gateway.id) != wanted.end()) out.gateways.push_back(gateway.id);
    }
  } else {
    for (const auto& gateway : gateways) {
      if (gateway.has_records) out.gateways.push_back(gateway.id);
    }
  }

  auto since = time_parameter(query, "since");
  if (!since) return std::move(since).error();
  auto until = time_parameter(query, "until");
  if (!until) return std::move(until).error();
  if (*since && *until && **since > **until) return invalid("since is after until");
  out.since = *since;
  out.until = *until;

  auto limit = scalar(query, "limit");
  if (!limit) return std::move(limit).error();
  if (*limit) {
    const std::string& text = **limit;
    const bool digits = text.size() <= 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    const std::size_t value = digits ? static_cast<std::size_t>(std::stoul(text)) : 0;
    if (!digits || value < 1 || value > max_limit) {
      return invalid("limit must be an integer from 1 to " + std::to_string(max_limit));
    }
    out.limit = value;
  }

  auto cursor = scalar(query, "cursor");
  if (!cursor) return std::move(cursor).error();
  if (*cursor && (*cursor)->size() > max_cursor_chars) return invalid("cursor is too long");
  out.cursor = std::move(*cursor);
  return out;
}

Result<RecordLookup> parse_record_lookup(std::string_view raw_query, std::optional<std::string> record_id) {
  auto parsed = QueryString::parse(raw_query);
  if (!parsed) return std::move(parsed).error();
  const QueryString& query = *parsed;
  RecordLookup out;
  if (record_id) {
    if (!query.items().empty()) return invalid("a lookup by record id takes no query parameters");
    if (!gateways::ccpayment_v2::valid_record_id(*record_id)) {
      return invalid("record id must be 1-128 printable characters without spaces");
    }
    out.record_id = std::move(record_id);
    return out;
  }
  for (const auto& [name, value] : query.items()) {
    if (name != "order_id") return invalid("unknown parameter '" + name.substr(0, 64) + "' (known: order_id)");
  }
  auto order_id = scalar(query, "order_id");
  if (!order_id) return std::move(order_id).error();
  if (!*order_id) return invalid("order_id is required (or put the record id in the path)");
  if (!gateways::ccpayment_v2::valid_order_id(**order_id)) {
    return invalid("order_id must be 3-64 printable characters without spaces");
  }
  out.order_id = std::move(*order_id);
  return out;
}

}  // namespace coinfan::api
