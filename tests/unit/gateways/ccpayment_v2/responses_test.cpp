#include "gateways/ccpayment_v2/responses.hpp"

#include <gtest/gtest.h>

#include "unit/gateways/fixtures.hpp"

namespace coinfan::gateways::ccpayment_v2 {
namespace {

using testing::dec;
using testing::read_fixture;

std::string fixture(std::string_view name) {
  return read_fixture("ccpayment_v2/" + std::string(name));
}

TimePointMs utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

// --- balances ------------------------------------------------------------------------------

TEST(CcpaymentV2Responses, AssetListWithEmptyAvailableIsAZeroBalance) {
  auto balances =
      parse_app_coin_asset_list("ccp", fixture("get_app_coin_asset_list.repaired.json"));
  ASSERT_TRUE(balances.ok()) << balances.error().detail;
  ASSERT_EQ(balances->size(), 1u);
  const Balance& shib = (*balances)[0];
  EXPECT_EQ(shib.gateway, "ccp");
  EXPECT_EQ(shib.asset, "SHIB");
  EXPECT_EQ(shib.raw_asset, "1864");
  EXPECT_TRUE(shib.total.is_zero());
  EXPECT_TRUE(shib.available.is_zero());
  EXPECT_TRUE(shib.locked.is_zero());
  EXPECT_FALSE(shib.usd_value);
}

TEST(CcpaymentV2Responses, SingleAssetWithEmptyAvailableIsAZeroBalance) {
  auto balance = parse_app_coin_asset("ccp", fixture("get_app_coin_asset.json"));
  ASSERT_TRUE(balance.ok()) << balance.error().detail;
  EXPECT_EQ(balance->asset, "MATIC");
  EXPECT_EQ(balance->raw_asset, "1329");
  EXPECT_TRUE(balance->available.is_zero());
}

TEST(CcpaymentV2Responses, AvailableIsBothTotalAndAvailableAndKeepsTwentyFourDigits) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"assets":[
    {"coinId":1280,"coinSymbol":"USDT","available":"1234567.123456789012345678901234"}]}})";
  auto balances = parse_app_coin_asset_list("ccp", body);
  ASSERT_TRUE(balances.ok()) << balances.error().detail;
  EXPECT_EQ((*balances)[0].available.to_string(), "1234567.123456789012345678901234");
  EXPECT_EQ((*balances)[0].total, (*balances)[0].available);
  EXPECT_TRUE((*balances)[0].locked.is_zero());
}

TEST(CcpaymentV2Responses, NullAssetListIsEmpty) {
  auto balances =
      parse_app_coin_asset_list("ccp", R"({"code":10000,"msg":"success","data":{"assets":null}})");
  ASSERT_TRUE(balances.ok()) << balances.error().detail;
  EXPECT_TRUE(balances->empty());
}

// --- coins and prices ------------------------------------------------------------------------

TEST(CcpaymentV2Responses, CoinListDocumentExampleKeepsNetworksInOrder) {
  auto coins = parse_coin_list("ccp", fixture("get_coin_list.repaired.json"));
  ASSERT_TRUE(coins.ok()) << coins.error().detail;
  ASSERT_EQ(coins->size(), 1u);
  const Coin& link = (*coins)[0];
  EXPECT_EQ(link.coin_id, "1207");
  EXPECT_EQ(link.asset, "LINK");
  EXPECT_EQ(link.name, "ChainLink Token");
  EXPECT_EQ(link.status, "Normal");
  EXPECT_EQ(link.logo, "https://resource.cwallet.com/token/icon/link.png");
  ASSERT_EQ(link.networks.size(), 2u);
  EXPECT_EQ(link.networks[0].chain, "BSC");
  EXPECT_EQ(link.networks[0].name, "Binance Smart Chain");
  EXPECT_EQ(link.networks[0].contract, "0xf8a0bf9cf54bb92f17374d9e9a321e6a111a51bd");
  EXPECT_EQ(link.networks[0].precision, 18);
  EXPECT_TRUE(link.networks[0].can_deposit);
  EXPECT_TRUE(link.networks[0].can_withdraw);
  EXPECT_FALSE(link.networks[0].memo_required);
  EXPECT_EQ(link.networks[0].min_deposit, dec("0"));
  EXPECT_EQ(link.networks[0].min_withdraw, dec("0.025"));
  EXPECT_EQ(link.networks[0].max_withdraw, dec("0"));
  EXPECT_EQ(link.networks[1].chain, "ETH");
}

