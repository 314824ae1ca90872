#include "gateways/trubit/responses.hpp"

#include <gtest/gtest.h>

#include "unit/gateways/fixtures.hpp"

namespace coinfan::gateways::trubit {
namespace {

using testing::dec;
using testing::read_fixture;

const TimePointMs now{std::chrono::milliseconds(1740568725231)};

TEST(TrubitResponses, DocumentExampleBecomesTotalFreeAndLockedBalances) {
  auto balances = parse_assets_response("trubit", read_fixture("trubit/assets.json"));
  ASSERT_TRUE(balances.ok()) << balances.error().detail;
  ASSERT_EQ(balances->size(), 2u);
  const Balance& btc = (*balances)[0];
  EXPECT_EQ(btc.gateway, "trubit");
  EXPECT_EQ(btc.asset, "BTC");
  EXPECT_EQ(btc.raw_asset, "1");
  EXPECT_EQ(btc.total, dec("1.5"));
  EXPECT_EQ(btc.available, dec("1.0"));
  EXPECT_EQ(btc.locked, dec("0.5"));
  EXPECT_FALSE(btc.network);
  const Balance& eth = (*balances)[1];
  EXPECT_EQ(eth.asset, "ETH");
  EXPECT_EQ(eth.total.to_string(), "10");
  EXPECT_EQ(eth.available.to_string(), "5");
  EXPECT_EQ(eth.locked.to_string(), "5");
}

TEST(TrubitResponses, EmptyAmountsAreZero) {
  const std::string body = R"({"code":200,"msg":"SUCCESS","data":{"canDeposit":false,"balances":[
    {"asset":"USDT","assetId":"","assetName":"","total":"","free":"","locked":""}]}})";
  auto balances = parse_assets_response("trubit", body);
  ASSERT_TRUE(balances.ok()) << balances.error().detail;
  EXPECT_TRUE((*balances)[0].total.is_zero());
  EXPECT_EQ((*balances)[0].raw_asset, "USDT");  // no assetId: the symbol identifies it
}

TEST(TrubitResponses, TokenWithAbsoluteExpiryInMilliseconds) {
  auto token = parse_token_response(
      R"({"code":200,"msg":"SUCCESS","data":{"token":"abc.def","expireTime":"1740655125231"}})",
      now);
  ASSERT_TRUE(token.ok()) << token.error().detail;
  EXPECT_EQ(token->token, "abc.def");
  EXPECT_EQ(token->expires_at, TimePointMs(std::chrono::milliseconds(1740655125231)));
}

TEST(TrubitResponses, TokenWithALifetimeIsAddedToNow) {
  auto token = parse_token_response(
      R"({"code":200,"msg":"SUCCESS","data":{"token":"abc","expireTime":"86400000"}})", now);
  ASSERT_TRUE(token.ok()) << token.error().detail;
  EXPECT_EQ(token->expires_at, now + std::chrono::hours(24));
}

TEST(TrubitResponses, TokenExpiryAsAJsonIntegerIsAccepted) {
  auto token = parse_token_response(
      R"({"code":200,"msg":"SUCCESS","data":{"token":"abc","expireTime":1740655125231}})", now);
  ASSERT_TRUE(token.ok()) << token.error().detail;
  EXPECT_EQ(token->expires_at, TimePointMs(std::chrono::milliseconds(1740655125231)));
}

TEST(TrubitResponses, TokenWithoutAUsableExpiryOrTokenIsABadResponse) {
  for (const char* body : {
           R"({"code":200,"data":{"token":"abc"}})",
           R"({"code":200,"data":{"token":"abc","expireTime":"soon"}})",
           R"({"code":200,"data":{"token":"abc","expireTime":"0"}})",
           R"({"code":200,"data":{"token":"abc","expireTime":"-5"}})",
           R"({"code":200,"data":{"token":"abc","expireTime":"99999999999999999999"}})",
           R"({"code":200,"data":{"token":"","expireTime":"1740655125231"}})",
           R"({"code":200,"data":{"expireTime":"1740655125231"}})",
       }) {
    auto token = parse_token_response(body, now);
    ASSERT_FALSE(token.ok()) << body;
    EXPECT_EQ(token.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(TrubitResponses, TokenProblemsAreAuthFailed) {
  for (const char* body :
       {R"({"code":-5033,"msg":"not an API user"})", R"({"code":-1002,"msg":"unauthorized"})",
        R"({"code":-4040,"msg":"Token expired"})"}) {
    auto balances = parse_assets_response("trubit", body);
    ASSERT_FALSE(balances.ok()) << body;
    EXPECT_EQ(balances.error().code, ErrorCode::auth_failed) << body;
  }
}

TEST(TrubitResponses, OtherFailureCodesAreProviderErrorsWithCodeAndMessage) {
  auto balances = parse_assets_response("trubit", R"({"code":-4010,"msg":"invalid parameter"})");
  ASSERT_FALSE(balances.ok());
  EXPECT_EQ(balances.error().code, ErrorCode::provider_error);
  EXPECT_EQ(balances.error().provider_code, "-4010");
  EXPECT_EQ(balances.error().provider_message, "invalid parameter");
  EXPECT_EQ(balances.error().detail, "TruBit error -4010: invalid parameter");

  auto repeated = parse_token_response(R"({"code":-1174,"msg":"repeated request"})", now);
  EXPECT_EQ(repeated.error().code, ErrorCode::provider_error);
}

TEST(TrubitResponses, WrongShapesAreBadResponses) {
  for (const char* body :
       {"", "null", R"({"code":200})", R"({"code":200,"data":{}})",
        R"({"code":200,"data":{"balances":{}}})",
        R"({"code":200,"data":{"balances":[{"total":"1","free":"1","locked":"0"}]}})",
        R"({"code":200,"data":{"balances":[{"asset":"BTC","total":"x","free":"1","locked":"0"}]}})",
        R"({"code":"200","data":{"balances":[]}})"}) {
    auto balances = parse_assets_response("trubit", body);
    ASSERT_FALSE(balances.ok()) << body;
    EXPECT_EQ(balances.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(TrubitResponses, EveryTruncationOfTheDocumentExampleIsABadResponse) {
  const std::string body = read_fixture("trubit/assets.json");
  const std::size_t complete = body.find_last_of('}') + 1;
  for (std::size_t length = 0; length < complete; ++length) {
    auto balances = parse_assets_response("trubit", body.substr(0, length));
    ASSERT_FALSE(balances.ok()) << length;
    EXPECT_EQ(balances.error().code, ErrorCode::bad_response) << length;
  }
}

}  // namespace
}  // namespace coinfan::gateways::trubit
