// The write endpoints over real HTTP on loopback, through the real adapters, against a
// simulated CCPayment v2 ledger: every rule of the write side, each checked against what the
// simulator actually carried out.

#include <future>
#include <set>

#include "integration/writes/write_rig.hpp"

namespace coinfan::writes::testing {
namespace {

using sim::Fault;

std::string usdt_total(WriteRig& rig, const std::string& query = "/v1/balances?gateway=ccp&asset=USDT") {
  const auto answer = rig.get(query);
  EXPECT_EQ(answer.status, 200u) << answer.body_text;
  for (const auto& balance : answer.body.at("balances").as_array()) {
    if (balance.at("asset").as_string() == "USDT") return std::string(balance.at("total").as_string());
  }
  return {};
}

std::set<std::string> fields_of(const Answer& answer) {
  std::set<std::string> fields;
  if (!answer.body.is_object() || !answer.body.as_object().contains("errors")) return fields;
  for (const auto& error : answer.body.at("errors").as_array()) fields.insert(std::string(error.at("field").as_string()));
  return fields;
}

void expect_problem(const Answer& answer, unsigned status, std::string_view code) {
  EXPECT_EQ(answer.status, status) << answer.body_text;
  EXPECT_EQ(answer.content_type, "application/problem+json") << answer.body_text;
  EXPECT_EQ(answer.text("code"), code) << answer.body_text;
}

// --- the happy path -------------------------------------------------------------------------

TEST(WriteRoutes, TransferIsCreatedWithLocationAndTheNextBalancesShowIt) {
  WriteRig rig;
  EXPECT_EQ(usdt_total(rig), "15234.56");  // now cached for the next plain request
  const auto answer = rig.post("/v1/gateways/ccp/transfers",
                               transfer_body(rig.merchant(), alice, "1.5", "payout-0001", R"("asset":"usdt")",
                                             R"(,"remark":"weekly payout")"));
  ASSERT_EQ(answer.status, 201u) << answer.body_text;
  const std::string id = answer.text("id");
  EXPECT_EQ(answer.location, "/v1/gateways/ccp/transfers/" + id);
  EXPECT_EQ(answer.text("kind"), "transfer");
  EXPECT_EQ(answer.text("order_id"), "payout-0001");
  EXPECT_EQ(answer.text("amount"), "1.5");
  EXPECT_EQ(answer.text("coin_id"), "1280");
  EXPECT_EQ(answer.text("from_user_id"), rig.merchant());
  EXPECT_EQ(answer.text("to_user_id"), alice);
  EXPECT_EQ(answer.text("remark"), "weekly payout");
  EXPECT_EQ(answer.replayed, "");

  // The record at Location is the one the POST answered with.
  const auto record = rig.get(answer.location);
  ASSERT_EQ(record.status, 200u) << record.body_text;
  EXPECT_EQ(record.body, answer.body);

  // The simulator moved the money once, and the next balances (no max_age_ms) already show it.
  EXPECT_EQ(rig.provider().executions("payout-0001"), 1u);
  EXPECT_EQ(rig.provider().available(alice, 1280), Decimal::parse("252").value());
  EXPECT_EQ(usdt_total(rig), "15233.06");
}

TEST(WriteRoutes, ReplayIsAnsweredWithTheExistingRecordAndNeverExecutedTwice) {
  WriteRig rig;
  const auto body = transfer_body(alice, bob, "2.25", "payout-0002");
  const auto first = rig.post("/v1/gateways/ccp/transfers", body);
  ASSERT_EQ(first.status, 201u) << first.body_text;
  // The same request again, also with the amount spelt differently and the coin by id.
  for (const auto& again : {body, transfer_body(alice, bob, "2.250", "payout-0002", R"("coin_id":1280)")}) {
    const auto replay = rig.post("/v1/gateways/ccp/transfers", again);
    EXPECT_EQ(replay.status, 200u) << replay.body_text;
    EXPECT_EQ(replay.replayed, "true");
    EXPECT_EQ(replay.location, first.location);
    EXPECT_EQ(replay.body, first.body);
  }
  EXPECT_EQ(rig.provider().submissions("payout-0002"), 1u);
  EXPECT_EQ(rig.provider().executions("payout-0002"), 1u);

  // The same order id for a different request is a conflict, and nothing moves.
  const auto before = rig.provider().available(alice, 1280);
  const auto other = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "3", "payout-0002"));
  expect_problem(other, 409, "order_conflict");
  EXPECT_EQ(other.text("order_id"), "payout-0002");
  EXPECT_FALSE(other.body.at("executed").as_bool());
  EXPECT_EQ(rig.provider().available(alice, 1280), before);
  EXPECT_EQ(rig.provider().submissions("payout-0002"), 1u);
}

