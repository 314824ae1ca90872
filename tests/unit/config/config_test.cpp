// Configuration loading: interpolation, strict validation, and error paths.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "coinfan/config/config.hpp"
#include "gateways/providers.hpp"

namespace coinfan::config {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

Environment fake_env(std::map<std::string, std::string> variables = {},
                     std::map<std::string, std::string> files = {}) {
  Environment env;
  env.variable = [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  env.file = [files](const std::string& path, std::string& error) -> std::optional<std::string> {
    auto it = files.find(path);
    if (it == files.end()) {
      error = "cannot read file " + path;
      return std::nullopt;
    }
    return it->second;
  };
  return env;
}

// Parses with the registration table's providers, as the service does.
LoadResult parse(std::string_view text, const Environment& env) {
  return parse_config(text, env, gateways::provider_schemas());
}

std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& error : result.errors) out.push_back(error.to_string());
  return out;
}

TEST(Config, EmptyObjectGivesDefaults) {
  auto result = parse("{}", fake_env());
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  EXPECT_EQ(result.config->server.listen_port, 8080);
  EXPECT_EQ(result.config->server.max_body_bytes, 65536u);
  EXPECT_EQ(result.config->cache.fresh, std::chrono::milliseconds(5000));
  EXPECT_TRUE(result.config->gateways.empty());
}

TEST(Config, FullDesignExampleIsAccepted) {
  auto result = parse(R"({
    "server":  { "listen": "0.0.0.0:8080", "threads": 0, "max_body_bytes": 65536,
                 "request_timeout_ms": 15000, "max_connections": 10000,
                 "trusted_proxies": ["127.0.0.1/32"], "cors_allowed_origins": [] },
    "auth":    { "api_keys": [ { "name": "dashboard", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "scopes": ["read"] } ] },
    "cache":   { "fresh_ms": 5000, "stale_ms": 60000 },
    "log":     { "level": "info", "format": "json" },
    "gateways": [
      { "id": "ccp-main", "type": "ccpayment-v2", "base_url": "https://ccpayment.com",
        "app_id": "app", "app_secret": "${CCP_MAIN_SECRET}", "timeout_ms": 5000 },
      { "id": "ccp-old",  "type": "ccpayment-v1", "base_url": "https://admin.ccpayment.com",
        "app_id": "app", "app_secret": "${file:/run/secrets/ccp_old}" },
      { "id": "cloud", "type": "cryptocloud", "base_url": "https://api.cryptocloud.plus", "api_key": "k" },
      { "id": "trubit", "type": "trubit", "base_url": "https://api-business.trubit.com",
        "api_key": "k", "api_secret": "s", "rate_limit_rps": 2.5 },
      { "id": "kuna", "type": "kuna", "base_url": "https://kuna.example", "wallet_id": "w",
        "merchant_id": "m", "email": "e@example.com", "password": "p" }
    ]
  })", fake_env({{"CCP_MAIN_SECRET", "main-secret"}}, {{"/run/secrets/ccp_old", "old-secret\n"}}));
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto& gateways = result.config->gateways;
  ASSERT_EQ(gateways.size(), 5u);
  EXPECT_EQ(gateways[0].settings_as<gateways::ccpayment_v2::Settings>()->credentials.app_secret, "main-secret");
  // trailing newline trimmed
  EXPECT_EQ(gateways[1].settings_as<gateways::ccpayment_v1::Settings>()->credentials.app_secret, "old-secret");
  EXPECT_EQ(gateways[1].type, gateways::ccpayment_v1::type);
  EXPECT_EQ(*gateways[3].rate_limit_rps, 2.5);
  EXPECT_EQ(result.config->api_keys.at(0).scopes, std::vector<std::string>{"read"});
}

TEST(Config, SharedRedisIsOptionalAndReadWithItsSecret) {
  auto none = parse("{}", fake_env());
  ASSERT_TRUE(none.config);
  EXPECT_FALSE(none.config->shared.redis);

  auto result = parse(R"({"shared": {"redis": {"url": "redis://svc@cache:6380/1", "password": "${REDIS_PASSWORD}",
                                              "key_prefix": "shop-a:", "timeout_ms": 80}}})",
                      fake_env({{"REDIS_PASSWORD", "r3dis-secret"}}));
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto& redis = *result.config->shared.redis;
  EXPECT_EQ(redis.endpoint.host, "cache");
  EXPECT_EQ(redis.endpoint.port, 6380);
  EXPECT_EQ(redis.endpoint.user, "svc");
  EXPECT_EQ(redis.endpoint.password, "r3dis-secret");
  EXPECT_EQ(redis.endpoint.database, 1u);
  EXPECT_EQ(redis.key_prefix, "shop-a:");
  EXPECT_EQ(redis.timeout, std::chrono::milliseconds(80));

  auto defaults = parse(R"({"shared": {"redis": {"url": "redis://127.0.0.1"}}})", fake_env());
  ASSERT_TRUE(defaults.config) << ::testing::PrintToString(messages(defaults));
  EXPECT_EQ(defaults.config->shared.redis->key_prefix, "coinfan:");
  EXPECT_EQ(defaults.config->shared.redis->timeout, std::chrono::milliseconds(50));
}

