#pragma once
// The money-moving actions over the gateways' MoneyMover (CCPayment v2 today): transfers,
// swap quotes, swaps and deposit rescans. Domain outcomes only: api/write_routes.cpp parses the
// bodies (writes/input.hpp) and maps the answers to HTTP.
//
// A transfer or swap is carried out at most once, and its answer tells the truth:
//   * coins named by symbol are resolved through the gateway's coin catalogue (kept for
//     `catalogue_ttl`), and amounts checked against the coin's precision, before anything is sent;
//   * the order id is the idempotency key (idempotency.hpp): a replay of a finished request is
//     answered from the ledger, a concurrent identical request shares the one execution, a
//     different request under a used order id is a conflict;
//   * the write is sent once. When its answer is lost (timeout, reset, 5xx) or the provider
//     says the order id is taken, the order id is looked up as `resolution` plans, and the
//     record found (or the proof that there is none) decides the answer;
//   * every execution runs detached from the request that started it: a caller who hangs up, or
//     the server's request timeout, never cuts a write or its resolution short.
// After a write goes through, `on_executed` is called with the gateway id (the views invalidate
// that gateway's balances). One audit line per write goes to the log; `stats()` counts writes by
// gateway, operation and outcome.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/writes/idempotency.hpp"
#include "coinfan/writes/input.hpp"

namespace coinfan::gateways {
class Gateway;
}

namespace coinfan::writes {

class SharedOrders;

struct WriteOptions {
  ResolutionPlan resolution;
  OrderLedger::Limits ledger;
  std::chrono::milliseconds catalogue_ttl{std::chrono::minutes(5)};
  // A transfer or swap still being carried out or resolved after this long is answered
  // outcome_unknown ("still being resolved"), before the server's request timeout would cut
  // the request off; the execution goes on, and a repeat of the request learns its outcome.
  std::chrono::milliseconds answer_within{std::chrono::seconds(12)};
  std::function<void(const std::string& gateway_id)> on_executed;
  // Called when a transfer's or swap's execution is over and the ledger holds its outcome
  // (tests wait on it instead of sleeping).
  std::function<void(const std::string& order_id)> on_settled;
  // Across replicas (shared.redis): order ids claimed and outcomes kept in the shared store;
  // null: this replica's ledger alone.
  std::shared_ptr<SharedOrders> shared_orders;
  // The ledger's clock; tests may move it.
  std::function<std::chrono::steady_clock::time_point()> now;
};

enum class WriteError {
  unknown_gateway,        // no gateway with that id
  unsupported,            // the gateway's provider has no such action
  invalid,                // field_errors says what (coins unknown, too many decimals, ...)
  catalogue_unavailable,  // the coin catalogue could not be read: nothing was sent
  conflict,               // the order id belongs to a different request
  not_sent,               // refused before sending (circuit open, local rate limit): nothing was sent
  refused,                // the provider refused it (gateway_error has its code): not executed
  not_executed,           // the answer was lost, and the provider says the order does not exist
  outcome_unknown,        // the answer was lost, and the provider cannot be asked
  failed,                 // a quote or rescan failed (gateway_error says how)
};
std::string_view to_string(WriteError error) noexcept;

// The operation's answer for the API: a body, or a typed error with what explains it.
struct WriteAnswer {
  std::optional<WriteError> error;
  std::string body;       // the record, quote or rescan JSON when !error
  std::string record_id;  // transfers and swaps
  bool created = false;   // this request carried the write out (201)
  bool replayed = false;  // an earlier request with this order id did (200, Idempotent-Replayed)
  std::string detail;
  FieldErrors field_errors;           // invalid
  std::optional<Error> gateway_error; // refused, not_sent, not_executed, outcome_unknown, failed
  std::string gateway;
  std::string order_id;

  bool ok() const noexcept { return !error.has_value(); }
};

// Who asked: for the audit line.
struct WriteContext {
  std::string key_name;  // the API key's configured name ("" without one)
  std::string request_id;
};

// Counters by (gateway, operation, outcome); outcome is "created", "replayed", "ok" (quotes,
// rescans) or the WriteError's name.
using WriteCounts = std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t>;

class WriteService {
 public:
  struct Impl;
  explicit WriteService(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  boost::asio::awaitable<WriteAnswer> transfer(std::string gateway, TransferBody body, WriteContext context);
  boost::asio::awaitable<WriteAnswer> quote(std::string gateway, QuoteBody body, WriteContext context);
  boost::asio::awaitable<WriteAnswer> swap(std::string gateway, SwapBody body, WriteContext context);
  boost::asio::awaitable<WriteAnswer> rescan(std::string gateway, RescanBody body, WriteContext context);

  WriteCounts counts() const;

 private:
  std::shared_ptr<Impl> impl_;
};

std::shared_ptr<WriteService> make_write_service(std::vector<std::shared_ptr<gateways::Gateway>> gateways,
                                                 boost::asio::any_io_executor executor, WriteOptions options = {});

}  // namespace coinfan::writes
