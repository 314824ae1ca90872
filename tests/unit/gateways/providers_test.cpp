// The registration table, and what a sixth provider needs from config/: nothing. The provider
// below lives only in this test, exactly as a new folder would define it, and configuration
// parsing accepts it once its schema is in the list it is given.

#include "gateways/providers.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace coinfan::gateways {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

// --- what src/gateways/acme/config.{hpp,cpp} would hold ------------------------------------
namespace acme {

inline constexpr config::GatewayType type{"acme-pay"};

struct Settings {
  std::string merchant;
  std::string secret;
};

inline constexpr std::array<std::string_view, 2> setting_keys = {"merchant", "secret"};

std::any parse_settings(config::SettingsReader& in) {
  Settings settings;
  in.read_string("merchant", settings.merchant, true);
  in.read_string("secret", settings.secret, true);
  return settings;
}

}  // namespace acme

config::Environment no_environment() {
  config::Environment env;
  env.variable = [](const std::string&) { return std::optional<std::string>(); };
  env.file = [](const std::string&, std::string& error) -> std::optional<std::string> {
    error = "no files here";
    return std::nullopt;
  };
  return env;
}

// The table plus the new provider: what providers.hpp gives once its line is added.
std::vector<config::ProviderSchema> with_acme() {
  std::vector<config::ProviderSchema> schemas(provider_schemas().begin(), provider_schemas().end());
  schemas.push_back({acme::type, acme::parse_settings, acme::setting_keys});
  return schemas;
}

std::vector<std::string> messages(const config::LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& error : result.errors) out.push_back(error.to_string());
  return out;
}

TEST(ProviderTable, ListsEveryProviderOnceInTableOrder) {
  std::vector<std::string_view> names;
  for (const auto& schema : provider_schemas()) names.push_back(schema.type.name());
  EXPECT_THAT(names, ElementsAre("ccpayment-v1", "ccpayment-v2", "cryptocloud", "trubit", "kuna"));
  for (const auto& schema : provider_schemas()) {
    EXPECT_NE(schema.parse_settings, nullptr) << schema.type.name();
    EXPECT_FALSE(schema.keys.empty()) << schema.type.name();
  }
}

TEST(ProviderTable, SchemasComeFromEachProvidersFolder) {
  EXPECT_EQ(provider_schemas()[4].type, kuna::type);
  EXPECT_EQ(provider_schemas()[4].keys.size(), kuna::setting_keys.size());
  EXPECT_EQ(provider_schemas()[3].type, trubit::Provider::type);
}

TEST(SixthProvider, ItsSettingsAreParsedByItsOwnParserWithoutChangingConfig) {
  const auto schemas = with_acme();
  const auto result = config::parse_config(R"({"gateways": [
      {"id": "acme", "type": "acme-pay", "base_url": "https://acme.example", "merchant": "m-1", "secret": "s"}]})",
                                           no_environment(), schemas);
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto& gateway = result.config->gateways.at(0);
  EXPECT_EQ(gateway.type, acme::type);
  ASSERT_NE(gateway.settings_as<acme::Settings>(), nullptr);
  EXPECT_EQ(gateway.settings_as<acme::Settings>()->merchant, "m-1");
  EXPECT_EQ(gateway.settings_as<kuna::Settings>(), nullptr);
}

TEST(SixthProvider, ItsProblemsCarryTheirJsonPathsAndItsKeysBelongToItAlone) {
  const auto schemas = with_acme();
  const auto result = config::parse_config(R"({"gateways": [
      {"id": "acme", "type": "acme-pay", "base_url": "https://acme.example", "merchant": "m-1", "app_id": "x"},
      {"id": "ccp", "type": "ccpayment-v2", "base_url": "https://ccp.example", "app_id": "a", "app_secret": "b",
       "merchant": "m"}]})",
                                           no_environment(), schemas);
  EXPECT_THAT(messages(result), Contains("gateways[0].secret: is required"));
  EXPECT_THAT(messages(result), Contains("gateways[0].app_id: unknown key"));
  EXPECT_THAT(messages(result), Contains("gateways[1].merchant: unknown key"));
}

TEST(SixthProvider, TheUnknownTypeMessageNamesIt) {
  const auto schemas = with_acme();
  const auto result = config::parse_config(
      R"({"gateways": [{"id": "x", "type": "paypal", "base_url": "https://x.example", "merchant": "m"}]})",
      no_environment(), schemas);
  ASSERT_EQ(result.errors.size(), 1u) << ::testing::PrintToString(messages(result));
  EXPECT_EQ(result.errors[0].to_string(),
            "gateways[0].type: unknown gateway type \"paypal\" "
            "(ccpayment-v1, ccpayment-v2, cryptocloud, trubit, kuna, acme-pay)");
}

}  // namespace
}  // namespace coinfan::gateways