TEST(Config, SharedRedisSharesIssuedCredentialsUnlessTurnedOff) {
  auto defaults = parse(R"({"shared": {"redis": {"url": "redis://127.0.0.1"}}})", fake_env());
  ASSERT_TRUE(defaults.config) << ::testing::PrintToString(messages(defaults));
  EXPECT_TRUE(defaults.config->shared.redis->share_credentials);

  auto off = parse(R"({"shared": {"redis": {"url": "redis://127.0.0.1", "share_credentials": false}}})", fake_env());
  ASSERT_TRUE(off.config) << ::testing::PrintToString(messages(off));
  EXPECT_FALSE(off.config->shared.redis->share_credentials);

  auto wrong = parse(R"({"shared": {"redis": {"url": "redis://127.0.0.1", "share_credentials": "no"}}})", fake_env());
  EXPECT_FALSE(wrong.config);
  const auto all = ::testing::PrintToString(messages(wrong));
  EXPECT_NE(all.find("shared.redis.share_credentials"), std::string::npos) << all;
}

TEST(Config, SharedRedisErrorsNameThePathNeverThePassword) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"shared": {"redis": {}}})", "shared.redis.url: is required"},
      {R"({"shared": {"redis": {"url": "rediss://:p4ss-in-url@h:0"}}})", "shared.redis.url: the port must be 1-65535"},
      {R"({"shared": {"redis": {"url": "http://:p4ss-in-url@h"}}})", "shared.redis.url: the scheme must be redis:// or rediss://"},
      {R"({"shared": {"redis": {"url": "redis://:p4ss-in-url@h:0"}}})", "shared.redis.url: the port must be 1-65535"},
      {R"({"shared": {"redis": {"url": "redis://h", "timeout_ms": 0}}})", "shared.redis.timeout_ms"},
      {R"({"shared": {"redis": {"url": "redis://h", "tls": true}}})", "shared.redis.tls: unknown key"},
      {R"({"shared": {"redis": "redis://h"}})", "shared.redis: must be an object"},
      {R"({"shared": {"memcached": {}}})", "shared.memcached: unknown key"},
  };
  for (const auto& [text, expected] : cases) {
    auto result = parse(text, fake_env());
    EXPECT_FALSE(result.config) << text;
    const auto all = ::testing::PrintToString(messages(result));
    EXPECT_NE(all.find(expected), std::string::npos) << text << " -> " << all;
    EXPECT_EQ(all.find("p4ss-in-url"), std::string::npos) << all;
  }
}

// A file for ca_file, removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : path_((std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string()) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Config, SharedRedisOverTlsWithItsCaFileAndServerName) {
  const TempFile ca("coinfan-redis-ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  auto result = parse(R"({"shared": {"redis": {"url": "rediss://:pw@cache.internal/2", "ca_file": ")" + ca.path() +
                          R"(", "tls_server_name": "redis.example"}}})",
                      fake_env());
  ASSERT_TRUE(result.config) << ::testing::PrintToString(messages(result));
  const auto& redis = *result.config->shared.redis;
  EXPECT_TRUE(redis.endpoint.tls);
  EXPECT_EQ(redis.endpoint.host, "cache.internal");
  EXPECT_EQ(redis.endpoint.port, 6379);
  EXPECT_EQ(redis.endpoint.database, 2u);
  EXPECT_EQ(redis.ca_file, ca.path());
  EXPECT_EQ(redis.tls_server_name, "redis.example");

  // Without ca_file the system's trust store is used; redis:// stays plain.
  auto system_store = parse(R"({"shared": {"redis": {"url": "rediss://cache:6380"}}})", fake_env());
  ASSERT_TRUE(system_store.config) << ::testing::PrintToString(messages(system_store));
  EXPECT_TRUE(system_store.config->shared.redis->endpoint.tls);
  EXPECT_EQ(system_store.config->shared.redis->endpoint.port, 6380);
  EXPECT_TRUE(system_store.config->shared.redis->ca_file.empty());
  auto plain = parse(R"({"shared": {"redis": {"url": "redis://cache"}}})", fake_env());
  ASSERT_TRUE(plain.config);
  EXPECT_FALSE(plain.config->shared.redis->endpoint.tls);
}

TEST(Config, SharedRedisTlsSettingsAreCheckedAtLoad) {
  const TempFile ca("coinfan-redis-ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const TempFile not_pem("coinfan-redis-not-pem.txt", "hello\n");
  const auto redis = [](const std::string& members) { return R"({"shared": {"redis": {)" + members + "}}}"; };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {redis(R"("url": "redis://:p4ss-in-url@h", "ca_file": ")" + ca.path() + "\""),
       "shared.redis.ca_file: is only for a rediss:// (TLS) url"},
      {redis(R"("url": "rediss://:p4ss-in-url@h", "ca_file": "/nonexistent/redis-ca.pem")"),
       "shared.redis.ca_file: cannot read file /nonexistent/redis-ca.pem"},
      {redis(R"("url": "rediss://:p4ss-in-url@h", "ca_file": ")" + not_pem.path() + "\""),
       "shared.redis.ca_file: no PEM certificate in " + not_pem.path()},
      {redis(R"("url": "rediss://:p4ss-in-url@h", "ca_file": "")"), "shared.redis.ca_file: must not be empty"},
      {redis(R"("url": "redis://:p4ss-in-url@h", "tls_server_name": "h")"),
       "shared.redis.tls_server_name: is only for a rediss:// (TLS) url"},
      {redis(R"("url": "rediss://:p4ss-in-url@h", "tls_server_name": "a b")"),
       "shared.redis.tls_server_name: must be a host name"},
  };
  for (const auto& [text, expected] : cases) {
    auto result = parse(text, fake_env());
    EXPECT_FALSE(result.config) << text;
    const auto all = ::testing::PrintToString(messages(result));
    EXPECT_NE(all.find(expected), std::string::npos) << text << " -> " << all;
    EXPECT_EQ(all.find("p4ss-in-url"), std::string::npos) << all;
  }
}

TEST(Config, MissingEnvironmentVariableNamesPathAndVariable) {
  auto result = parse(R"({"gateways": [
    {"id": "a", "type": "cryptocloud", "base_url": "https://x.example", "api_key": "k"},
    {"id": "b", "type": "cryptocloud", "base_url": "https://x.example", "api_key": "k"},
    {"id": "c", "type": "ccpayment-v2", "base_url": "https://x.example", "app_id": "i", "app_secret": "${CCP_SECRET}"}
  ]})", fake_env());
  EXPECT_THAT(messages(result), Contains("gateways[2].app_secret: environment variable CCP_SECRET is not set"));
}

TEST(Config, MissingSecretFileIsNamed) {
  auto result = parse(R"({"gateways": [{"id": "a", "type": "cryptocloud", "base_url": "https://x.example",
    "api_key": "${file:/nope/key}"}]})", fake_env());
  EXPECT_THAT(messages(result), Contains("gateways[0].api_key: cannot read file /nope/key"));
}

TEST(Config, InterpolationWorksInsideLongerStrings) {
  auto result = parse(R"({"gateways": [{"id": "a", "type": "cryptocloud",
    "base_url": "https://${HOST}:8443/api", "api_key": "k"}]})", fake_env({{"HOST", "gw.example"}}));
  ASSERT_TRUE(result.config);
  EXPECT_EQ(result.config->gateways[0].base_url, "https://gw.example:8443/api");
}

TEST(Config, UnknownKeysAreErrorsAtEveryLevel) {
  auto result = parse(R"({"srever": {}, "server": {"thread": 2},
    "gateways": [{"id": "a", "type": "cryptocloud", "base_url": "https://x.example", "api_key": "k", "app_secret": "s"}]})",
                             fake_env());
  EXPECT_THAT(messages(result), Contains("srever: unknown key"));
  EXPECT_THAT(messages(result), Contains("server.thread: unknown key"));
  EXPECT_THAT(messages(result), Contains("gateways[0].app_secret: unknown key"));
}

TEST(Config, WrongTypesAreReportedWithTheirPaths) {
  auto result = parse(R"({"server": {"threads": "4", "max_body_bytes": -1, "trusted_proxies": "x"},
    "cache": {"fresh_ms": 1.5}})", fake_env());
  EXPECT_THAT(messages(result), Contains("server.threads: must be an integer, not a string"));
  EXPECT_THAT(messages(result), Contains("server.max_body_bytes: must not be negative"));
  EXPECT_THAT(messages(result), Contains("server.trusted_proxies: must be an array of strings, not a string"));
  EXPECT_THAT(messages(result), Contains("cache.fresh_ms: must be an integer, not a number"));
}

TEST(Config, DuplicateGatewayIdsAreRejected) {
  auto result = parse(R"({"gateways": [
    {"id": "a", "type": "cryptocloud", "base_url": "https://x.example", "api_key": "k"},
    {"id": "a", "type": "cryptocloud", "base_url": "https://y.example", "api_key": "k"}]})", fake_env());
  EXPECT_THAT(messages(result), Contains("gateways[1].id: duplicate gateway id \"a\""));
}

