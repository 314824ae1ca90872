#pragma once
// At most once across replicas (shared.redis): the order id of a transfer or swap claimed in
// the store the replicas share before it is sent, and its outcome kept there for replays. The
// write service sees this interface only; its Redis implementation is shared/orders.hpp.
//
// claim() answers, for an order key (order_key()) and the request's fingerprint:
//   execute   the order is this replica's to send (settle() it when it is over);
//   replay    another replica carried it out: its record, answered again;
//   conflict  the order id was used for a different request;
//   busy      another replica is carrying the same request out and did not finish within
//             `wait` (the caller is told to repeat the request to learn its outcome);
//   alone     the store could not answer: the replica decides alone (its own ledger, and the
//             provider's refusal of a second use of an order id behind it).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "coinfan/writes/idempotency.hpp"

namespace coinfan::writes {

struct OrderClaim {
  enum class Kind { execute, replay, conflict, busy, alone };
  Kind kind = Kind::alone;
  std::string token;                       // execute: what settle() needs
  std::optional<OrderLedger::Success> done;  // replay
};

class SharedOrders {
 public:
  virtual ~SharedOrders() = default;
  virtual boost::asio::awaitable<OrderClaim> claim(std::string key, std::string fingerprint,
                                                   std::chrono::milliseconds wait) = 0;
  // The execution claimed with `token` is over: a success is kept for replays by every
  // replica; anything else frees the order id (as the local ledger forgets failures).
  virtual boost::asio::awaitable<void> settle(std::string key, std::string token, std::string fingerprint,
                                              std::optional<OrderLedger::Success> success) = 0;
};

}  // namespace coinfan::writes
