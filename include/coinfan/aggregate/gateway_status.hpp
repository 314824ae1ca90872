#pragma once
// One selected gateway's part in an answer (`gateways[]` of the views, the records pages and
// the "no gateway answered" problems): one type and one renderer for every fan-out. Pure code.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "coinfan/core/error.hpp"

namespace coinfan::aggregate {

struct GatewayStatus {
  std::string id;
  std::string type;  // config spelling, e.g. "ccpayment-v2"
  bool ok = false;   // false: the latest call failed (stale data may still be shown)
  std::int64_t latency_ms = 0;  // of the call that produced this status
  bool cached = false;          // the data shown was not fetched for this answer
  std::optional<std::int64_t> age_ms;  // age of the data shown; nullopt when none is shown
  std::optional<Error> error;          // set exactly when !ok

  friend bool operator==(const GatewayStatus&, const GatewayStatus&) = default;
};

// A status for data fetched for this very answer: ok with age 0, or the error with no data.
GatewayStatus live_status(std::string id, std::string type, std::int64_t latency_ms,
                          std::optional<Error> error);

// `{code, detail, provider_code?, provider_message?}`.
boost::json::object error_json(const Error& error);

// `[{id, type, status: ok|error, latency_ms, cached, age_ms|null, error?}]`.
boost::json::array gateway_statuses_json(const std::vector<GatewayStatus>& statuses);

}  // namespace coinfan::aggregate