// Found by the `config` fuzz target: a duplicate id written with ${NAME} showed the variable's
// value in the error.
TEST(Config, DuplicateIdsAreNamedAsWrittenNeverWithASecret) {
  auto result = parse(R"({"gateways": [
    {"id": "a-${SECRET}", "type": "cryptocloud", "base_url": "https://x.example", "api_key": "k"},
    {"id": "a-${SECRET}", "type": "cryptocloud", "base_url": "https://y.example", "api_key": "k"}],
    "auth": {"api_keys": [
      {"name": "k-${SECRET}", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "scopes": ["read"]},
      {"name": "k-${SECRET}", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "scopes": ["read"]}]}})", fake_env({{"SECRET", "hunter2-value"}}));
  EXPECT_THAT(messages(result), Contains("gateways[1].id: duplicate gateway id \"a-${SECRET}\""));
  EXPECT_THAT(messages(result), Contains("auth.api_keys[1].name: duplicate API key name \"k-${SECRET}\""));
  for (const auto& message : messages(result)) EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(Config, UnknownGatewayTypeIsRejected) {
  auto result = parse(R"({"gateways": [{"id": "a", "type": "paypal", "base_url": "https://x.example"}]})", fake_env());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0].to_string(), HasSubstr("gateways[0].type: unknown gateway type \"paypal\""));
}

TEST(Config, PlainHttpOnlyForLoopback) {
  auto result = parse(R"({"gateways": [
    {"id": "a", "type": "cryptocloud", "base_url": "http://api.cryptocloud.plus", "api_key": "k"},
    {"id": "b", "type": "cryptocloud", "base_url": "http://127.0.0.1:9000", "api_key": "k"},
    {"id": "c", "type": "cryptocloud", "base_url": "http://[::1]:9000", "api_key": "k"},
    {"id": "d", "type": "cryptocloud", "base_url": "http://localhost:9000", "api_key": "k"},
    {"id": "e", "type": "cryptocloud", "base_url": "ftp://x.example", "api_key": "k"}]})", fake_env());
  EXPECT_THAT(messages(result),
              Contains("gateways[0].base_url: http:// is allowed only for loopback hosts; use https://"));
  EXPECT_THAT(messages(result), Contains("gateways[4].base_url: must use https://"));
  EXPECT_EQ(result.errors.size(), 2u) << ::testing::PrintToString(messages(result));
}

