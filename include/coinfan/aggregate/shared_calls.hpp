#pragma once
// The views' second cache tier, shared by every replica (shared.redis): each gateway's latest
// call outcome, and a lease that makes one replica the caller while the others wait for its
// answer. The views see this interface only; its Redis implementation is shared/calls.hpp.
//
// For one gateway call (`name`, e.g. "balances:ccp-main") SharedCalls::run either
//   * returns a good outcome another replica stored that is recent enough (`since`), or
//   * returns the outcome, good or failed, of the call another replica is making under the
//     lease it held when this one asked (so a cold burst over N replicas costs one call), or
//   * takes the lease, runs `call` here, stores its outcome for the others and returns it.
// Degrade, never fail: when the shared store cannot answer, `call` runs here, as without it.
// The records themselves and their codec are pure: shared_record.hpp.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

#include "coinfan/aggregate/shared_record.hpp"

namespace coinfan::aggregate {

class SharedCalls {
 public:
  virtual ~SharedCalls() = default;

  // `call` produces this replica's record (its `by` is filled in here). Runs on the caller's
  // executor; bounded by the caller's cancellation (the gateway's deadline).
  using Call = std::function<boost::asio::awaitable<SharedRecord>()>;
  virtual boost::asio::awaitable<SharedRecord> run(std::string name, SharedWant want, Call call) = 0;

  // After a write: no replica reuses the stored outcomes of `name` any more.
  virtual boost::asio::awaitable<void> forget(std::string name) = 0;
};

}  // namespace coinfan::aggregate