TEST(CcpaymentV2Responses, CoinDocumentExampleHasThreeNetworks) {
  auto coin = parse_coin("ccp", fixture("get_coin.json"));
  ASSERT_TRUE(coin.ok()) << coin.error().detail;
  EXPECT_EQ(coin->coin_id, "1329");
  EXPECT_EQ(coin->asset, "MATIC");
  ASSERT_EQ(coin->networks.size(), 3u);
  EXPECT_EQ(coin->networks[2].chain, "POLYGON");
  EXPECT_EQ(coin->networks[2].contract, "137");
}

TEST(CcpaymentV2Responses, CoinAsAOneElementArrayIsAcceptedAsTheTableDescribes) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"coin":[
    {"coinId":1280,"symbol":"USDT","coinFullName":"Tether","status":"Normal","networks":{}}]}})";
  auto coin = parse_coin("ccp", body);
  ASSERT_TRUE(coin.ok()) << coin.error().detail;
  EXPECT_EQ(coin->asset, "USDT");
  EXPECT_TRUE(coin->networks.empty());
}

TEST(CcpaymentV2Responses, UsdtPricesAreNamedFromTheCoinCatalogue) {
  auto prices =
      parse_coin_usdt_prices("ccp", fixture("get_coin_usdt_price.json"), {{"1329", "matic"}});
  ASSERT_TRUE(prices.ok()) << prices.error().detail;
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ((*prices)[0].asset, "MATIC");
  EXPECT_EQ((*prices)[0].usd, dec("1.1683"));
  EXPECT_EQ((*prices)[0].quote, "USDT");
  EXPECT_EQ((*prices)[0].raw_id, "1329");
  EXPECT_EQ((*prices)[0].gateway, "ccp");
}

TEST(CcpaymentV2Responses, UsdtPriceOfAnUnknownCoinKeepsItsIdAndNoSymbol) {
  auto prices = parse_coin_usdt_prices("ccp", fixture("get_coin_usdt_price.json"), {});
  ASSERT_TRUE(prices.ok());
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ((*prices)[0].asset, "");
  EXPECT_EQ((*prices)[0].raw_id, "1329");
}

TEST(CcpaymentV2Responses, ZeroUsdtPriceIsLeftOut) {
  auto prices = parse_coin_usdt_prices(
      "ccp", R"({"code":10000,"msg":"success","data":{"prices":{"1":"0","2":"3.5"}}})", {});
  ASSERT_TRUE(prices.ok());
  ASSERT_EQ(prices->size(), 1u);
  EXPECT_EQ((*prices)[0].raw_id, "2");
}

// --- transfers -----------------------------------------------------------------------------

TEST(CcpaymentV2Responses, UserTransferReturnsTheRecordId) {
  auto result = parse_user_transfer(fixture("user_transfer.json"));
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result->record_id, "202403220335xxxxxxxxx837507252224");
}

TEST(CcpaymentV2Responses, TransferRecordTakesItsTimeFromTheRecordId) {
  auto record = parse_transfer_record("ccp", fixture("get_user_transfer_record.json"));
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->gateway, "ccp");
  EXPECT_EQ(record->record_id, "202403220337521771018432423137280");
  EXPECT_EQ(record->coin_id, "1329");
  EXPECT_EQ(record->asset, "MATIC");
  EXPECT_EQ(record->order_id, "6322718677975328");
  EXPECT_EQ(record->from_user_id, "6322718677975328");
  EXPECT_EQ(record->to_user_id, "6322821127078176");
  EXPECT_EQ(record->amount, dec("0.002"));
  EXPECT_EQ(record->raw_status, "Success");
  EXPECT_EQ(record->status, RecordStatus::success);
  EXPECT_EQ(record->remark, "");
  EXPECT_EQ(record->created_at, utc(2024, 3, 22, 3, 37, 52));
}