TEST(Config, RequiredFieldsDependOnGatewayType) {
  auto result = parse(R"({"gateways": [
    {"id": "v1", "type": "ccpayment-v1", "base_url": "https://x.example", "app_id": "i"},
    {"id": "cc", "type": "cryptocloud", "base_url": "https://x.example"},
    {"id": "tb", "type": "trubit", "base_url": "https://x.example", "api_key": "k"},
    {"id": "tt", "type": "trubit", "base_url": "https://x.example", "token": "t"},
    {"id": "kn", "type": "kuna", "base_url": "https://x.example", "wallet_id": "w", "merchant_id": "m"},
    {"id": "kk", "type": "kuna", "base_url": "https://x.example", "wallet_id": "w", "api_key": "k"},
    {"type": "cryptocloud", "api_key": "k"}]})", fake_env());
  const auto all = messages(result);
  EXPECT_THAT(all, Contains("gateways[0].app_secret: is required"));
  EXPECT_THAT(all, Contains("gateways[1].api_key: is required"));
  EXPECT_THAT(all, Contains("gateways[2].api_secret: is required"));
  EXPECT_THAT(all, Contains("gateways[4].email: is required"));
  EXPECT_THAT(all, Contains("gateways[4].password: is required"));
  EXPECT_THAT(all, Contains("gateways[6].id: is required"));
  EXPECT_THAT(all, Contains("gateways[6].base_url: is required"));
  EXPECT_EQ(all.size(), 7u) << ::testing::PrintToString(all);
}

