// The one bounded fan-out on a real io_context: calls run concurrently, each ends by its own
// deadline (even one that ignores cancellation), outcomes keep call order, a shared call
// answers every waiter once. Only the deadline tests wait for real timers (what they prove).

#include "aggregate/fan_out.hpp"

#include <gtest/gtest.h>

#include "integration/aggregate/fake_gateway.hpp"

namespace coinfan::aggregate::testing_support {
namespace {

using namespace std::chrono_literals;
using Outcomes = std::vector<CallOutcomePtr<gateways::BalanceSnapshot>>;

struct Batch {
  std::optional<Outcomes> outcomes;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration took{};
};

asio::awaitable<void> run_batch(asio::any_io_executor executor, std::vector<BoundedCall<gateways::BalanceSnapshot>> calls,
                                std::shared_ptr<Batch> out) {
  auto calling = call_every(executor, std::move(calls));
  out->outcomes = co_await std::move(calling);
  out->took = std::chrono::steady_clock::now() - out->started;
}

asio::awaitable<void> wait_for(std::shared_ptr<GatewayCall<gateways::BalanceSnapshot>> call, std::shared_ptr<bool> waiting) {
  *waiting = true;
  auto outcome = call->wait();
  co_await std::move(outcome);
}

// At shutdown the io_context drops the pending operations of a call still running (its adapter
// coroutine, its deadline timer). Its waiters, whose frames own the call, must go with them:
// before, the cycle waiter -> call -> shared outcome -> waiter outlived the process (a leak that
// LeakSanitizer reported when SIGTERM came while a fan-out waited for a slow gateway).
TEST(GatewayCallShutdown, WaitersOfACallDroppedUnfinishedAreFreed) {
  auto gateway = std::make_shared<FakeGateway>("slow");
  gateway->snapshot.balances = {make_balance("BTC", "1")};
  gateway->behave(Behaviour::after(3600s));
  std::weak_ptr<GatewayCall<gateways::BalanceSnapshot>> weak;
  {
    asio::io_context io;
    auto call = std::make_shared<GatewayCall<gateways::BalanceSnapshot>>(io.get_executor(), CallDeadline::after(3600s));
    weak = call;
    call->start([gateway] { return gateway->balances(); });
    auto waiting = std::make_shared<bool>(false);
    asio::co_spawn(io, wait_for(call, waiting), asio::detached);
    call.reset();
    ASSERT_TRUE(run_until(io, [&] { return *waiting && gateway->calls() == 1; }));
    ASSERT_FALSE(weak.expired());
  }  // the io_context is destroyed with the call still running
  EXPECT_TRUE(weak.expired()) << "the call and its waiter were kept alive by each other";
}

class FanOutTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& gateway : fakes_) gateway->forget_hung();
  }

  std::shared_ptr<FakeGateway> add(std::string id, Behaviour behaviour = Behaviour::answer()) {
    auto gateway = std::make_shared<FakeGateway>(std::move(id));
    gateway->snapshot.balances = {make_balance("BTC", "1")};
    gateway->behave(std::move(behaviour));
    fakes_.push_back(gateway);
    return gateway;
  }

  BoundedCall<gateways::BalanceSnapshot> call(const std::shared_ptr<FakeGateway>& gateway, CallDeadline deadline) {
    return {[gateway] { return gateway->balances(); }, deadline};
  }

  std::shared_ptr<Batch> run(std::vector<BoundedCall<gateways::BalanceSnapshot>> calls) {
    auto batch = std::make_shared<Batch>();
    asio::co_spawn(io_, run_batch(io_.get_executor(), std::move(calls), batch), asio::detached);
    EXPECT_TRUE(run_until(io_, [&] { return batch->outcomes.has_value(); }));
    return batch;
  }

  asio::io_context io_;
  std::vector<std::shared_ptr<FakeGateway>> fakes_;
};

TEST_F(FanOutTest, CallsRunConcurrentlyAndOutcomesKeepCallOrder) {
  std::vector<BoundedCall<gateways::BalanceSnapshot>> calls;
  for (const auto* id : {"a", "b", "c", "d"}) calls.push_back(call(add(id, Behaviour::after(150ms)), CallDeadline::after(5s)));
  const auto batch = run(std::move(calls));
  ASSERT_EQ(batch->outcomes->size(), 4u);
  for (const auto& outcome : *batch->outcomes) {
    ASSERT_TRUE(outcome->value);
    EXPECT_FALSE(outcome->error);
    EXPECT_GE(outcome->latency, 150ms);
  }
  EXPECT_LT(batch->took, 450ms);  // in sequence: 600 ms
}

