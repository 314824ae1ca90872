#include "gateways/ccpayment_v2/requests.hpp"

#include <array>

#include <gtest/gtest.h>

namespace coinfan::gateways::ccpayment_v2 {
namespace {

const Credentials credentials{"testAppId", "testSecret"};
constexpr std::int64_t timestamp = 1677152720;

// Every built call must carry a Sign over exactly its body.
void expect_signed_over_body(const upstream::Request& call) {
  auto expected = sign(credentials, std::to_string(timestamp), call.body);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(find_header(call, "Sign"), *expected);
  EXPECT_EQ(find_header(call, "Appid"), "testAppId");
  EXPECT_EQ(find_header(call, "Timestamp"), "1677152720");
  EXPECT_EQ(find_header(call, "Content-Type"), "application/json");
  EXPECT_EQ(call.method, "POST");
}

TransferRequest valid_transfer() {
  return TransferRequest{"1709021102608", "1709021101247", 1280, "0.005", "12121212", std::nullopt};
}

SwapRequest valid_swap() {
  return SwapRequest{"order-123", "user-swap1", 1280, "100", 1329, std::nullopt, std::nullopt};
}

void expect_invalid(const Result<upstream::Request>& call, std::string_view detail_part) {
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(call.error().detail.find(detail_part), std::string::npos) << call.error().detail;
}

TEST(CcpaymentV2Requests, CallsWithoutParametersSendAnEmptyBodyMatchingTheReferenceVector) {
  for (auto call : {build_get_app_coin_asset_list(credentials, timestamp),
                    build_get_coin_list(credentials, timestamp)}) {
    ASSERT_TRUE(call.ok());
    EXPECT_EQ(call->body, "");
    EXPECT_EQ(find_header(*call, "Sign"),
              "d0b5aec98162af37717bf01333bc41b8fc9a9f3c754d2964411ee87af576a6b3");
    EXPECT_TRUE(call->idempotent);
  }
  EXPECT_EQ(build_get_app_coin_asset_list(credentials, timestamp)->target,
            "/ccpayment/v2/getAppCoinAssetList");
  EXPECT_EQ(build_get_coin_list(credentials, timestamp)->target, "/ccpayment/v2/getCoinList");
}

TEST(CcpaymentV2Requests, CoinIdBodyMatchesTheReferenceVector) {
  auto call = build_get_coin(credentials, timestamp, 1280);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->target, "/ccpayment/v2/getCoin");
  EXPECT_EQ(call->body, R"({"coinId":1280})");
  EXPECT_EQ(find_header(*call, "Sign"),
            "7d9b97cff373eb3b1801ede5c2490c0bfc6476f56a33310d259e1c6c22d02fb7");

  auto asset = build_get_app_coin_asset(credentials, timestamp, 1280);
  ASSERT_TRUE(asset.ok());
  EXPECT_EQ(asset->target, "/ccpayment/v2/getAppCoinAsset");
  EXPECT_EQ(asset->body, R"({"coinId":1280})");
}

TEST(CcpaymentV2Requests, UsdtPriceSendsTheCoinIdArray) {
  const std::array<std::int64_t, 2> ids = {1280, 1329};
  auto call = build_get_coin_usdt_price(credentials, timestamp, ids);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->target, "/ccpayment/v2/getCoinUSDTPrice");
  EXPECT_EQ(call->body, R"({"coinIds":[1280,1329]})");
  expect_signed_over_body(*call);
}

TEST(CcpaymentV2Requests, UsdtPriceNeedsOneToHundredPositiveIds) {
  expect_invalid(build_get_coin_usdt_price(credentials, timestamp, {}), "coinIds");
  std::vector<std::int64_t> many(101, 1280);
  expect_invalid(build_get_coin_usdt_price(credentials, timestamp, many), "more than 100");
  const std::array<std::int64_t, 1> negative = {-5};
  expect_invalid(build_get_coin_usdt_price(credentials, timestamp, negative), "positive coin id");
}

