#include "api/view_query.hpp"

#include <algorithm>

#include "coinfan/core/assets.hpp"
#include "coinfan/core/query_string.hpp"

namespace coinfan::api {

using aggregate::max_age_digits;
using aggregate::max_query_assets;
using aggregate::ViewQuery;

namespace {

// Caller text echoed in an error detail: printable ASCII only, and short.
std::string quoted(std::string_view text) {
  constexpr std::size_t limit = 64;
  std::string shown(text.substr(0, limit));
  std::replace_if(shown.begin(), shown.end(), [](char c) { return c < 0x20 || c >= 0x7f; }, '?');
  return "'" + shown + (text.size() > limit ? "...'" : "'");
}

Error invalid(std::string detail) { return make_error(ErrorCode::invalid_argument, std::move(detail)); }

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

Result<ViewQuery> parse_view_query(std::string_view raw_query,
                                   const std::vector<std::string>& known_gateways,
                                   bool filters_allowed) {
  auto parsed = QueryString::parse(raw_query);
  if (!parsed) return invalid(parsed.error().detail);
  const QueryString& query = parsed.value();

  std::size_t max_age_count = 0;
  for (const auto& [name, value] : query.items()) {
    const bool known = name == "gateway" || name == "asset" || name == "max_age_ms";
    if (!known || !filters_allowed) return invalid("unknown query parameter " + quoted(name));
    if (name == "max_age_ms") ++max_age_count;
  }

  ViewQuery out;
  if (query.has("gateway")) {
    out.gateways = query.list("gateway");
    if (out.gateways.empty()) return invalid("gateway: empty list");
    for (const auto& id : out.gateways) {
      if (std::find(known_gateways.begin(), known_gateways.end(), id) == known_gateways.end()) {
        return invalid("gateway: unknown gateway id " + quoted(id));
      }
    }
    sort_unique(out.gateways);
  }

  if (query.has("asset")) {
    auto raw_assets = query.list("asset");
    if (raw_assets.empty()) return invalid("asset: empty list");
    for (const auto& raw : raw_assets) {
      if (!is_valid_asset_symbol(raw)) return invalid("asset: invalid symbol " + quoted(raw));
      out.assets.push_back(normalise_asset(raw));
    }
    sort_unique(out.assets);
    if (out.assets.size() > max_query_assets) {
      return invalid("asset: more than " + std::to_string(max_query_assets) + " assets");
    }
  }

  if (max_age_count > 1) return invalid("max_age_ms: given more than once");
  if (auto text = query.get("max_age_ms")) {
    const bool digits = !text->empty() && text->size() <= max_age_digits &&
                        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      return invalid("max_age_ms: expected a non-negative integer of at most " +
                     std::to_string(max_age_digits) + " digits, got " + quoted(*text));
    }
    std::int64_t value = 0;
    for (const char c : *text) value = value * 10 + (c - '0');
    out.max_age = std::chrono::milliseconds(value);
  }
  return out;
}

}  // namespace coinfan::api