TEST_F(FanOutTest, ACallIgnoringCancellationEndsAtItsDeadlineWithTimeout) {
  auto deaf = add("deaf", Behaviour::hang_ignoring_cancellation());
  auto slow = add("slow", Behaviour::after(3600s));
  auto fast = add("fast");
  const auto batch = run({call(deaf, CallDeadline::after(200ms)), call(slow, CallDeadline::after(100ms)),
                          call(fast, CallDeadline::after(5s))});
  EXPECT_GE(batch->took, 200ms);
  EXPECT_LT(batch->took, 1000ms);
  const auto& outcomes = *batch->outcomes;
  ASSERT_TRUE(outcomes[0]->error);
  EXPECT_EQ(outcomes[0]->error->code, ErrorCode::timeout);
  EXPECT_EQ(outcomes[0]->error->detail, "no answer within 200 ms");
  EXPECT_FALSE(outcomes[0]->value);
  EXPECT_EQ(outcomes[1]->error->code, ErrorCode::timeout);
  EXPECT_TRUE(outcomes[2]->value);
  // The slow adapter honours cancellation: it was cancelled at its deadline.
  EXPECT_TRUE(run_until(io_, [&] { return slow->cancelled() == 1; }));
}

TEST_F(FanOutTest, ACallWhoseDeadlineHasPassedIsNotStarted) {
  auto gateway = add("late");
  const auto batch = run({call(gateway, CallDeadline{std::chrono::steady_clock::now() - 1ms, 40ms})});
  EXPECT_EQ(batch->outcomes->at(0)->error->code, ErrorCode::timeout);
  EXPECT_EQ(batch->outcomes->at(0)->error->detail, "no answer within 40 ms");
  EXPECT_EQ(gateway->calls(), 0);
}

TEST_F(FanOutTest, FailuresAndThrowingAdaptersAreThatCallsErrorOnly) {
  auto failing = add("failing", Behaviour::fail(make_error(ErrorCode::unreachable, "refused")));
  auto buggy = add("buggy", Behaviour::throws());
  auto good = add("good");
  const auto batch =
      run({call(failing, CallDeadline::after(5s)), call(buggy, CallDeadline::after(5s)), call(good, CallDeadline::after(5s))});
  const auto& outcomes = *batch->outcomes;
  EXPECT_EQ(outcomes[0]->error->code, ErrorCode::unreachable);
  EXPECT_EQ(outcomes[1]->error->code, ErrorCode::internal);
  ASSERT_TRUE(outcomes[2]->value);
  EXPECT_EQ(outcomes[2]->value->balances.size(), 1u);
}

TEST_F(FanOutTest, OneSharedCallAnswersEveryWaiterAfterItsOnDone) {
  auto gate = std::make_shared<Gate>();
  auto gateway = add("shared", Behaviour::at_gate(gate));
  auto shared = std::make_shared<GatewayCall<gateways::BalanceSnapshot>>(io_.get_executor(), CallDeadline::after(5s));
  int done_calls = 0;
  shared->start([gateway] { return gateway->balances(); },
                [&](const auto&, const CallOutcomePtr<gateways::BalanceSnapshot>& outcome) {
                  ++done_calls;
                  EXPECT_TRUE(outcome->value);
                });
  std::vector<std::shared_ptr<Batch>> waiters;
  for (int i = 0; i < 3; ++i) {
    auto waiter = std::make_shared<Batch>();
    asio::co_spawn(
        io_,
        [](std::shared_ptr<GatewayCall<gateways::BalanceSnapshot>> call, std::shared_ptr<Batch> out, int* done) -> asio::awaitable<void> {
          auto waiting = await_every(std::vector<std::shared_ptr<GatewayCall<gateways::BalanceSnapshot>>>{call});
          out->outcomes = co_await std::move(waiting);
          EXPECT_EQ(*done, 1);  // the slot was updated before any waiter resumed
        }(shared, waiter, &done_calls),
        asio::detached);
    waiters.push_back(waiter);
  }
  run_ready(io_);
  EXPECT_EQ(gateway->calls(), 1);
  for (const auto& waiter : waiters) EXPECT_FALSE(waiter->outcomes);
  gate->open();
  ASSERT_TRUE(run_until(io_, [&] { return waiters.back()->outcomes.has_value(); }));
  run_ready(io_);
  for (const auto& waiter : waiters) {
    ASSERT_TRUE(waiter->outcomes);
    EXPECT_EQ(waiter->outcomes->at(0), waiters[0]->outcomes->at(0));  // the very same outcome
  }
  EXPECT_EQ(gateway->calls(), 1);
  EXPECT_EQ(done_calls, 1);
}

}  // namespace
}  // namespace coinfan::aggregate::testing_support