TEST(CcpaymentV2Requests, TransferBuildsTheDocumentedBodyAndIsNotRetryable) {
  TransferRequest request = valid_transfer();
  request.remark = "test1";
  auto call = build_user_transfer(credentials, timestamp, request);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->target, "/ccpayment/v2/userTransfer");
  EXPECT_EQ(call->body, R"({"fromUserId":"1709021102608","toUserId":"1709021101247","coinId":1280,)"
                        R"("amount":"0.005","orderId":"12121212","remark":"test1"})");
  EXPECT_FALSE(call->idempotent);
  expect_signed_over_body(*call);
}

TEST(CcpaymentV2Requests, TransferRejectsUserIdsOutsideFiveToSixtyFourCharacters) {
  TransferRequest request = valid_transfer();
  request.from_user_id = "abcd";
  expect_invalid(build_user_transfer(credentials, timestamp, request), "fromUserId must be 5-64");
  request = valid_transfer();
  request.to_user_id = std::string(65, 'u');
  expect_invalid(build_user_transfer(credentials, timestamp, request), "toUserId must be 5-64");
  request = valid_transfer();
  request.to_user_id = std::string(64, 'u');
  EXPECT_TRUE(build_user_transfer(credentials, timestamp, request).ok());
}

TEST(CcpaymentV2Requests, TransferRejectsUserIdsStartingWithSys) {
  TransferRequest request = valid_transfer();
  request.to_user_id = "system-user";
  expect_invalid(build_user_transfer(credentials, timestamp, request),
                 "toUserId must not start with \"sys\"");
}

TEST(CcpaymentV2Requests, TransferRejectsOrderIdsOutsideThreeToSixtyFourCharacters) {
  TransferRequest request = valid_transfer();
  request.order_id = "12";
  expect_invalid(build_user_transfer(credentials, timestamp, request), "orderId must be 3-64");
  request.order_id = std::string(65, '1');
  expect_invalid(build_user_transfer(credentials, timestamp, request), "orderId must be 3-64");
}

TEST(CcpaymentV2Requests, TransferRejectsRemarksLongerThan255Characters) {
  TransferRequest request = valid_transfer();
  request.remark = std::string(256, 'r');
  expect_invalid(build_user_transfer(credentials, timestamp, request),
                 "remark must be at most 255");
  // 255 Cyrillic letters are 510 bytes but 255 characters: allowed.
  std::string cyrillic;
  for (int i = 0; i < 255; ++i) cyrillic += "\xd0\xb6";
  request.remark = cyrillic;
  EXPECT_TRUE(build_user_transfer(credentials, timestamp, request).ok());
}

TEST(CcpaymentV2Requests, TransferRejectsAmountsThatAreNotPositiveDecimals) {
  for (const char* amount : {"0", "0.000", "-1", "1e3", "abc", "", " 1", ".5"}) {
    TransferRequest request = valid_transfer();
    request.amount = amount;
    expect_invalid(build_user_transfer(credentials, timestamp, request), "amount");
  }
}

TEST(CcpaymentV2Requests, TransferRejectsSameSenderAndReceiverAndBadCoinIds) {
  TransferRequest request = valid_transfer();
  request.to_user_id = request.from_user_id;
  expect_invalid(build_user_transfer(credentials, timestamp, request), "must differ");
  request = valid_transfer();
  request.coin_id = 0;
  expect_invalid(build_user_transfer(credentials, timestamp, request), "coinId");
}

TEST(CcpaymentV2Requests, TransferRejectsInvalidUtf8AndControlCharacters) {
  TransferRequest request = valid_transfer();
  request.remark = "bad\xff";
  expect_invalid(build_user_transfer(credentials, timestamp, request), "remark is not valid UTF-8");
  request = valid_transfer();
  request.order_id = "order\n1";
  expect_invalid(build_user_transfer(credentials, timestamp, request), "control characters");
}

