#include "gateways/kuna/requests.hpp"

#include <array>

#include <gtest/gtest.h>

namespace coinfan::gateways::kuna {
namespace {

constexpr std::string_view wallet = "1f44b1c7-9fd4-4d20-b9a4-7aca3646d0d5";

TEST(KunaRequests, LoginPutsTheEmailInAFieldNamedToken) {
  auto call = build_login_request({"merchant-42", "ops@example.com", "pa\"ss"});
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->method, "POST");
  EXPECT_EQ(call->target, "/v2/auth/login");
  EXPECT_EQ(call->body, R"({"token":"ops@example.com","password":"pa\"ss"})");
  EXPECT_EQ(find_header(*call, "merchant_id"), "merchant-42");
  EXPECT_EQ(find_header(*call, "Content-Type"), "application/json");
}

TEST(KunaRequests, LoginRejectsMissingCredentialsWithoutEchoingThePassword) {
  EXPECT_EQ(build_login_request({"", "a@b.c", "pw"}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(build_login_request({"m", "", "pw"}).error().code, ErrorCode::invalid_argument);
  auto call = build_login_request({"m", "a@b.c", ""});
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, ErrorCode::invalid_argument);
  auto bad_utf8 = build_login_request({"m", "a@b.c", "hunter2\xff"});
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().detail.find("hunter2"), std::string::npos);
}

TEST(KunaRequests, BalanceWithBearerTokenAndAssetList) {
  const std::array<std::string, 2> assets = {"USDT", "BTC"};
  auto call = build_balance_request(BearerToken{"jwt.token.here"}, wallet, assets);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->method, "POST");
  EXPECT_EQ(call->target, "/v2/balance");
  EXPECT_EQ(call->body,
            R"({"walletId":"1f44b1c7-9fd4-4d20-b9a4-7aca3646d0d5","assets":["USDT","BTC"]})");
  EXPECT_EQ(find_header(*call, "Authorization"), "Bearer jwt.token.here");
  EXPECT_FALSE(find_header(*call, "api-key"));
  EXPECT_TRUE(call->idempotent);
}

TEST(KunaRequests, BalanceWithApiKeyAndAllAssets) {
  auto call = build_balance_request(ApiKey{"key-1"}, wallet);
  ASSERT_TRUE(call.ok()) << call.error().detail;
  EXPECT_EQ(call->body, R"({"walletId":"1f44b1c7-9fd4-4d20-b9a4-7aca3646d0d5"})");
  EXPECT_EQ(find_header(*call, "api-key"), "key-1");
  EXPECT_FALSE(find_header(*call, "Authorization"));
}

TEST(KunaRequests, BalanceValidatesWalletIdAndAssets) {
  EXPECT_EQ(build_balance_request(ApiKey{"k"}, "not-a-uuid").error().code,
            ErrorCode::invalid_argument);
  const std::array<std::string, 1> bad = {"US DT"};
  EXPECT_EQ(build_balance_request(ApiKey{"k"}, wallet, bad).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(build_balance_request(ApiKey{""}, wallet).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(build_balance_request(BearerToken{"a\nb"}, wallet).error().code,
            ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace coinfan::gateways::kuna
