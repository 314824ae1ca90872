// A thousand transfers into a simulator that randomly loses their answers: dropping the
// connection before carrying the order out, dropping it after, or answering after the client's
// deadline. Whatever happens on the wire, the simulator's ledger and the service's answers
// must agree: no order executed twice, no order sent twice, every success answer backed by an
// execution, and every execution answered as a success.

#include <atomic>
#include <map>
#include <mutex>
#include <random>

#include "integration/writes/write_rig.hpp"

namespace coinfan::writes::testing {
namespace {

using sim::Fault;

enum class Trouble { none, drop_before, drop_after, late_answer };

struct Trial {
  std::string order_id;
  Trouble trouble = Trouble::none;
  unsigned status = 0;
  std::string code;
};

TEST(AtMostOnce, ThousandTransfersWithRandomlyLostAnswers) {
  constexpr int trials = 1000;
  constexpr int workers = 4;  // below the circuit breaker's five consecutive failures
  // Reads keep the default retries: a write must stay single however eager the client is.
  // The timeout leaves the order lookups room on a loaded machine (a sanitizer build beside
  // other work): a lookup that times out is a failure too, and five in a row open the circuit.
  WriteRig rig({.gateway_timeout = 150ms, .resolution = {{0ms, 10ms, 30ms}}, .threads = 4, .retries = 2});
  rig.provider().set_available(alice, 1280, Decimal::parse("1000000").value());

  std::mt19937 random(20261202);  // a fixed seed: a failure can be replayed
  std::vector<Trial> plan(trials);
  std::map<Trouble, int> planned;
  for (int i = 0; i < trials; ++i) {
    plan[i].order_id = "trial-" + std::to_string(i);
    plan[i].trouble = static_cast<Trouble>(random() % 4);
    ++planned[plan[i].trouble];
  }
  for (auto& trial : plan) {
    const std::string marker = "\"orderId\":\"" + trial.order_id + "\"";
    switch (trial.trouble) {
      case Trouble::none: break;
      case Trouble::drop_before:
        rig.simulator().inject(Fault::drop_connection().before_handling().on("userTransfer").with_body(marker).times(1));
        break;
      case Trouble::drop_after:
        rig.simulator().inject(Fault::drop_connection().on("userTransfer").with_body(marker).times(1));
        break;
      case Trouble::late_answer:
        rig.simulator().inject(Fault::latency_of(450ms).on("userTransfer").with_body(marker).times(1));
        break;
    }
  }

  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (int i = next++; i < trials; i = next++) {
        const auto answer =
            rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "0.01", plan[i].order_id));
        plan[i].status = answer.status;
        plan[i].code = answer.text("code");
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::map<std::string, int> outcomes;
  int successes = 0;
  int executions = 0;
  for (const auto& trial : plan) {
    const auto executed = rig.provider().executions(trial.order_id);
    const auto sent = rig.provider().submissions(trial.order_id);
    executions += static_cast<int>(executed);
    ++outcomes[std::to_string(trial.status) + " " + trial.code];
    EXPECT_LE(executed, 1u) << trial.order_id;
    // A drop before handling never reaches the ledger; every other trial reaches it exactly once.
    EXPECT_EQ(sent, trial.trouble == Trouble::drop_before ? 0u : 1u) << trial.order_id;
    if (trial.status == 201u) {
      ++successes;
      EXPECT_EQ(executed, 1u) << trial.order_id << ": a success answer without an execution";
    } else {
      EXPECT_EQ(executed, 0u) << trial.order_id << ": executed but answered " << trial.status << " " << trial.code;
      EXPECT_EQ(trial.code, "not_executed") << trial.order_id;
    }
  }
  for (const auto& [trouble, count] : planned) EXPECT_GT(count, 150) << static_cast<int>(trouble);
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), static_cast<std::uint64_t>(trials));  // each sent once
  EXPECT_EQ(successes, executions);
  EXPECT_EQ(successes, trials - planned[Trouble::drop_before]);
  std::string summary;
  for (const auto& [outcome, count] : outcomes) summary += " [" + outcome + "] x" + std::to_string(count);
  std::printf("[ trials   ]%s\n", summary.c_str());
}

}  // namespace
}  // namespace coinfan::writes::testing
