// Kuna settings: the wallet, and either a static API key or the login credentials.

#include "gateways/kuna/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/gateways/settings_support.hpp"

namespace coinfan::gateways::kuna {
namespace {

using ::testing::ElementsAre;
using testing::messages;
using testing::parse_gateway;

TEST(KunaSettings, LoginCredentialsAreKeptForTheJwt) {
  const auto result = parse_gateway(R"({"id": "kn", "type": "kuna", "base_url": "https://x.example",
      "wallet_id": "w", "merchant_id": "m", "email": "e@example.com", "password": "p"})");
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto* settings = result.config->gateways[0].settings_as<Settings>();
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ(settings->wallet_id, "w");
  EXPECT_TRUE(settings->api_key.empty());
  EXPECT_EQ(settings->login.merchant_id, "m");
  EXPECT_EQ(settings->login.email, "e@example.com");
  EXPECT_EQ(settings->login.password, "p");
}

TEST(KunaSettings, AnApiKeyMayComeWithAMerchantId) {
  const auto result = parse_gateway(R"({"id": "kk", "type": "kuna", "base_url": "https://x.example",
      "wallet_id": "w", "api_key": "k", "merchant_id": "m"})");
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto* settings = result.config->gateways[0].settings_as<Settings>();
  EXPECT_EQ(settings->api_key, "k");
  EXPECT_EQ(settings->login.merchant_id, "m");
}

TEST(KunaSettings, ApiKeyAndPasswordTogetherAreRefused) {
  const auto result = parse_gateway(R"({"id": "kk", "type": "kuna", "base_url": "https://x.example",
      "wallet_id": "w", "api_key": "k", "password": "p"})");
  EXPECT_THAT(messages(result),
              ElementsAre("gateways[0].api_key: give either api_key or merchant_id, email and password, not both"));
}

TEST(KunaSettings, TheWalletIsAlwaysRequired) {
  const auto result = parse_gateway(R"({"id": "kk", "type": "kuna", "base_url": "https://x.example", "api_key": "k"})");
  EXPECT_THAT(messages(result), ElementsAre("gateways[0].wallet_id: is required"));
}

}  // namespace
}  // namespace coinfan::gateways::kuna