TEST(CcpaymentV2Responses, TransferRecordListDocumentExampleIsTheLastPage) {
  auto page =
      parse_transfer_record_list("ccp", fixture("get_user_transfer_record_list.repaired.json"));
  ASSERT_TRUE(page.ok()) << page.error().detail;
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].asset, "TETH");
  EXPECT_EQ(page->records[0].amount, dec("0.001"));
  EXPECT_EQ(page->records[0].created_at, utc(2024, 3, 13, 9, 59, 41));
  EXPECT_EQ(page->next_id, "");
}

TEST(CcpaymentV2Responses, TransferRecordListReturnsTheNextIdOfAFullPage) {
  std::string records;
  for (int i = 0; i < 20; ++i) {
    if (i > 0) records += ",";
    records += R"({"recordId":"2024031309594117678530276805877)" + std::to_string(10 + i) +
               R"(","coinId":1891,"coinSymbol":"TETH","orderId":"o)" + std::to_string(i) +
               R"(","fromUserId":"aaaaa","toUserId":"bbbbb","amount":"0.001","status":"Failed"})";
  }
  const std::string body = R"({"code":10000,"msg":"success","data":{"records":[)" + records +
                           R"(],"nextId":"202403130959411767853027680587729"}})";
  auto page = parse_transfer_record_list("ccp", body);
  ASSERT_TRUE(page.ok()) << page.error().detail;
  EXPECT_EQ(page->records.size(), 20u);
  EXPECT_EQ(page->records[19].order_id, "o19");
  EXPECT_EQ(page->records[0].status, RecordStatus::failed);
  EXPECT_EQ(page->next_id, "202403130959411767853027680587729");
}

TEST(CcpaymentV2Responses, TransferRecordWithAnUnknownStatusIsProcessing) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"record":{
    "recordId":"20240322033752177","coinId":1,"coinSymbol":"X","amount":"1","status":"Queued"}}})";
  auto record = parse_transfer_record("ccp", body);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->status, RecordStatus::processing);
  EXPECT_EQ(record->raw_status, "Queued");
}

// --- swaps ---------------------------------------------------------------------------------

TEST(CcpaymentV2Responses, EstimateDocumentExampleBecomesAnExactQuote) {
  auto quote = parse_estimate(fixture("estimate.json"));
  ASSERT_TRUE(quote.ok()) << quote.error().detail;
  EXPECT_EQ(quote->coin_id_in, "1280");
  EXPECT_EQ(quote->coin_id_out, "1482");
  EXPECT_EQ(quote->amount_in, dec("1"));
  EXPECT_EQ(quote->amount_out.to_string(), "3.6790100655646874");
  EXPECT_EQ(quote->swap_rate.to_string(), "3.6790100655646874");
  EXPECT_EQ(quote->fee_rate.to_string(), "0.1004016064257028");
  EXPECT_EQ(quote->fee.to_string(), "0.3693785206390248");
  EXPECT_EQ(quote->extra_fee.to_string(), "0.036790100655646874");
  EXPECT_EQ(quote->net_amount_out.to_string(), "3.272841444270015726");
}

TEST(CcpaymentV2Responses, UserSwapDocumentExampleReturnsIdsAndAmounts) {
  auto result = parse_user_swap(fixture("user_swap.repaired.json"));
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result->record_id, "20240722021342166923068583059456");
  EXPECT_EQ(result->order_id, "1721614421267");
  EXPECT_EQ(result->quote.amount_out.to_string(), "1.8174262160994585");
  EXPECT_EQ(result->quote.net_amount_out.to_string(), "1.6349537044428864");
  EXPECT_TRUE(result->quote.extra_fee.is_zero());
}

