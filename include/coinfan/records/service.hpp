#pragma once
// The merged, resumable list of transfer and swap records of every gateway that has them
// (GET /v1/records) and the single-record lookups, over the gateways' RecordSource. Domain
// outcomes only: api/record_routes.cpp parses the requests and maps outcomes to HTTP.
//
// One page: the cursor (if any) is checked, then every source that has not reached its end is
// asked for its current page concurrently, and the merge (merge.hpp) asks for further pages as
// sources run out; each gateway's calls for one page share one deadline, its `timeout_ms`
// counted from the start of the request. A gateway that fails or runs out of time is reported
// in `gateways[]`, the page is `complete: false`, and the cursor keeps that gateway's sources
// where they were, so a later request with it resumes them.
//
// Cursors are authenticated with RecordsOptions::cursor_key; without one a random key is
// drawn when the service is made, so cursors do not survive a restart (they are then
// rejected as invalid_cursor and the caller starts the walk again).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coinfan/aggregate/gateway_status.hpp"
#include "coinfan/core/error.hpp"
#include "coinfan/records/query.hpp"

namespace coinfan::gateways {
class Gateway;
}

namespace coinfan::records {

struct RecordsOptions {
  // HMAC key of the cursors; empty: 32 random bytes per process.
  std::string cursor_key;
  // Per-gateway deadline (config `timeout_ms`) by gateway id; others get default_timeout.
  std::map<std::string, std::chrono::milliseconds, std::less<>> timeouts;
  std::chrono::milliseconds default_timeout{5000};
  // `as_of` of a page; tests may fix it.
  std::function<std::chrono::system_clock::time_point()> now;
};

enum class RecordsError {
  invalid_cursor,       // not a cursor this service issued, or issued for another query
  no_gateway_answered,  // a page none of whose selected gateways answered
  unknown_gateway,      // a lookup on a gateway that is not configured
  no_records,           // a lookup on a gateway whose provider has no such records
  not_found,            // the gateway has no such record
  gateway_failed,       // the lookup's call failed: `gateway_error` says how
  internal,             // a bug
};

// What a page or a lookup yielded: the rendered JSON, or a typed error with what explains it.
struct RecordsAnswer {
  std::optional<RecordsError> error;
  std::string body;    // the page or record JSON; set when !error
  std::string detail;  // with an error: what went wrong, for the caller
  // no_gateway_answered: every selected gateway's status, and when the page gave up.
  std::vector<aggregate::GatewayStatus> gateways;
  TimePointMs as_of{};
  std::string gateway;                // a lookup's gateway id
  std::optional<Error> gateway_error; // gateway_failed: the gateway's own error

  bool ok() const noexcept { return !error.has_value(); }
};

class RecordsService {
 public:
  struct Impl;
  explicit RecordsService(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  // One page for a parsed query (api::parse_record_query).
  boost::asio::awaitable<RecordsAnswer> list(RecordQuery query) const;
  // A lookup's gateway, checked before its query is: unknown_gateway or no_records, else nullopt.
  std::optional<RecordsAnswer> check_lookup(RecordKind kind, std::string_view gateway) const;
  // One transfer or swap record of one gateway, by record id or order id.
  boost::asio::awaitable<RecordsAnswer> lookup(RecordKind kind, std::string gateway, RecordLookup lookup) const;

  // Every configured gateway as the record query sees it, in configuration order.
  const std::vector<RecordGatewayInfo>& gateways() const;

 private:
  std::shared_ptr<const Impl> impl_;
};

// `gateways` in configuration order (pages list them in this order). Upstream calls run on
// `executor`.
std::shared_ptr<RecordsService> make_records_service(std::vector<std::shared_ptr<gateways::Gateway>> gateways,
                                                     boost::asio::any_io_executor executor,
                                                     RecordsOptions options = {});

}  // namespace coinfan::records