TEST(Config, InvalidJsonReportsPosition) {
  auto result = parse("{\n  \"server\": {,}\n}", fake_env());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_THAT(result.errors[0].to_string(), HasSubstr("invalid JSON at line 2"));
}

TEST(Config, ApiKeysAreValidated) {
  auto result = parse(R"({"auth": {"api_keys": [
    {"name": "a", "sha256": "zz", "scopes": ["read", "admin"]},
    {"name": "a", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}})", fake_env());
  const auto all = messages(result);
  EXPECT_THAT(all, Contains("auth.api_keys[0].sha256: must be 64 hexadecimal characters (the key's SHA-256)"));
  EXPECT_THAT(all, Contains("auth.api_keys[0].scopes: unknown scope \"admin\" (read, write)"));
  EXPECT_THAT(all, Contains("auth.api_keys[1].scopes: is required"));
  EXPECT_THAT(all, Contains("auth.api_keys[1].name: duplicate API key name \"a\""));
}

TEST(Config, ListenAndProxiesAreValidated) {
  auto result = parse(R"({"server": {"listen": "nohost", "trusted_proxies": ["10.0.0.0/8", "300.1.1.1"]},
    "log": {"level": "loud", "format": "xml"}, "cache": {"fresh_ms": 10, "stale_ms": 5}})", fake_env());
  const auto all = messages(result);
  EXPECT_THAT(all, Contains(HasSubstr("server.listen: must be host:port")));
  EXPECT_THAT(all, Contains("server.trusted_proxies[1]: is not an IP address or CIDR range"));
  EXPECT_THAT(all, Contains(HasSubstr("log.level: must be one of")));
  EXPECT_THAT(all, Contains("log.format: must be \"json\" or \"text\""));
  EXPECT_THAT(all, Contains("cache.stale_ms: must not be less than fresh_ms"));
}

TEST(Config, ConnectionGovernanceKeysHaveDefaultsAndRanges) {
  auto defaults = parse("{}", fake_env());
  ASSERT_TRUE(defaults.config);
  EXPECT_EQ(defaults.config->server.header_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(defaults.config->server.reserved_connections, 16u);
  EXPECT_EQ(defaults.config->server.max_connections_per_client, 256u);
  EXPECT_EQ(defaults.config->server.client_rate_limit_rps, 0u);
  EXPECT_EQ(defaults.config->server.client_rate_limit_burst, 0u);

  auto set = parse(R"({ "server": { "header_timeout_ms": 2500, "reserved_connections": 4,
    "max_connections_per_client": 0, "client_rate_limit_rps": 20, "client_rate_limit_burst": 40 } })",
                   fake_env());
  ASSERT_TRUE(set.config) << ::testing::PrintToString(messages(set));
  EXPECT_EQ(set.config->server.header_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(set.config->server.reserved_connections, 4u);
  EXPECT_EQ(set.config->server.max_connections_per_client, 0u);
  EXPECT_EQ(set.config->server.client_rate_limit_rps, 20u);
  EXPECT_EQ(set.config->server.client_rate_limit_burst, 40u);

  auto bad = parse(R"({ "server": { "header_timeout_ms": 0, "reserved_connections": -1,
    "client_rate_limit_rps": "fast" } })", fake_env());
  EXPECT_FALSE(bad.config);
  const auto errors = messages(bad);
  EXPECT_EQ(errors.size(), 3u) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors, Contains(HasSubstr("server.header_timeout_ms")));
  EXPECT_THAT(errors, Contains(HasSubstr("server.reserved_connections")));
  EXPECT_THAT(errors, Contains(HasSubstr("server.client_rate_limit_rps")));
}

TEST(Config, ErrorsNeverContainSecretValues) {
  auto result = parse(R"({"gateways": [{"id": "a", "type": "ccpayment-v2", "base_url": "http://x.example",
    "app_id": "i", "app_secret": "super-secret-value", "bogus": 1}]})", fake_env());
  ASSERT_FALSE(result.errors.empty());
  for (const auto& message : messages(result)) EXPECT_THAT(message, ::testing::Not(HasSubstr("super-secret-value")));
}

}  // namespace
}  // namespace coinfan::config
