#pragma once
// The service configuration: the JSON file of DESIGN.md, interpolated and strictly validated.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/config/provider.hpp"
#include "coinfan/config/redis_url.hpp"

namespace coinfan::config {

using Millis = std::chrono::milliseconds;

struct ApiKey {
  std::string name;
  std::string sha256_hex;  // lowercase hex of the key's SHA-256; the key itself is never stored
  std::vector<std::string> scopes;
};

struct ServerConfig {
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 8080;
  unsigned threads = 0;  // 0: one per core
  std::size_t max_body_bytes = 65536;
  std::size_t max_header_bytes = 16384;
  Millis request_timeout{15000};
  Millis idle_timeout{60000};
  Millis drain_timeout{10000};
  std::size_t max_connections = 10000;
  Millis header_timeout{10000};               // accept (or a request's first byte) to end of headers
  std::size_t reserved_connections = 16;      // beyond max_connections, for /healthz /readyz /metrics
  std::size_t max_connections_per_client = 256;  // per peer address; 0: off; trusted_proxies exempt
  unsigned client_rate_limit_rps = 0;         // per client address; 0: off
  unsigned client_rate_limit_burst = 0;       // 0: the same as client_rate_limit_rps
  std::vector<std::string> trusted_proxies;
  std::vector<std::string> cors_allowed_origins;
};

struct CacheConfig {
  Millis fresh{5000};
  Millis stale{60000};
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, off
  std::string format = "json";  // json or text
};

// One configured gateway: the keys every provider shares, its registered type, and the
// provider's own typed settings (parsed by the provider's folder, see config/provider.hpp).
struct GatewayConfig {
  std::string id;
  GatewayType type;
  std::string base_url;
  bool enabled = true;
  Millis timeout{5000};
  unsigned max_concurrency = 16;
  std::optional<double> rate_limit_rps;  // requests per second; not money
  unsigned retries = 2;
  std::string ca_file;
  // The provider's Settings value (e.g. gateways::kuna::Settings); empty when not parsed.
  std::any settings;

  // The settings as the provider's type, or nullptr when they hold another type.
  template <typename Settings>
  const Settings* settings_as() const noexcept {
    return std::any_cast<Settings>(&settings);
  }
  template <typename Settings>
  Settings* settings_as() noexcept {
    return std::any_cast<Settings>(&settings);
  }
};

// `shared.redis`: state several replicas share through one Redis: each gateway's
// `rate_limit_rps` as one budget for all of them, each gateway call, the order ids of writes,
// and (share_credentials) issued credentials; each replica's own state stays as the fallback
// when Redis is slow or down.
struct RedisConfig {
  RedisEndpoint endpoint;               // `url`; `password` (a secret, `${NAME}`) overrides the URL's
  std::string ca_file;                  // rediss:// only: PEM of the CAs to trust; empty: the system store
  std::string tls_server_name;          // rediss:// only: the name the certificate must carry; empty: the URL's host
  std::string key_prefix = "coinfan:";  // every key starts with it
  Millis timeout{50};                   // per Redis call; past it the replica decides alone
  // `share_credentials`: provider-issued credentials (TruBit tokens, Kuna JWTs) are kept in
  // Redis until they expire, so one replica logs in for all; false: each logs in itself.
  bool share_credentials = true;
};

struct SharedConfig {
  std::optional<RedisConfig> redis;  // absent: every replica works alone
};

struct Config {
  ServerConfig server;
  std::vector<ApiKey> api_keys;
  CacheConfig cache;
  LogConfig log;
  SharedConfig shared;
  std::vector<GatewayConfig> gateways;
};

// One problem in a configuration: a JSON path such as `gateways[2].app_secret` and a reason.
struct ConfigError {
  std::string path;
  std::string reason;
  std::string to_string() const;
};

// Where `${NAME}` and `${file:/path}` are looked up; injectable for tests.
struct Environment {
  std::function<std::optional<std::string>(const std::string&)> variable;
  // Returns the file's content, or nullopt with `error` set.
  std::function<std::optional<std::string>(const std::string& path, std::string& error)> file;
  static Environment process();
};

struct LoadResult {
  std::optional<Config> config;        // set only when `errors` is empty
  std::vector<ConfigError> errors;     // every problem found, not only the first
};

// `providers` is the registration table's view of the gateway types (gateways::provider_schemas()).
LoadResult parse_config(std::string_view json_text, const Environment& env,
                        std::span<const ProviderSchema> providers);
LoadResult load_config_file(const std::string& path, const Environment& env,
                            std::span<const ProviderSchema> providers);

// The embedded default used by `--demo` before gateways are added.
Config default_config();

}  // namespace coinfan::config
