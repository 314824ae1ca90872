#pragma once
// What the views answer, as domain values: the rendered view, or a typed error with what the
// api/ layer needs to explain it. No HTTP here: api/ maps each outcome to a status code.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/aggregate/gateway_status.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::aggregate {

enum class ViewError {
  unknown_gateway,      // the selection names a gateway that is not configured
  no_coin_catalogue,    // the coins view was asked for a gateway without a coin catalogue
  no_price_source,      // the prices view was asked for a gateway that quotes no prices
  no_gateway_answered,  // none of the selected gateways had data to show
  internal,             // the view could not be assembled (a bug)
};

// A ready answer; `body` is shared with the cache and must not be modified.
struct ViewAnswer {
  enum class Source { fan_out, cache, stale };

  std::optional<ViewError> error;
  std::shared_ptr<const std::string> body;  // the view's JSON; set exactly when !error
  std::string detail;                       // with an error: what went wrong, for the caller
  // no_gateway_answered: every selected gateway's status; as_of: when the fan-out finished.
  std::shared_ptr<const std::vector<GatewayStatus>> gateways;
  TimePointMs as_of{};
  Source source = Source::fan_out;
  std::chrono::milliseconds age{0};  // of the oldest data in the answer, when from the cache

  bool ok() const noexcept { return !error.has_value(); }
};

struct ViewCacheStats {
  std::uint64_t hits = 0;        // fresh answers from the cache
  std::uint64_t stale_hits = 0;  // stale answers served while refreshing
  std::uint64_t misses = 0;      // requests that waited for a fan-out (coalesced ones included)
  std::uint64_t coalesced = 0;   // misses that joined a fan-out already in flight
  std::uint64_t fan_outs = 0;    // fan-outs started (foreground and background)
  std::uint64_t entries = 0;     // cached queries now (of every view)

  friend bool operator==(const ViewCacheStats&, const ViewCacheStats&) = default;
};

}  // namespace coinfan::aggregate
