#pragma once
// GET /v1/records (the merged, resumable list of transfer and swap records of every gateway
// that has them) and the single-record lookups, over the gateways' RecordSource.
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
// rejected with 400 invalid_cursor and the caller starts the walk again).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coinfan/http/message.hpp"
#include "coinfan/http/router.hpp"
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

class RecordsService {
 public:
  struct Impl;
  explicit RecordsService(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  // GET /v1/records with this raw query string.
  boost::asio::awaitable<http::Response> list(std::string raw_query) const;
  // GET /v1/gateways/{gateway}/transfers/{record_id} (record_id set) or
  // GET /v1/gateways/{gateway}/transfers?order_id=… (record_id nullopt); same for swaps.
  boost::asio::awaitable<http::Response> lookup(RecordKind kind, std::string gateway,
                                                std::optional<std::string> record_id,
                                                std::string raw_query) const;

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

// GET /v1/records, GET /v1/gateways/{id}/transfers/{record_id}, GET /v1/gateways/{id}/transfers
// (?order_id=), GET /v1/gateways/{id}/swaps/{record_id}, GET /v1/gateways/{id}/swaps (?order_id=).
void add_record_routes(http::Router& router, std::shared_ptr<RecordsService> service);

}  // namespace coinfan::records