TEST(WriteRoutes, AfterARestartTheProviderRecordDecidesReplayOrConflict) {
  WriteRig rig;
  const auto body = transfer_body(alice, bob, "1", "payout-0003");
  const auto first = rig.post("/v1/gateways/ccp/transfers", body);
  ASSERT_EQ(first.status, 201u) << first.body_text;
  rig.restart();  // the ledger is empty: the provider's duplicate-order answer leads to the lookup
  const auto replay = rig.post("/v1/gateways/ccp/transfers", body);
  EXPECT_EQ(replay.status, 200u) << replay.body_text;
  EXPECT_EQ(replay.replayed, "true");
  EXPECT_EQ(replay.text("id"), first.text("id"));
  rig.restart();
  const auto other = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "5", "payout-0003"));
  expect_problem(other, 409, "order_conflict");
  EXPECT_EQ(rig.provider().executions("payout-0003"), 1u);
}

TEST(WriteRoutes, RepeatedSubmitCodeLeadsToTheLookupNotToAnError) {
  WriteRig rig;
  // An order the provider already holds, answered 11007 (repeated submit) this time.
  sim::CcpaymentV2TransferRecord held;
  held.order_id = "payout-0004";
  held.from_user_id = alice;
  held.to_user_id = bob;
  held.coin_id = 1280;
  held.amount = Decimal::parse("4").value();
  held.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto record_id = rig.provider().add_transfer_record(held);
  rig.simulator().inject(Fault::provider_error_of("11007", "repeated submit").on("userTransfer").times(1));
  const auto answer = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "4", "payout-0004"));
  EXPECT_EQ(answer.status, 200u) << answer.body_text;
  EXPECT_EQ(answer.replayed, "true");
  EXPECT_EQ(answer.text("id"), record_id);
}

TEST(WriteRoutes, ConcurrentIdenticalRequestsShareOneExecution) {
  WriteRig rig({.threads = 4});
  rig.simulator().inject(Fault::latency_of(300ms).on("userTransfer").times(1));
  const auto body = transfer_body(alice, bob, "0.5", "payout-0005");
  std::vector<std::future<Answer>> answers;
  for (int i = 0; i < 6; ++i) {
    answers.push_back(std::async(std::launch::async, [&rig, &body] { return rig.post("/v1/gateways/ccp/transfers", body); }));
  }
  int created = 0;
  int replayed = 0;
  std::set<std::string> ids;
  for (auto& future : answers) {
    const auto answer = future.get();
    if (answer.status == 201u) ++created;
    if (answer.status == 200u && answer.replayed == "true") ++replayed;
    ids.insert(answer.text("id"));
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(replayed, 5);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(rig.provider().submissions("payout-0005"), 1u);
}

// --- validation -----------------------------------------------------------------------------

TEST(WriteRoutes, EveryBadFieldIsNamedAndNothingIsSent) {
  WriteRig rig;
  const auto answer = rig.post("/v1/gateways/ccp/transfers",
                               R"({"from_user_id":"sysadmin","to_user_id":"abc","asset":"USDT","amount":1.5,)"
                               R"("order_id":"x","remark":")" + std::string(256, 'r') + R"(","memo":"?"})");
  expect_problem(answer, 422, "validation_failed");
  EXPECT_EQ(fields_of(answer), (std::set<std::string>{"from_user_id", "to_user_id", "amount", "order_id", "remark", "memo"}))
      << answer.body_text;
  EXPECT_FALSE(answer.body.at("executed").as_bool());
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 0u);
}

