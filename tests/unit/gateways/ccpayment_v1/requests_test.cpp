#include "gateways/ccpayment_v1/requests.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways::ccpayment_v1 {
namespace {

const Credentials credentials{"testAppId", "testSecret"};

TEST(CcpaymentV1Requests, AllCoinsSendsAnEmptySignedBody) {
  auto call = build_assets_request(credentials, 1677152720);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->method, "POST");
  EXPECT_EQ(call->target, "/ccpayment/v1/assets");
  EXPECT_EQ(call->body, "");
  EXPECT_TRUE(call->idempotent);
  EXPECT_EQ(find_header(*call, "Appid"), "testAppId");
  EXPECT_EQ(find_header(*call, "Timestamp"), "1677152720");
  EXPECT_EQ(find_header(*call, "Sign"),
            "d5223eaeb39c22e2357cf5b910c47d7bf15ee2a66ac59c8ca50e0daa0ba3ebd9");
  EXPECT_EQ(find_header(*call, "Content-Type"), "application/json; charset=utf-8");
}

TEST(CcpaymentV1Requests, OneCoinSignsExactlyTheBytesItSends) {
  auto call = build_assets_request(credentials, 1677152720, "8e5741cf-6e51-4892-9d04-3d40e1dd0128");
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->body, R"({"coin_id":"8e5741cf-6e51-4892-9d04-3d40e1dd0128"})");
  auto expected = sign(credentials, "1677152720", call->body);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(find_header(*call, "Sign"), *expected);
}

TEST(CcpaymentV1Requests, EscapesCoinIdAsJson) {
  auto call = build_assets_request(credentials, 1677152720, R"(a"b\c)");
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->body, R"({"coin_id":"a\"b\\c"})");
}

TEST(CcpaymentV1Requests, RejectsCredentialsThatWouldBreakAHeader) {
  auto call = build_assets_request({"app\r\nX: y", "testSecret"}, 1677152720);
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(build_assets_request({"testAppId", ""}, 1677152720).ok());
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v1
