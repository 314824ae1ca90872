// TruBit settings: a static token, or the API key and secret, never both.

#include "gateways/trubit/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/gateways/settings_support.hpp"

namespace coinfan::gateways::trubit {
namespace {

using ::testing::ElementsAre;
using testing::messages;
using testing::parse_gateway;

TEST(TrubitSettings, ApiKeyAndSecretSignTokenRequests) {
  const auto result = parse_gateway(
      R"({"id": "tb", "type": "trubit", "base_url": "https://x.example", "api_key": "k", "api_secret": "s"})");
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto* settings = result.config->gateways[0].settings_as<Settings>();
  ASSERT_NE(settings, nullptr);
  EXPECT_EQ(settings->credentials.api_key, "k");
  EXPECT_EQ(settings->credentials.api_secret, "s");
  EXPECT_TRUE(settings->token.empty());
}

TEST(TrubitSettings, AStaticTokenNeedsNothingElse) {
  const auto result = parse_gateway(R"({"id": "tb", "type": "trubit", "base_url": "https://x.example", "token": "t"})");
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  EXPECT_EQ(result.config->gateways[0].settings_as<Settings>()->token, "t");
}

TEST(TrubitSettings, TokenAndApiKeyTogetherAreRefused) {
  const auto result = parse_gateway(
      R"({"id": "tb", "type": "trubit", "base_url": "https://x.example", "token": "t", "api_secret": "s"})");
  EXPECT_THAT(messages(result), ElementsAre("gateways[0].token: give either token or api_key and api_secret, not both"));
}

}  // namespace
}  // namespace coinfan::gateways::trubit