TEST(WriteRoutes, AmountsMustBePositiveDecimalStringsWithinTheCoinsPrecision) {
  WriteRig rig;
  struct Case {
    std::string amount_json;
    std::string coin;
  };
  const std::vector<Case> bad = {
      {"15", R"("asset":"USDT")"},          {"1.5", R"("asset":"USDT")"},         {"1e2", R"("asset":"USDT")"},
      {R"("1e2")", R"("asset":"USDT")"},    {R"("-1")", R"("asset":"USDT")"},     {R"("+1")", R"("asset":"USDT")"},
      {R"("0")", R"("asset":"USDT")"},      {R"("0.000")", R"("asset":"USDT")"},  {R"(" 1")", R"("asset":"USDT")"},
      {R"("1.")", R"("asset":"USDT")"},     {R"(".5")", R"("asset":"USDT")"},     {R"("")", R"("asset":"USDT")"},
      {R"("1.1234567")", R"("asset":"TRX")"},                                    // TRX: 6 places
      {R"("0.1234567890123456789")", R"("coin_id":1280)"},                       // USDT: 18 places
  };
  for (const auto& c : bad) {
    const std::string body = R"({"from_user_id":")" + alice + R"(","to_user_id":")" + bob + R"(",)" + c.coin +
                             R"(,"amount":)" + c.amount_json + R"(,"order_id":"amount-check"})";
    const auto answer = rig.post("/v1/gateways/ccp/transfers", body);
    expect_problem(answer, 422, "validation_failed");
    EXPECT_EQ(fields_of(answer), (std::set<std::string>{"amount"})) << c.amount_json << ": " << answer.body_text;
  }
  // Trailing zeros are not digits the coin must hold: 1.1234560 TRX is six places.
  const auto fine = rig.post("/v1/gateways/ccp/transfers",
                             transfer_body(alice, rig.merchant(), "1.1234560", "amount-ok", R"("asset":"TRX")"));
  EXPECT_EQ(fine.status, 201u) << fine.body_text;
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 1u);
}

TEST(WriteRoutes, CoinsAreNamedByIdOrKnownSymbolExactlyOnce) {
  WriteRig rig;
  const auto unknown = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "coin-1", R"("asset":"DOGE")"));
  expect_problem(unknown, 422, "validation_failed");
  EXPECT_EQ(fields_of(unknown), (std::set<std::string>{"asset"}));
  const auto unknown_id = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "coin-2", R"("coin_id":99)"));
  EXPECT_EQ(fields_of(unknown_id), (std::set<std::string>{"coin_id"}));
  const auto both = rig.post("/v1/gateways/ccp/transfers",
                             transfer_body(alice, bob, "1", "coin-3", R"("coin_id":1280,"asset":"USDT")"));
  EXPECT_EQ(fields_of(both), (std::set<std::string>{"coin_id"}));
  const auto neither = rig.post("/v1/gateways/ccp/transfers",
                                R"({"from_user_id":")" + alice + R"(","to_user_id":")" + bob +
                                    R"(","amount":"1","order_id":"coin-4"})");
  EXPECT_EQ(fields_of(neither), (std::set<std::string>{"coin_id"}));
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 0u);
}

TEST(WriteRoutes, BodiesThatAreNotJsonObjectsAreRejected) {
  WriteRig rig;
  expect_problem(rig.post("/v1/gateways/ccp/transfers", "{\"amount\":", payouts_key), 400, "invalid_json");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", "[1,2]", payouts_key), 400, "invalid_json");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", R"({"order_id":"a","order_id":"b"})", payouts_key), 400,
                 "invalid_json");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "form-1"), payouts_key,
                          "application/x-www-form-urlencoded"),
                 415, "unsupported_media_type");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "form-2"), payouts_key, ""), 415,
                 "unsupported_media_type");
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 0u);
}

