#include "gateways/ccpayment_v1/responses.hpp"

#include <gtest/gtest.h>

#include "unit/gateways/fixtures.hpp"

namespace coinfan::gateways::ccpayment_v1 {
namespace {

using testing::dec;
using testing::read_fixture;

const Credentials credentials{"testAppId", "testSecret"};

TEST(CcpaymentV1Responses, DocumentSuccessExampleBecomesBalanceAndUsdPrice) {
  auto snapshot =
      parse_assets_response("ccp-old", read_fixture("ccpayment_v1/assets_success.json"));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  ASSERT_EQ(snapshot->balances.size(), 1u);
  const Balance& usdt = snapshot->balances[0];
  EXPECT_EQ(usdt.gateway, "ccp-old");
  EXPECT_EQ(usdt.asset, "USDT");
  EXPECT_FALSE(usdt.network);
  EXPECT_EQ(usdt.total, dec("127.9514"));
  EXPECT_EQ(usdt.available, dec("127.9514"));
  EXPECT_TRUE(usdt.locked.is_zero());
  EXPECT_EQ(usdt.usd_price, dec("1"));
  EXPECT_EQ(usdt.usd_value, dec("127.9514"));
  EXPECT_EQ(usdt.raw_asset, "8e5741cf-6e51-4892-9d04-3d40e1dd0128");

  ASSERT_EQ(snapshot->prices.size(), 1u);
  EXPECT_EQ(snapshot->prices[0].asset, "USDT");
  EXPECT_EQ(snapshot->prices[0].usd, dec("1"));
  EXPECT_EQ(snapshot->prices[0].quote, "USD");
  EXPECT_EQ(snapshot->prices[0].gateway, "ccp-old");
  EXPECT_EQ(snapshot->prices[0].raw_id, "8e5741cf-6e51-4892-9d04-3d40e1dd0128");
}

TEST(CcpaymentV1Responses, DocumentFailureExampleIsAProviderErrorWithCodeAndMessage) {
  auto snapshot = parse_assets_response("ccp-old", read_fixture("ccpayment_v1/assets_error.json"));
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::provider_error);
  EXPECT_EQ(snapshot.error().provider_code, "224066");
  EXPECT_EQ(snapshot.error().provider_message, "service err, please try again");
  EXPECT_EQ(snapshot.error().detail, "CCPayment v1 error 224066: service err, please try again");
}

TEST(CcpaymentV1Responses, UsdValueIsTheExactProductOfValueAndPrice) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"list":[
    {"coin_id":"b","crypto":"btc","name":"Bitcoin","value":"0.123456789012345678","price":"61234.56","logo":""}]}})";
  auto snapshot = parse_assets_response("g", body);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_EQ(snapshot->balances[0].asset, "BTC");
  EXPECT_EQ(snapshot->balances[0].usd_value->to_string(), "7559.82215418382216023168");
}

TEST(CcpaymentV1Responses, ZeroPriceMeansNoRateAndEmptyValueMeansZero) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"list":[
    {"coin_id":"x","crypto":"XYZ","name":"X","value":"","price":"0","logo":""}]}})";
  auto snapshot = parse_assets_response("g", body);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_TRUE(snapshot->balances[0].total.is_zero());
  EXPECT_FALSE(snapshot->balances[0].usd_price);
  EXPECT_FALSE(snapshot->balances[0].usd_value);
  EXPECT_TRUE(snapshot->prices.empty());
}

TEST(CcpaymentV1Responses, WrongShapesAreBadResponses) {
  for (
      const char* body : {
          R"([])",
          R"({"msg":"no code"})",
          R"({"code":"10000","data":{"list":[]}})",
          R"({"code":10000,"msg":"success"})",
          R"({"code":10000,"data":{"list":{}}})",
          R"({"code":10000,"data":{"list":[1]}})",
          R"({"code":10000,"data":{"list":[{"coin_id":"x","crypto":"X","value":"-1","price":"1"}]}})",
          R"({"code":10000,"data":{"list":[{"coin_id":"x","crypto":"X","value":"1.2.3","price":"1"}]}})",
          R"({"code":10000,"data":{"list":[{"coin_id":"x","crypto":"X","value":1e99999,"price":"1"}]}})",
          R"({"code":10000,"data":{"list":[{"crypto":"X","value":"1","price":"1"}]}})",
          // Found by the ccpayment_v1 fuzz target: a balance whose coin has no symbol.
          R"({"code":10000,"data":{"list":[{"coin_id":"1e5741cf","crypto":"","value":"063.95","price":"2"}]}})",
          R"({"code":10000,"data":{"list":[{"coin_id":"1","crypto":"  ","value":"1","price":"2"}]}})",
      }) {
    auto snapshot = parse_assets_response("g", body);
    ASSERT_FALSE(snapshot.ok()) << body;
    EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(CcpaymentV1Responses, EveryTruncationOfTheDocumentExampleIsABadResponse) {
  const std::string body = read_fixture("ccpayment_v1/assets_success.json");
  const std::size_t complete = body.find_last_of('}') + 1;
  for (std::size_t length = 0; length < complete; ++length) {
    auto snapshot = parse_assets_response("g", body.substr(0, length));
    ASSERT_FALSE(snapshot.ok()) << length;
    EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response) << length;
  }
}

TEST(CcpaymentV1Responses, VerifiedParseAcceptsACorrectlySignedDocumentExample) {
  const std::string body = read_fixture("ccpayment_v1/assets_success.json");
  auto sign_value = sign(credentials, "1677152490", body);
  ASSERT_TRUE(sign_value.ok());
  auto snapshot = parse_verified_assets_response("g", credentials,
                                                 {"testAppId", "1677152490", *sign_value}, body);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_EQ(snapshot->balances.size(), 1u);
}

TEST(CcpaymentV1Responses, VerifiedParseRejectsATamperedBalance) {
  const std::string body = read_fixture("ccpayment_v1/assets_success.json");
  auto sign_value = sign(credentials, "1677152490", body);
  ASSERT_TRUE(sign_value.ok());
  std::string tampered = body;
  tampered.replace(tampered.find("127.9514"), 8, "999.9514");
  auto snapshot = parse_verified_assets_response(
      "g", credentials, {"testAppId", "1677152490", *sign_value}, tampered);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::bad_signature);
}

TEST(CcpaymentV1Responses, VerifiedParseRejectsAnUnsignedSuccess) {
  auto snapshot = parse_verified_assets_response("g", credentials, {},
                                                 read_fixture("ccpayment_v1/assets_success.json"));
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::bad_signature);
}

TEST(CcpaymentV1Responses, VerifiedParseReportsAnUnsignedErrorAsTheProviderError) {
  auto snapshot = parse_verified_assets_response("g", credentials, {},
                                                 read_fixture("ccpayment_v1/assets_error.json"));
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::provider_error);
  EXPECT_EQ(snapshot.error().provider_code, "224066");
}

TEST(CcpaymentV1Responses, VerifiedParseReportsNonJsonAsABadResponse) {
  auto snapshot = parse_verified_assets_response("g", credentials, {}, "<html>502</html>");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response);
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v1
