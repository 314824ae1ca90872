// The one-shot value that identical requests share: every waiter gets it on its own
// executor, late waiters get it at once, a cancelled waiter leaves alone.

#include "aggregate/shared_outcome.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <optional>
#include <string>

#include "integration/aggregate/fake_gateway.hpp"

namespace coinfan::aggregate::testing_support {
namespace {

using detail::SharedOutcome;

struct Received {
  std::optional<int> value;
  std::optional<std::string> error;
  bool on_own_strand = false;
};

asio::awaitable<void> wait_into(std::shared_ptr<SharedOutcome<int>> outcome, Received* out) {
  try {
    auto waiting = outcome->wait();
    out->value = co_await std::move(waiting);
  } catch (const boost::system::system_error& e) {
    out->error = e.code() == asio::error::operation_aborted ? "aborted" : e.what();
  }
}

asio::awaitable<void> wait_on_strand(std::shared_ptr<SharedOutcome<int>> outcome,
                                     asio::strand<asio::io_context::executor_type> strand, Received* out) {
  auto waiting = outcome->wait();
  out->value = co_await std::move(waiting);
  out->on_own_strand = strand.running_in_this_thread();
}

TEST(SharedOutcome, EveryWaiterGetsTheValueOnItsOwnExecutor) {
  asio::io_context io;
  auto outcome = SharedOutcome<int>::create();
  auto strand = asio::make_strand(io);
  Received plain, stranded;
  asio::co_spawn(io, wait_into(outcome, &plain), asio::detached);
  asio::co_spawn(strand, wait_on_strand(outcome, strand, &stranded), asio::detached);
  run_ready(io);
  EXPECT_EQ(outcome->waiting(), 2u);
  EXPECT_FALSE(plain.value);
  outcome->set(7);
  outcome->set(8);  // the first value wins
  run_ready(io);
  EXPECT_EQ(plain.value, 7);
  EXPECT_EQ(stranded.value, 7);
  EXPECT_TRUE(stranded.on_own_strand);
  EXPECT_EQ(outcome->waiting(), 0u);
}

TEST(SharedOutcome, ALateWaiterGetsTheValueAtOnce) {
  asio::io_context io;
  auto outcome = SharedOutcome<int>::create();
  outcome->set(3);
  Received late;
  asio::co_spawn(io, wait_into(outcome, &late), asio::detached);
  run_ready(io);
  EXPECT_EQ(late.value, 3);
}

TEST(SharedOutcome, ACancelledWaiterLeavesAndTheOthersStay) {
  asio::io_context io;
  auto outcome = SharedOutcome<int>::create();
  asio::cancellation_signal cancel;
  Received cancelled, kept;
  asio::co_spawn(io, wait_into(outcome, &cancelled), asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  asio::co_spawn(io, wait_into(outcome, &kept), asio::detached);
  run_ready(io);
  cancel.emit(asio::cancellation_type::terminal);
  run_ready(io);
  EXPECT_EQ(cancelled.error, "aborted");
  EXPECT_FALSE(cancelled.value);
  EXPECT_EQ(outcome->waiting(), 1u);
  outcome->set(5);
  run_ready(io);
  EXPECT_EQ(kept.value, 5);
  EXPECT_FALSE(cancelled.value);
}

}  // namespace
}  // namespace coinfan::aggregate::testing_support