TEST(CcpaymentV2Requests, TransferRecordIsLookedUpByRecordIdOrOrderId) {
  auto by_record = build_get_user_transfer_record(
      credentials, timestamp, RecordLookup::record_id("202403010610541763446796748591104"));
  ASSERT_TRUE(by_record.ok());
  EXPECT_EQ(by_record->target, "/ccpayment/v2/getUserTransferRecord");
  EXPECT_EQ(by_record->body, R"({"recordId":"202403010610541763446796748591104"})");
  expect_signed_over_body(*by_record);

  auto by_order = build_get_user_transfer_record(credentials, timestamp,
                                                 RecordLookup::order_id("1708507495559"));
  ASSERT_TRUE(by_order.ok());
  EXPECT_EQ(by_order->body, R"({"orderId":"1708507495559"})");

  expect_invalid(
      build_get_user_transfer_record(credentials, timestamp, RecordLookup::order_id("1")),
      "orderId");
  expect_invalid(
      build_get_user_transfer_record(credentials, timestamp, RecordLookup::record_id("")),
      "recordId");
}

TEST(CcpaymentV2Requests, TransferRecordListCarriesFiltersAndTheNextId) {
  TransferRecordQuery query;
  query.from_user_id = "1709021102608";
  query.coin_id = 2523;
  query.start_at = 1704042061;
  query.end_at = 1708581993;
  query.next_id = "abc";
  auto call = build_get_user_transfer_record_list(credentials, timestamp, query);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->target, "/ccpayment/v2/getUserTransferRecordList");
  EXPECT_EQ(call->body, R"({"coinId":2523,"fromUserId":"1709021102608","startAt":1704042061,)"
                        R"("endAt":1708581993,"nextId":"abc"})");
  expect_signed_over_body(*call);
}

TEST(CcpaymentV2Requests, TransferRecordListLeavesOutAnEmptyNextId) {
  TransferRecordQuery query;
  query.to_user_id = "1709021101247";
  query.next_id = "";
  auto call = build_get_user_transfer_record_list(credentials, timestamp, query);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->body, R"({"toUserId":"1709021101247"})");
}

TEST(CcpaymentV2Requests, TransferRecordListValidatesItsFilters) {
  expect_invalid(build_get_user_transfer_record_list(credentials, timestamp, {}),
                 "fromUserId or toUserId");
  TransferRecordQuery query;
  query.from_user_id = "1709021102608";
  query.start_at = 1708581993;
  query.end_at = 1704042061;
  expect_invalid(build_get_user_transfer_record_list(credentials, timestamp, query),
                 "startAt must not be after endAt");
  query.start_at = 1704042061000;  // milliseconds by mistake
  query.end_at.reset();
  expect_invalid(build_get_user_transfer_record_list(credentials, timestamp, query),
                 "unix seconds");
}

TEST(CcpaymentV2Requests, EstimateBuildsTheDocumentedBodyAndMayBeRetried) {
  auto call = build_estimate(credentials, timestamp, {1280, "100", 1482, "0.01"});
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->target, "/ccpayment/v2/estimate");
  EXPECT_EQ(call->body,
            R"({"coinIdIn":1280,"amountIn":"100","coinIdOut":1482,"extraFeeRate":"0.01"})");
  EXPECT_TRUE(call->idempotent);
  expect_signed_over_body(*call);
}

TEST(CcpaymentV2Requests, EstimateRejectsBadAmountsRatesAndCoinPairs) {
  expect_invalid(build_estimate(credentials, timestamp, {1280, "0", 1482, std::nullopt}),
                 "amountIn must be greater than zero");
  expect_invalid(build_estimate(credentials, timestamp, {1280, "1", 1280, std::nullopt}),
                 "must differ");
  expect_invalid(build_estimate(credentials, timestamp, {1280, "1", 1482, "1"}),
                 "extraFeeRate must be below 1");
  expect_invalid(build_estimate(credentials, timestamp, {1280, "1", 1482, "-0.01"}),
                 "extraFeeRate");
  EXPECT_TRUE(build_estimate(credentials, timestamp, {1280, "1", 1482, "0"}).ok());
}