// --- who may write, and where -----------------------------------------------------------------

TEST(WriteRoutes, WritesNeedAKeyWithScopeWrite) {
  WriteRig rig;
  const auto body = transfer_body(alice, bob, "1", "auth-1");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", body, ""), 401, "unauthorized");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", body, reader_key), 403, "forbidden");
  expect_problem(rig.post("/v1/gateways/ccp/transfers", body, "payouts-key-0002"), 401, "unauthorized");
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 0u);
}

TEST(WriteRoutes, WithoutAnyConfiguredKeyEveryWriteIsRefusedSayingWhy) {
  WriteRig rig({.keys = false});
  EXPECT_EQ(rig.get("/v1/balances", "").status, 200u);  // reads stay open
  const auto answer = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "auth-2"), "");
  expect_problem(answer, 401, "unauthorized");
  EXPECT_NE(answer.text("detail").find("none is configured"), std::string::npos) << answer.body_text;
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 0u);
}

TEST(WriteRoutes, GatewaysWithoutTheActionAndUnknownGatewaysAreProblems) {
  WriteRig rig;
  const auto body = transfer_body(alice, bob, "1", "where-1");
  expect_problem(rig.post("/v1/gateways/cloud/transfers", body), 404, "unsupported_operation");
  expect_problem(rig.post("/v1/gateways/cloud/swaps/quote", R"({"asset_in":"USDT","amount_in":"1","asset_out":"TRX"})"),
                 404, "unsupported_operation");
  expect_problem(rig.post("/v1/gateways/nope/transfers", body), 404, "unknown_gateway");
}

// --- the provider's answers -------------------------------------------------------------------

TEST(WriteRoutes, ProviderRefusalsKeepTheirCodeAndMeaning) {
  WriteRig rig;
  const auto poor = rig.post("/v1/gateways/ccp/transfers", transfer_body(bob, alice, "81", "refused-1"));
  expect_problem(poor, 422, "insufficient_balance");
  EXPECT_EQ(poor.text("provider_code"), "14000");
  EXPECT_FALSE(poor.body.at("executed").as_bool());

  rig.simulator().inject(Fault::provider_error_of("12000", "merchant disabled").on("userTransfer").times(1));
  const auto disabled = rig.post("/v1/gateways/ccp/transfers", transfer_body(bob, alice, "1", "refused-2"));
  expect_problem(disabled, 502, "provider_error");
  EXPECT_EQ(disabled.text("provider_code"), "12000");
  EXPECT_EQ(disabled.text("provider_message"), "merchant disabled");
  EXPECT_EQ(rig.provider().executions("refused-1") + rig.provider().executions("refused-2"), 0u);

  // A refusal is not remembered: the same order id may be sent again, and then it goes through.
  const auto retried = rig.post("/v1/gateways/ccp/transfers", transfer_body(bob, alice, "1", "refused-2"));
  EXPECT_EQ(retried.status, 201u) << retried.body_text;
}

// --- lost answers -----------------------------------------------------------------------------

TEST(WriteRoutes, AnswerLostAfterExecutionIsResolvedToTheRecord) {
  WriteRig rig;
  rig.simulator().inject(Fault::drop_connection().on("userTransfer").times(1));
  const auto answer = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "lost-1"));
  EXPECT_EQ(answer.status, 201u) << answer.body_text;
  EXPECT_EQ(answer.text("order_id"), "lost-1");
  EXPECT_EQ(rig.provider().submissions("lost-1"), 1u);
  EXPECT_EQ(rig.provider().executions("lost-1"), 1u);
}

TEST(WriteRoutes, AnswerAfterTheDeadlineIsResolvedToTheRecord) {
  WriteRig rig({.gateway_timeout = 200ms});
  rig.simulator().inject(Fault::latency_of(600ms).on("userTransfer").times(1));
  const auto answer = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "late-1"));
  EXPECT_EQ(answer.status, 201u) << answer.body_text;
  EXPECT_EQ(rig.provider().submissions("late-1"), 1u);
}