TEST(CcpaymentV2Responses, SwapRecordKeepsTwentyFourDigitAmountsExactly) {
  auto record = parse_swap_record("ccp", fixture("get_user_swap_record.json"));
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->record_id, "20240722021342166923068583059456");
  EXPECT_EQ(record->order_id, "1721614421267");
  EXPECT_EQ(record->user_id, "user-swap1");
  EXPECT_EQ(record->asset_in, "USDT");
  EXPECT_EQ(record->coin_id_in, "1280");
  EXPECT_EQ(record->asset_out, "MATIC");
  EXPECT_EQ(record->coin_id_out, "1329");
  EXPECT_EQ(record->amount_in.to_string(), "1");
  EXPECT_EQ(record->net_amount_out.to_string(), "1.6349537044428864");
  EXPECT_EQ(record->swap_rate.to_string(), "1.8174262160994585");
  EXPECT_EQ(record->fee.to_string(), "0.1824725116565721");
  EXPECT_EQ(record->fee_rate.to_string(), "0.1004016064257028");
  EXPECT_TRUE(record->extra_fee.is_zero());
  EXPECT_TRUE(record->extra_fee_rate.is_zero());
  EXPECT_FALSE(record->amount_out_minimum);
  EXPECT_EQ(record->status, RecordStatus::success);
  EXPECT_EQ(record->created_at, utc(2024, 7, 22, 2, 13, 42));
  EXPECT_EQ(record->arrived_at, utc(2024, 7, 22, 2, 13, 42));
}

TEST(CcpaymentV2Responses, SwapRecordListDocumentExampleIsTheLastPage) {
  auto page = parse_swap_record_list("ccp", fixture("get_user_swap_record_list.repaired.json"));
  ASSERT_TRUE(page.ok()) << page.error().detail;
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].amount_out.to_string(), "1.8174262160994585");
  EXPECT_EQ(page->next_id, "");
}

TEST(CcpaymentV2Responses, SwapRecordListReturnsTheNextIdAndProcessingRecords) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"records":[
    {"recordId":"20240722021342166923068583059456","orderId":"o1","coinIdIn":1280,"coinIdOut":1329,
     "amountIn":"1","amountOut":"2","status":"Processing","createdAt":1721614422,"arrivedAt":0}],
    "nextId":"20240722021342166923068583059455"}})";
  auto page = parse_swap_record_list("ccp", body);
  ASSERT_TRUE(page.ok()) << page.error().detail;
  EXPECT_EQ(page->next_id, "20240722021342166923068583059455");
  EXPECT_EQ(page->records[0].status, RecordStatus::processing);
  EXPECT_FALSE(page->records[0].arrived_at);  // 0 is "not arrived yet"
}

TEST(CcpaymentV2Responses, SwapRecordWithoutCreatedAtFallsBackToTheRecordId) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"record":{
    "recordId":"20240722021342166923068583059456","coinIdIn":1280,"coinIdOut":1329,
    "amountIn":"1","amountOut":"2","status":"Success"}}})";
  auto record = parse_swap_record("ccp", body);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->created_at, utc(2024, 7, 22, 2, 13, 42));
}

TEST(CcpaymentV2Responses, RescanReturnsTheProviderDescription) {
  auto result = parse_rescan_lost_transaction(fixture("rescan_lost_transaction.repaired.json"));
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result->description,
            "The deposit has been rescanned. Please wait for the transaction to be credited.");
}

// --- errors --------------------------------------------------------------------------------

TEST(CcpaymentV2Responses, RateLimitCodeMapsToRateLimited) {
  auto result = parse_coin_list("ccp", R"({"code":11004,"msg":"too many requests"})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(result.error().provider_code, "11004");
  EXPECT_EQ(result.error().provider_message, "too many requests");
}

TEST(CcpaymentV2Responses, SignatureAndExpiryCodesMapToAuthFailedWithAHint) {
  auto bad_sign = parse_coin_list("ccp", R"({"code":11005,"msg":"Signature verification failed"})");
  ASSERT_FALSE(bad_sign.ok());
  EXPECT_EQ(bad_sign.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(bad_sign.error().provider_code, "11005");
  EXPECT_NE(bad_sign.error().detail.find("app_secret"), std::string::npos);

  auto expired = parse_coin_list("ccp", R"({"code":11006,"msg":"request expired"})");
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::auth_failed);
  EXPECT_NE(expired.error().detail.find("clock"), std::string::npos);
}

TEST(CcpaymentV2Responses, OtherCodesAreProviderErrorsWithCodeAndMessage) {
  for (const auto& [code, message] :
       std::vector<std::pair<std::string, std::string>>{{"10001", "failed"},
                                                        {"11011", "duplicate order"},
                                                        {"14000", "insufficient balance"},
                                                        {"12002", "IP not in whitelist"}}) {
    auto result = parse_user_transfer(R"({"code":)" + code + R"(,"msg":")" + message + R"("})");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::provider_error) << code;
    EXPECT_EQ(result.error().provider_code, code);
    EXPECT_EQ(result.error().provider_message, message);
    EXPECT_EQ(result.error().detail, "CCPayment v2 error " + code + ": " + message);
  }
}

