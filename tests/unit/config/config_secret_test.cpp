// Configuration errors quote values as written, never as expanded: a `${NAME}` or
// `${file:...}` in a mistyped value must not put the secret it stands for into the message
// (found by fuzz/config: an unknown gateway type printed its expanded text).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "coinfan/config/config.hpp"
#include "gateways/providers.hpp"

namespace coinfan::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* secret = "s3cr3t-from-the-environment";

Environment env_with_secret() {
  Environment env;
  env.variable = [](const std::string& name) -> std::optional<std::string> {
    if (name == "CCP_SECRET") return std::string(secret);
    return std::nullopt;
  };
  env.file = [](const std::string& path, std::string& error) -> std::optional<std::string> {
    if (path == "/run/secrets/key") return std::string(secret) + "\n";
    error = "cannot read file " + path;
    return std::nullopt;
  };
  return env;
}

std::string all_errors(std::string_view text) {
  const auto result = parse_config(text, env_with_secret(), gateways::provider_schemas());
  EXPECT_FALSE(result.config);
  std::string out;
  for (const auto& error : result.errors) out += error.to_string() + "\n";
  return out;
}

TEST(ConfigSecrets, AnUnknownGatewayTypeIsQuotedAsWritten) {
  const auto errors = all_errors(
      R"({"gateways":[{"id":"c","type":"ccpayment-v2${CCP_SECRET}","base_url":"https://x.example"}]})");
  EXPECT_THAT(errors, HasSubstr("unknown gateway type \"ccpayment-v2${CCP_SECRET}\""));
  EXPECT_THAT(errors, Not(HasSubstr(secret)));
}

TEST(ConfigSecrets, AnUnknownScopeIsQuotedAsWritten) {
  const auto errors = all_errors(
      R"({"auth":{"api_keys":[{"name":"k","sha256":")" + std::string(64, 'a') +
      R"(","scopes":["read","${file:/run/secrets/key}"]}]}})");
  EXPECT_THAT(errors, HasSubstr("unknown scope \"${file:/run/secrets/key}\""));
  EXPECT_THAT(errors, Not(HasSubstr(secret)));
}

TEST(ConfigSecrets, AnUnreadableCaFileIsQuotedAsWritten) {
  const auto errors = all_errors(
      R"({"gateways":[{"id":"c","type":"cryptocloud","base_url":"https://x.example","api_key":"k",)"
      R"("ca_file":"/nonexistent/${CCP_SECRET}.pem"}]})");
  EXPECT_THAT(errors, HasSubstr("cannot read file /nonexistent/${CCP_SECRET}.pem"));
  EXPECT_THAT(errors, Not(HasSubstr(secret)));
}

}  // namespace
}  // namespace coinfan::config