TEST(WriteRoutes, LostBeforeExecutionSaysNotExecutedAndTheSameOrderIdIsSafeToRepeat) {
  WriteRig rig;
  rig.simulator().inject(Fault::drop_connection().before_handling().on("userTransfer").times(1));
  const auto lost = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "lost-2"));
  expect_problem(lost, 502, "not_executed");
  EXPECT_FALSE(lost.body.at("executed").as_bool());
  EXPECT_EQ(lost.text("order_id"), "lost-2");
  EXPECT_EQ(rig.provider().executions("lost-2"), 0u);
  const auto again = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "lost-2"));
  EXPECT_EQ(again.status, 201u) << again.body_text;
  EXPECT_EQ(rig.provider().executions("lost-2"), 1u);
}

TEST(WriteRoutes, OutcomeUnknownOnlyWhenTheProviderCannotBeAsked) {
  WriteRig rig;
  rig.simulator().inject(Fault::drop_connection().on("userTransfer").times(1));
  rig.simulator().inject(Fault::http_status_of(503).on("getUserTransferRecord"));
  const auto unknown = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "unknown-1"));
  expect_problem(unknown, 502, "outcome_unknown");
  EXPECT_TRUE(unknown.body.at("executed").is_null()) << unknown.body_text;
  EXPECT_EQ(unknown.text("order_id"), "unknown-1");
  EXPECT_NE(unknown.text("detail").find("unknown-1"), std::string::npos);
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getUserTransferRecord"), 3u);  // the plan's three lookups

  // Once the provider can be asked again, the same request learns the truth: it went through.
  rig.simulator().clear_faults();
  const auto later = rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "unknown-1"));
  EXPECT_EQ(later.status, 200u) << later.body_text;
  EXPECT_EQ(later.replayed, "true");
  EXPECT_EQ(rig.provider().executions("unknown-1"), 1u);
}

TEST(WriteRoutes, AWriteStillResolvingIsAnsweredBeforeTheRequestTimeoutAndLearnedLater) {
  WriteRig rig({.gateway_timeout = 3000ms, .answer_within = 150ms});
  rig.simulator().inject(Fault::latency_of(600ms).on("userTransfer").times(1));
  const auto body = transfer_body(alice, bob, "1", "slow-1");
  const auto early = rig.post("/v1/gateways/ccp/transfers", body);
  expect_problem(early, 502, "outcome_unknown");
  EXPECT_TRUE(early.body.at("executed").is_null());
  EXPECT_NE(early.text("detail").find("still being"), std::string::npos) << early.body_text;
  // The execution went on without the caller; once it is over, a repeat learns the truth.
  ASSERT_TRUE(rig.wait_settled("slow-1"));
  const auto later = rig.post("/v1/gateways/ccp/transfers", body);
  EXPECT_EQ(later.status, 200u) << later.body_text;
  EXPECT_EQ(later.replayed, "true");
  EXPECT_EQ(rig.provider().submissions("slow-1"), 1u);
  EXPECT_EQ(rig.provider().executions("slow-1"), 1u);
}

// --- swaps, quotes, rescans ---------------------------------------------------------------------