TEST(CcpaymentV2Responses, DocumentExamplesThatAreNotJsonAreBadResponsesNotCrashes) {
  EXPECT_EQ(parse_app_coin_asset_list("ccp", fixture("get_app_coin_asset_list.json")).error().code,
            ErrorCode::bad_response);
  EXPECT_EQ(parse_coin_list("ccp", fixture("get_coin_list.json")).error().code,
            ErrorCode::bad_response);
  EXPECT_EQ(
      parse_transfer_record_list("ccp", fixture("get_user_transfer_record_list.json")).error().code,
      ErrorCode::bad_response);
  EXPECT_EQ(parse_swap_record_list("ccp", fixture("get_user_swap_record_list.json")).error().code,
            ErrorCode::bad_response);
  EXPECT_EQ(parse_user_swap(fixture("user_swap.json")).error().code, ErrorCode::bad_response);
  EXPECT_EQ(parse_rescan_lost_transaction(fixture("rescan_lost_transaction.json")).error().code,
            ErrorCode::bad_response);
}

TEST(CcpaymentV2Responses, EveryTruncationOfASwapRecordIsABadResponse) {
  const std::string body = fixture("get_user_swap_record.json");
  const std::size_t complete = body.find_last_of('}') + 1;
  for (std::size_t length = 0; length < complete; ++length) {
    auto record = parse_swap_record("ccp", body.substr(0, length));
    ASSERT_FALSE(record.ok()) << length;
    EXPECT_EQ(record.error().code, ErrorCode::bad_response) << length;
  }
}

TEST(CcpaymentV2Responses, WrongShapesAreBadResponsesNamingTheField) {
  auto missing_amount = parse_transfer_record("ccp", R"({"code":10000,"data":{"record":{
    "recordId":"1","coinId":1,"status":"Success"}}})");
  ASSERT_FALSE(missing_amount.ok());
  EXPECT_EQ(missing_amount.error().code, ErrorCode::bad_response);
  EXPECT_NE(missing_amount.error().detail.find("data.record: field 'amount' is missing"),
            std::string::npos)
      << missing_amount.error().detail;

  auto float_amount = parse_transfer_record("ccp", R"({"code":10000,"data":{"record":{
    "recordId":"1","coinId":1,"amount":"abc","status":"Success"}}})");
  EXPECT_EQ(float_amount.error().code, ErrorCode::bad_response);

  auto negative = parse_app_coin_asset("ccp", R"({"code":10000,"data":{"asset":{
    "coinId":1,"coinSymbol":"X","available":"-3"}}})");
  EXPECT_EQ(negative.error().code, ErrorCode::bad_response);

  for (const char* body :
       {R"({"code":10000})", R"({"code":10000,"data":[]})", R"({"code":"10000","data":{}})",
        R"("just a string")", R"({"code":10000,"data":{"records":{}}})",
        R"({"code":10000,"data":{"records":[7]}})"}) {
    auto page = parse_transfer_record_list("ccp", body);
    ASSERT_FALSE(page.ok()) << body;
    EXPECT_EQ(page.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(CcpaymentV2Responses, DeeplyNestedJsonIsRejectedWithoutCrashing) {
  const std::string body = std::string(100000, '[') + std::string(100000, ']');
  auto result = parse_coin_list("ccp", body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::bad_response);
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v2
