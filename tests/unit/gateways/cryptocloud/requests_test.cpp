#include "gateways/cryptocloud/requests.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways::cryptocloud {
namespace {

TEST(CryptocloudRequests, BalanceAllIsAPostWithTokenAuthorizationAndNoBody) {
  auto call = build_balance_all_request("eyJ0eXAiOiJKV1Qi.key");
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->method, "POST");
  EXPECT_EQ(call->target, "/v2/merchant/wallet/balance/all");
  EXPECT_EQ(call->body, "");
  EXPECT_TRUE(call->idempotent);
  ASSERT_EQ(call->headers.size(), 1u);
  EXPECT_EQ(find_header(*call, "Authorization"), "Token eyJ0eXAiOiJKV1Qi.key");
}

TEST(CryptocloudRequests, RejectsAnEmptyOrHeaderBreakingKeyWithoutEchoingIt) {
  EXPECT_EQ(build_balance_all_request("").error().code, ErrorCode::invalid_argument);
  auto call = build_balance_all_request("secret-key\r\nX-Evil: 1");
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(call.error().detail.find("secret-key"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::gateways::cryptocloud
