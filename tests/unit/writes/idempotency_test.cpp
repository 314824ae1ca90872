// The order ledger, the resolution verdicts and what a failed send means.

#include <gtest/gtest.h>

#include "coinfan/writes/idempotency.hpp"

namespace coinfan::writes {
namespace {

using namespace std::chrono_literals;
using Action = OrderLedger::Decision::Action;

const LedgerTime t0{};

Decimal dec(std::string_view text) { return Decimal::parse(text).value(); }

TEST(OrderLedger, FirstRequestExecutesTheSameJoinsAnotherConflicts) {
  OrderLedger ledger;
  const auto key = order_key("ccp", WriteKind::transfer, "o-1");
  const auto first = ledger.begin(key, "A", t0);
  EXPECT_EQ(first.action, Action::execute);
  const auto same = ledger.begin(key, "A", t0);
  EXPECT_EQ(same.action, Action::join);
  EXPECT_EQ(same.flight, first.flight);
  EXPECT_EQ(ledger.begin(key, "B", t0).action, Action::conflict);

  ledger.finish(key, first.flight, OrderLedger::Success{"{\"id\":\"r-1\"}", "r-1"}, t0 + 1s);
  const auto replay = ledger.begin(key, "A", t0 + 2s);
  EXPECT_EQ(replay.action, Action::replay);
  EXPECT_EQ(replay.record_json, "{\"id\":\"r-1\"}");
  EXPECT_EQ(replay.record_id, "r-1");
  EXPECT_EQ(ledger.begin(key, "B", t0 + 2s).action, Action::conflict);
}

TEST(OrderLedger, KeysSeparateGatewaysAndKinds) {
  OrderLedger ledger;
  EXPECT_EQ(ledger.begin(order_key("ccp", WriteKind::transfer, "o-1"), "A", t0).action, Action::execute);
  EXPECT_EQ(ledger.begin(order_key("ccp", WriteKind::swap, "o-1"), "B", t0).action, Action::execute);
  EXPECT_EQ(ledger.begin(order_key("ccp2", WriteKind::transfer, "o-1"), "C", t0).action, Action::execute);
  EXPECT_NE(order_key("a", WriteKind::transfer, "b-c"), order_key("a-b", WriteKind::transfer, "c"));
}

TEST(OrderLedger, AFailureIsForgottenSoTheProviderDecidesNextTime) {
  OrderLedger ledger;
  const auto key = order_key("ccp", WriteKind::transfer, "o-2");
  const auto first = ledger.begin(key, "A", t0);
  ledger.finish(key, first.flight, std::nullopt, t0);
  EXPECT_EQ(ledger.size(), 0u);
  // A different request may now use the order id: the provider's own record will tell.
  EXPECT_EQ(ledger.begin(key, "B", t0).action, Action::execute);
}

TEST(OrderLedger, FinishedEntriesExpireAndAreBounded) {
  OrderLedger ledger(OrderLedger::Limits{.max_entries = 2, .keep = 60s});
  for (const char* order : {"o-1", "o-2", "o-3"}) {
    const auto key = order_key("ccp", WriteKind::transfer, order);
    const auto decision = ledger.begin(key, "A", t0);
    ledger.finish(key, decision.flight, OrderLedger::Success{"{}", order}, t0);
  }
  EXPECT_EQ(ledger.size(), 2u);  // o-1, the oldest, went first
  EXPECT_EQ(ledger.begin(order_key("ccp", WriteKind::transfer, "o-3"), "A", t0 + 59s).action, Action::replay);
  EXPECT_EQ(ledger.begin(order_key("ccp", WriteKind::transfer, "o-3"), "A", t0 + 61s).action, Action::execute);
}

TEST(OrderLedger, AStaleFinishDoesNotTouchANewerFlight) {
  OrderLedger ledger;
  const auto key = order_key("ccp", WriteKind::transfer, "o-4");
  const auto first = ledger.begin(key, "A", t0);
  ledger.finish(key, first.flight, std::nullopt, t0);
  const auto second = ledger.begin(key, "A", t0);
  ledger.finish(key, first.flight, OrderLedger::Success{"{}", "r"}, t0);  // the old flight again
  EXPECT_EQ(ledger.begin(key, "A", t0).action, Action::join);
  EXPECT_EQ(ledger.begin(key, "A", t0).flight, second.flight);
}

TEST(Fingerprint, SameRequestsShareItDifferentOnesDoNot) {
  const TransferIntent a{"abcde", "vwxyz", 1280, dec("1.50"), ""};
  TransferIntent b = a;
  b.amount = dec("1.5");
  EXPECT_EQ(fingerprint(a), fingerprint(b));
  b.remark = "x";
  EXPECT_NE(fingerprint(a), fingerprint(b));
  TransferIntent c = a;
  c.from_user_id = "abcdev";
  c.to_user_id = "wxyz";  // the same characters split differently
  EXPECT_NE(fingerprint(a), fingerprint(c));
  const SwapIntent s{"abcde", 1280, dec("10"), 1482, "", ""};
  SwapIntent t = s;
  t.amount_out_minimum = "30";
  EXPECT_NE(fingerprint(s), fingerprint(t));
}

TEST(SameRequest, ComparesTheRecordsFields) {
  const TransferIntent intent{"abcde", "vwxyz", 1280, dec("2"), "rent"};
  TransferRecord record;
  record.from_user_id = "abcde";
  record.to_user_id = "vwxyz";
  record.coin_id = "1280";
  record.amount = dec("2.000");
  record.remark = "rent";
  EXPECT_TRUE(same_request(intent, record));
  record.amount = dec("2.001");
  EXPECT_FALSE(same_request(intent, record));
  record.amount = dec("2");
  record.to_user_id = "other";
  EXPECT_FALSE(same_request(intent, record));

  const SwapIntent swap{"abcde", 1280, dec("10"), 1482, "0.01", ""};
  SwapRecord swapped;
  swapped.user_id = "abcde";
  swapped.coin_id_in = "1280";
  swapped.coin_id_out = "1482";
  swapped.amount_in = dec("10");
  EXPECT_TRUE(same_request(swap, swapped));
  swapped.coin_id_out = "1155";
  EXPECT_FALSE(same_request(swap, swapped));
}

TEST(Resolution, ARecordDecidesAtOnce) {
  Resolution resolution(3);
  EXPECT_FALSE(resolution.record(LookupOutcome::not_found));
  EXPECT_EQ(resolution.record(LookupOutcome::found_same), Verdict::executed);
  Resolution other(3);
  EXPECT_EQ(other.record(LookupOutcome::found_different), Verdict::conflict);
}

TEST(Resolution, TheLatestAnswerDecidesAtTheEnd) {
  Resolution absent(3);
  EXPECT_FALSE(absent.record(LookupOutcome::not_found));
  EXPECT_FALSE(absent.record(LookupOutcome::not_found));
  EXPECT_EQ(absent.record(LookupOutcome::not_found), Verdict::not_executed);

  Resolution answered_once(3);
  EXPECT_FALSE(answered_once.record(LookupOutcome::failed));
  EXPECT_FALSE(answered_once.record(LookupOutcome::failed));
  EXPECT_EQ(answered_once.record(LookupOutcome::not_found), Verdict::not_executed);

  Resolution never_answered(3);
  EXPECT_FALSE(never_answered.record(LookupOutcome::failed));
  EXPECT_FALSE(never_answered.record(LookupOutcome::failed));
  EXPECT_EQ(never_answered.record(LookupOutcome::failed), Verdict::unknown);
}

TEST(SendFailure, WhatEachErrorMeansForTheOrder) {
  auto with = [](ErrorCode code, std::string provider_code = "") {
    Error error = make_error(code, "x");
    error.provider_code = std::move(provider_code);
    return classify_send_failure(error);
  };
  EXPECT_EQ(with(ErrorCode::timeout), SendFailure::answer_lost);
  EXPECT_EQ(with(ErrorCode::unreachable), SendFailure::answer_lost);
  EXPECT_EQ(with(ErrorCode::bad_response), SendFailure::answer_lost);
  EXPECT_EQ(with(ErrorCode::http_status), SendFailure::answer_lost);
  EXPECT_EQ(with(ErrorCode::tls_error), SendFailure::answer_lost);
  EXPECT_EQ(with(ErrorCode::provider_error, "11002"), SendFailure::answer_lost);
  EXPECT_EQ(with(ErrorCode::provider_error, "11011"), SendFailure::duplicate_order);
  EXPECT_EQ(with(ErrorCode::provider_error, "11007"), SendFailure::duplicate_order);
  EXPECT_EQ(with(ErrorCode::provider_error, "14000"), SendFailure::refused);
  EXPECT_EQ(with(ErrorCode::auth_failed, "11005"), SendFailure::refused);
  EXPECT_EQ(with(ErrorCode::rate_limited, "11004"), SendFailure::refused);
  EXPECT_EQ(with(ErrorCode::rate_limited), SendFailure::not_sent);
  EXPECT_EQ(with(ErrorCode::circuit_open), SendFailure::not_sent);
  EXPECT_EQ(with(ErrorCode::invalid_argument), SendFailure::not_sent);
}

}  // namespace
}  // namespace coinfan::writes
