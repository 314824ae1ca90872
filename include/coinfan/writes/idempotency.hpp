#pragma once
// At most once, and the truth about it: the pure rules behind the money-moving endpoints.
//
// The order id is the idempotency key (per gateway and kind of write):
//   * OrderLedger decides, per request, whether to execute, to share an execution already in
//     flight, to replay a finished one, or to refuse a different request under a used order id.
//     It remembers successes only: after a failure the next request goes to the provider,
//     which refuses a second execution of one order id itself (CCPayment 11011).
//   * When a write's answer is lost, a few spaced lookups of the order id say what happened
//     (Resolution); a record found is compared with the request (same_request).
// Pure: no I/O; the async layer (writes/service.cpp) passes the time in and runs the calls.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::writes {

enum class WriteKind { transfer, swap };
std::string_view to_string(WriteKind kind) noexcept;

// The ledger's key: gateway, kind and order id.
std::string order_key(std::string_view gateway, WriteKind kind, std::string_view order_id);

// What a write asks for, as text that two identical requests share (amounts compared as
// numbers: "1.50" and "1.5" are the same request).
struct TransferIntent {
  std::string from_user_id;
  std::string to_user_id;
  std::int64_t coin_id = 0;
  Decimal amount;
  std::string remark;  // "" when none
};
struct SwapIntent {
  std::string user_id;
  std::int64_t coin_id_in = 0;
  Decimal amount_in;
  std::int64_t coin_id_out = 0;
  std::string extra_fee_rate;      // "" when none
  std::string amount_out_minimum;  // "" when none
};
std::string fingerprint(const TransferIntent& intent);
std::string fingerprint(const SwapIntent& intent);

// Does the provider's record under an order id describe this request? (The fields the record
// carries: a swap record's fee rate and minimum are not compared.)
bool same_request(const TransferIntent& intent, const TransferRecord& record);
bool same_request(const SwapIntent& intent, const SwapRecord& record);

using LedgerTime = std::chrono::steady_clock::time_point;
using FlightNumber = std::uint64_t;

class OrderLedger {
 public:
  struct Limits {
    std::size_t max_entries = 100000;               // past it, the oldest finished entries go
    std::chrono::seconds keep{std::chrono::hours(24)};  // a finished entry is replayed this long
  };
  OrderLedger() : OrderLedger(Limits{}) {}
  explicit OrderLedger(Limits limits);

  struct Decision {
    enum class Action {
      execute,   // no such order yet: run it as `flight`
      join,      // the same request is in flight as `flight`: wait for its answer
      replay,    // the same request finished: answer `record_json` again
      conflict,  // the order id was used for a different request
    };
    Action action = Action::execute;
    FlightNumber flight = 0;
    std::string record_json;  // replay
    std::string record_id;    // replay
  };

  Decision begin(const std::string& key, const std::string& fingerprint, LedgerTime now);

  // `flight` is over. A success is kept for replays; anything else forgets the order.
  struct Success {
    std::string record_json;
    std::string record_id;
  };
  void finish(const std::string& key, FlightNumber flight, std::optional<Success> success, LedgerTime now);

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::string fingerprint;
    std::optional<FlightNumber> flight;  // set while in flight
    Success success;
    LedgerTime finished_at{};
    std::list<std::string>::iterator order;  // in finished_ (finished entries only)
  };
  void expire(LedgerTime now);

  Limits limits_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> finished_;  // oldest first
  FlightNumber next_flight_ = 1;
};

// What a failed send means for the order.
enum class SendFailure {
  not_sent,         // it never left (circuit open, local rate limit, rejected input): not executed
  refused,          // the provider answered with a refusal (insufficient balance, ...): not executed
  duplicate_order,  // the provider already has this order id (CCPayment 11011, 11007): look it up
  answer_lost,      // sent, and no trustworthy answer came back (timeout, reset, 5xx): look it up
};
SendFailure classify_send_failure(const Error& error) noexcept;

// The lookups that learn a write's outcome when its answer was lost, and what they prove.
struct ResolutionPlan {
  // The wait before each lookup (the first usually zero); the number of entries is the number
  // of lookups. Their sum bounds the resolution window, together with each lookup's deadline.
  std::vector<std::chrono::milliseconds> waits{std::chrono::milliseconds(0), std::chrono::milliseconds(300),
                                               std::chrono::milliseconds(1200)};
};

enum class LookupOutcome {
  found_same,       // a record under the order id, for this request
  found_different,  // a record under the order id, for another request
  not_found,        // the provider answered: no such order
  failed,           // the provider could not be asked (timeout, unreachable, ...)
};

enum class Verdict {
  executed,      // the record exists: the write went through
  conflict,      // the order id belongs to another request
  not_executed,  // the latest answer the provider gave says there is no such order
  unknown,       // the provider could not be asked: nobody knows yet
};

class Resolution {
 public:
  explicit Resolution(std::size_t lookups) : lookups_(lookups) {}
  // Records one lookup; the verdict once it is final (a record found, or the last lookup done).
  std::optional<Verdict> record(LookupOutcome outcome);
  std::size_t done() const noexcept { return done_; }

 private:
  std::size_t lookups_;
  std::size_t done_ = 0;
  std::optional<LookupOutcome> latest_answer_;  // not_found once the provider said so
};

}  // namespace coinfan::writes