TEST(WriteRoutes, QuoteThenSwapByAssetSymbols) {
  WriteRig rig;
  const auto quote = rig.post("/v1/gateways/ccp/swaps/quote",
                              R"({"asset_in":"USDT","amount_in":"10","asset_out":"TRX","extra_fee_rate":"0.01"})");
  ASSERT_EQ(quote.status, 200u) << quote.body_text;
  EXPECT_EQ(quote.text("coin_id_in"), "1280");
  EXPECT_EQ(quote.text("coin_id_out"), "1482");
  EXPECT_EQ(quote.text("asset_out"), "TRX");
  EXPECT_EQ(quote.text("amount_in"), "10");
  for (const char* member : {"amount_out", "net_amount_out", "swap_rate", "fee", "fee_rate", "extra_fee"}) {
    EXPECT_TRUE(Decimal::parse(quote.text(member)).ok()) << member << ": " << quote.body_text;
  }
  const auto trx_before = rig.provider().available(alice, 1482).value_or(Decimal());
  const std::string body = R"({"order_id":"swap-0001","user_id":")" + alice +
                           R"(","asset_in":"USDT","amount_in":"10","asset_out":"TRX","extra_fee_rate":"0.01"})";
  const auto swap = rig.post("/v1/gateways/ccp/swaps", body);
  ASSERT_EQ(swap.status, 201u) << swap.body_text;
  EXPECT_EQ(swap.location, "/v1/gateways/ccp/swaps/" + swap.text("id"));
  EXPECT_EQ(swap.text("kind"), "swap");
  EXPECT_EQ(swap.text("net_amount_out"), quote.text("net_amount_out"));
  EXPECT_EQ(rig.provider().available(alice, 1482).value_or(Decimal()),
            trx_before + Decimal::parse(quote.text("net_amount_out")).value());

  const auto replay = rig.post("/v1/gateways/ccp/swaps", body);
  EXPECT_EQ(replay.status, 200u);
  EXPECT_EQ(replay.replayed, "true");
  EXPECT_EQ(rig.provider().executions("swap-0001"), 1u);

  const auto same_coin = rig.post("/v1/gateways/ccp/swaps/quote",
                                  R"({"asset_in":"USDT","amount_in":"10","coin_id_out":1280})");
  expect_problem(same_coin, 422, "validation_failed");
}

TEST(WriteRoutes, SwapWhoseAnswerIsLostIsResolvedToTheRecord) {
  WriteRig rig;
  rig.simulator().inject(Fault::drop_connection().on("userSwap").times(1));
  const auto swap = rig.post("/v1/gateways/ccp/swaps", R"({"order_id":"swap-lost","user_id":")" + alice +
                                                           R"(","coin_id_in":1280,"amount_in":"5","coin_id_out":1482})");
  EXPECT_EQ(swap.status, 201u) << swap.body_text;
  EXPECT_EQ(rig.provider().submissions("swap-lost"), 1u);
  EXPECT_EQ(rig.provider().executions("swap-lost"), 1u);
}

TEST(WriteRoutes, RescanIsAccepted) {
  WriteRig rig;
  const auto answer = rig.post("/v1/gateways/ccp/deposits/rescan",
                               R"({"chain":"TRX","to_address":"TXyz1234567890abcdef","tx_id":"0xabc123"})");
  ASSERT_EQ(answer.status, 202u) << answer.body_text;
  EXPECT_EQ(answer.text("chain"), "TRX");
  EXPECT_EQ(answer.text("tx_id"), "0xabc123");
  EXPECT_FALSE(answer.text("description").empty());
  const auto bad = rig.post("/v1/gateways/ccp/deposits/rescan", R"({"chain":"TRX","to_address":"has space"})");
  expect_problem(bad, 422, "validation_failed");
  EXPECT_EQ(fields_of(bad), (std::set<std::string>{"to_address", "tx_id"}));
}

TEST(WriteRoutes, WritesAreCountedByGatewayOperationAndOutcome) {
  WriteRig rig;
  ASSERT_EQ(rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "count-1")).status, 201u);
  ASSERT_EQ(rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "1", "count-1")).status, 200u);
  ASSERT_EQ(rig.post("/v1/gateways/ccp/transfers", transfer_body(alice, bob, "2", "count-1")).status, 409u);
  ASSERT_EQ(rig.post("/v1/gateways/who/transfers", transfer_body(alice, bob, "2", "count-2")).status, 404u);
  const auto counts = rig.writes().counts();
  EXPECT_EQ(counts.at({"ccp", "transfer", "created"}), 1u);
  EXPECT_EQ(counts.at({"ccp", "transfer", "replayed"}), 1u);
  EXPECT_EQ(counts.at({"ccp", "transfer", "conflict"}), 1u);
  EXPECT_EQ(counts.at({"", "transfer", "unknown_gateway"}), 1u);  // a caller's id is no label
}

}  // namespace
}  // namespace coinfan::writes::testing