TEST(CcpaymentV2Requests, SwapBuildsTheDocumentedBodyAndIsNotRetryable) {
  SwapRequest request = valid_swap();
  request.amount_out_minimum = "1.5";
  auto call = build_user_swap(credentials, timestamp, request);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->target, "/ccpayment/v2/userSwap");
  EXPECT_EQ(call->body,
            R"({"orderId":"order-123","userId":"user-swap1","coinIdIn":1280,"amountIn":"100",)"
            R"("coinIdOut":1329,"amountOutMinimum":"1.5"})");
  EXPECT_FALSE(call->idempotent);
  expect_signed_over_body(*call);
}

TEST(CcpaymentV2Requests, SwapValidatesUserOrderAndMinimum) {
  SwapRequest request = valid_swap();
  request.user_id = "sys-admin";
  expect_invalid(build_user_swap(credentials, timestamp, request), "userId must not start");
  request = valid_swap();
  request.order_id = "ab";
  expect_invalid(build_user_swap(credentials, timestamp, request), "orderId must be 3-64");
  request = valid_swap();
  request.amount_out_minimum = "0";
  expect_invalid(build_user_swap(credentials, timestamp, request), "amountOutMinimum");
  request = valid_swap();
  request.amount_in = "1,5";
  expect_invalid(build_user_swap(credentials, timestamp, request), "amountIn");
}

TEST(CcpaymentV2Requests, SwapRecordLookupAndListBodies) {
  auto single = build_get_user_swap_record(
      credentials, timestamp, RecordLookup::record_id("20240722021342166923068583059456"));
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->target, "/ccpayment/v2/getUserSwapRecord");
  EXPECT_EQ(single->body, R"({"recordId":"20240722021342166923068583059456"})");

  auto all = build_get_user_swap_record_list(credentials, timestamp, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->target, "/ccpayment/v2/getUserSwapRecordList");
  EXPECT_EQ(all->body, "");
  expect_signed_over_body(*all);

  SwapRecordQuery query;
  query.order_ids = {"1721614421267"};
  query.user_id = "user-swap1";
  query.coin_id_in = 1280;
  query.next_id = "n2";
  auto filtered = build_get_user_swap_record_list(credentials, timestamp, query);
  ASSERT_TRUE(filtered.ok()) << filtered.error().detail;
  EXPECT_EQ(
      filtered->body,
      R"({"orderIds":["1721614421267"],"userId":"user-swap1","coinIdIn":1280,"nextId":"n2"})");
  expect_signed_over_body(*filtered);
}

TEST(CcpaymentV2Requests, SwapRecordListRejectsMoreThanHundredIds) {
  SwapRecordQuery query;
  query.record_ids.assign(101, "20240722021342166923068583059456");
  expect_invalid(build_get_user_swap_record_list(credentials, timestamp, query), "at most 100");
}

TEST(CcpaymentV2Requests, RescanBuildsTheDocumentedBodyAndIsNotRetryable) {
  RescanRequest request{"XLM", "GBSCAK4DTAS4TUNZJUQ5QO5FCJBEXVH7JSMZNZLRTSIZGIDS3H7CWE7O", "109",
                        "9f1597024ca2fabdef4048c4b203fbc2ee2cda1ba2504f184f3a8304d97c1487"};
  auto call = build_rescan_lost_transaction(credentials, timestamp, request);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->target, "/ccpayment/v2/rescanLostTransaction");
  EXPECT_EQ(
      call->body,
      R"({"chain":"XLM","toAddress":"GBSCAK4DTAS4TUNZJUQ5QO5FCJBEXVH7JSMZNZLRTSIZGIDS3H7CWE7O",)"
      R"("txId":"9f1597024ca2fabdef4048c4b203fbc2ee2cda1ba2504f184f3a8304d97c1487","memo":"109"})");
  EXPECT_FALSE(call->idempotent);
  expect_signed_over_body(*call);

  request.tx_id.clear();
  expect_invalid(build_rescan_lost_transaction(credentials, timestamp, request), "txId");
}

TEST(CcpaymentV2Requests, ValidationErrorsNeverMentionTheSecret) {
  TransferRequest request = valid_transfer();
  request.amount = "testSecret";
  auto call = build_user_transfer(credentials, timestamp, request);
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().detail.find("testSecret"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v2
