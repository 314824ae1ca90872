#include "gateways/trubit/requests.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways::trubit {
namespace {

TEST(TrubitRequests, TokenRequestCarriesTimestampSignatureAndApiKey) {
  auto call = build_token_request({"my-api-key", "testSecret"}, 1740568725231);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->method, "GET");
  EXPECT_EQ(call->target,
            "/v2/token/generate?timestamp=1740568725231&signature="
            "6777517a18524c276f22be0afce9f883544dd56e13513f5a188cf8cb7a07dabb");
  EXPECT_EQ(call->body, "");
  ASSERT_EQ(call->headers.size(), 1u);
  EXPECT_EQ(find_header(*call, "X-BH-APIKEY"), "my-api-key");
  EXPECT_TRUE(call->idempotent);
}

TEST(TrubitRequests, TokenRequestNeverPutsTheSecretOnTheWire) {
  auto call = build_token_request({"my-api-key", "testSecret"}, 1740568725231);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->target.find("testSecret"), std::string::npos);
  for (const auto& [name, value] : call->headers) {
    EXPECT_EQ(value.find("testSecret"), std::string::npos) << name;
  }
}

TEST(TrubitRequests, TokenRequestRejectsMissingCredentials) {
  EXPECT_EQ(build_token_request({"", "s"}, 1).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(build_token_request({"k", ""}, 1).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(build_token_request({"k", "s"}, -1).error().code, ErrorCode::invalid_argument);
}

TEST(TrubitRequests, AssetsRequestCarriesTheToken) {
  auto call = build_assets_request("tok-123");
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->method, "GET");
  EXPECT_EQ(call->target, "/v2/user/account/assets");
  EXPECT_EQ(find_header(*call, "X-BH-TOKEN"), "tok-123");
  EXPECT_EQ(call->body, "");
}

TEST(TrubitRequests, VelafiAssetsRequestNamesTheMerchant) {
  auto call = build_assets_request("tok-123", 0);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->target, "/v2/assets/account/assets?merchantId=0");
}

TEST(TrubitRequests, AssetsRequestRejectsAHeaderBreakingToken) {
  EXPECT_EQ(build_assets_request("tok\r\nX: 1").error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace coinfan::gateways::trubit
