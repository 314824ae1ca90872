#include "gateways/kuna/responses.hpp"

#include <gtest/gtest.h>

#include "unit/gateways/fixtures.hpp"
#include "unit/gateways/kuna/jwt.hpp"

namespace coinfan::gateways::kuna {
namespace {

using coinfan::gateways::testing::dec;
using coinfan::gateways::testing::read_fixture;
using testing::make_jwt;

TEST(KunaResponses, DocumentExampleBecomesBalancesAndDepositAddresses) {
  auto snapshot = parse_balance_response("kuna", read_fixture("kuna/balance.repaired.json"));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  ASSERT_EQ(snapshot->balances.size(), 2u);
  EXPECT_EQ(snapshot->balances[0].asset, "BTC");
  EXPECT_TRUE(snapshot->balances[0].total.is_zero());
  const Balance& usdt = snapshot->balances[1];
  EXPECT_EQ(usdt.gateway, "kuna");
  EXPECT_EQ(usdt.asset, "USDT");
  EXPECT_EQ(usdt.raw_asset, "USDT");
  EXPECT_EQ(usdt.available, dec("0.64"));
  EXPECT_EQ(usdt.total, dec("0.64"));
  EXPECT_TRUE(usdt.locked.is_zero());
  EXPECT_FALSE(usdt.network);

  ASSERT_EQ(snapshot->deposit_addresses.size(), 2u);
  EXPECT_EQ(snapshot->deposit_addresses[0].asset, "BTC");
  EXPECT_EQ(snapshot->deposit_addresses[0].chain, "BTC");
  EXPECT_EQ(snapshot->deposit_addresses[0].address, "bc1q4curzl6agt0l3zvc3ermrzuesm2f9nevm9rll0");
  EXPECT_FALSE(snapshot->deposit_addresses[0].memo);
  EXPECT_EQ(snapshot->deposit_addresses[1].asset, "USDT");
  EXPECT_EQ(snapshot->deposit_addresses[1].chain, "TRX");
  EXPECT_EQ(snapshot->deposit_addresses[1].address, "TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc");
}

TEST(KunaResponses, DocumentExampleWithCommentsIsABadResponse) {
  auto snapshot = parse_balance_response("kuna", read_fixture("kuna/balance.json"));
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response);
}

TEST(KunaResponses, HoldAndLockCountAsLockedButReferralDoesNot) {
  const std::string body = R"({"data":[{"balance":"10.5","asset":"usdt","holdBalance":"1.25",
    "lockBalance":"0.75","referralBalance":"100","depositAddress":{
    "TRX":{"address":"T1","memo":"42"}}}]})";
  auto snapshot = parse_balance_response("kuna", body);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  const Balance& usdt = snapshot->balances[0];
  EXPECT_EQ(usdt.asset, "USDT");
  EXPECT_EQ(usdt.raw_asset, "usdt");
  EXPECT_EQ(usdt.available, dec("10.5"));
  EXPECT_EQ(usdt.locked, dec("2"));
  EXPECT_EQ(usdt.total, dec("12.5"));
  EXPECT_EQ(snapshot->deposit_addresses[0].memo, "42");
}

TEST(KunaResponses, LoginReturnsTheTokenAndItsExpiry) {
  const std::string jwt = make_jwt(R"({"exp":1740003600})");
  auto login = parse_login_response(R"({"data":{"accessToken":")" + jwt + R"("}})");
  ASSERT_TRUE(login.ok()) << login.error().detail;
  EXPECT_EQ(login->access_token, jwt);
  EXPECT_EQ(login->expires_at.time_since_epoch(), std::chrono::seconds(1740003600));
}

TEST(KunaResponses, LoginWithAnUnreadableTokenIsABadResponse) {
  for (const std::string& body :
       {std::string(R"({"data":{"accessToken":"garbage"}})"),
        std::string(R"({"data":{"accessToken":")") + make_jwt(R"({"sub":"x"})") + R"("}})",
        std::string(R"({"data":{}})"), std::string(R"({"data":[]})"), std::string("{")}) {
    auto login = parse_login_response(body);
    ASSERT_FALSE(login.ok()) << body;
    EXPECT_EQ(login.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(KunaResponses, UnauthorizedAnswersAreAuthFailed) {
  for (const char* body : {R"({"statusCode":401,"message":"Unauthorized"})",
                           R"({"errors":[{"code":"UNAUTHORIZED","message":"Jwt expired"}]})",
                           R"({"statusCode":403,"message":"Forbidden resource"})"}) {
    auto snapshot = parse_balance_response("kuna", body);
    ASSERT_FALSE(snapshot.ok()) << body;
    EXPECT_EQ(snapshot.error().code, ErrorCode::auth_failed) << body;
  }
  auto login = parse_login_response(R"({"statusCode":401,"message":"Wrong credentials"})");
  EXPECT_EQ(login.error().code, ErrorCode::auth_failed);
}

TEST(KunaResponses, OtherErrorShapesKeepTheProviderCodeAndMessage) {
  auto snapshot = parse_balance_response(
      "kuna", R"({"errors":[{"code":"WALLET_NOT_FOUND","message":"Wallet not found"}]})");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::provider_error);
  EXPECT_EQ(snapshot.error().provider_code, "WALLET_NOT_FOUND");
  EXPECT_EQ(snapshot.error().provider_message, "Wallet not found");

  auto limited = parse_balance_response(
      "kuna", R"({"statusCode":429,"message":"ThrottlerException: Too Many Requests"})");
  EXPECT_EQ(limited.error().code, ErrorCode::rate_limited);
}

TEST(KunaResponses, WrongShapesAreBadResponses) {
  for (const char* body :
       {"", "[]", "{}", R"({"data":{}})", R"({"data":[1]})", R"({"data":[{"balance":"1"}]})",
        R"({"data":[{"asset":"BTC","balance":"-1"}]})",
        R"({"data":[{"asset":"BTC","balance":"1","holdBalance":"x"}]})",
        R"({"data":[{"asset":"BTC","balance":"1","depositAddress":[]}]})",
        R"({"data":[{"asset":"BTC","balance":"1","depositAddress":{"BTC":{"memo":null}}}]})"}) {
    auto snapshot = parse_balance_response("kuna", body);
    ASSERT_FALSE(snapshot.ok()) << body;
    EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(KunaResponses, EveryTruncationOfTheDocumentExampleIsABadResponse) {
  const std::string body = read_fixture("kuna/balance.repaired.json");
  const std::size_t complete = body.find_last_of('}') + 1;
  for (std::size_t length = 0; length < complete; ++length) {
    auto snapshot = parse_balance_response("kuna", body.substr(0, length));
    ASSERT_FALSE(snapshot.ok()) << length;
    EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response) << length;
  }
}

}  // namespace
}  // namespace coinfan::gateways::kuna
