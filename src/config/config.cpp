#include "coinfan/config/config.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "coinfan/core/cidr.hpp"

namespace coinfan::config {
namespace json = boost::json;

std::string ConfigError::to_string() const {
  return (path.empty() ? std::string("(root)") : path) + ": " + reason;
}

Environment Environment::process() {
  Environment env;
  env.variable = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.file = [](const std::string& path, std::string& error) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "cannot read file " + path;
      return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  };
  return env;
}

namespace {

constexpr std::size_t max_config_bytes = 1 << 20;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string_view kind_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64: return "an integer";
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

// A value quoted in an error message as written in the file, never as expanded: `${NAME}` and
// `${file:...}` may stand for a secret.
std::string as_written(const json::value* value) {
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

namespace detail {

// Reads one JSON object, remembering which keys were consumed so the rest can be reported.
class ObjectReader {
 public:
  ObjectReader(const json::object& object, std::string path, const Environment& env,
               std::vector<ConfigError>& errors)
      : object_(object), path_(std::move(path)), env_(env), errors_(errors) {}

  ~ObjectReader() = default;
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  const std::string& path() const { return path_; }
  bool has(std::string_view key) const { return object_.contains(key); }
  void error(std::string_view key, std::string reason) {
    errors_.push_back({join(path_, key), std::move(reason)});
  }

  const json::value* find(std::string_view key) {
    known_.insert(std::string(key));
    return object_.if_contains(key);
  }

  // The value at `key` when it is present and `accepted`; otherwise nullptr, with "must be
  // <expected>, not <kind>" reported for a value of the wrong kind.
  template <typename Accepted>
  const json::value* find_as(std::string_view key, Accepted accepted, std::string_view expected) {
    const auto* value = find(key);
    if (value == nullptr || accepted(*value)) return value;
    error(key, "must be " + std::string(expected) + ", not " + std::string(kind_name(*value)));
    return nullptr;
  }

  // A string, with `${NAME}` and `${file:/path}` expanded.
  bool read_string(std::string_view key, std::string& out, bool required) {
    const auto* value = find_as(key, [](const json::value& v) { return v.is_string(); }, "a string");
    if (value == nullptr) {
      if (required && !has(key)) error(key, "is required");
      return false;
    }
    auto expanded = interpolate(join(path_, key), value->get_string());
    if (!expanded) return false;
    if (required && expanded->empty()) {
      error(key, "must not be empty");
      return false;
    }
    out = std::move(*expanded);
    return true;
  }

  template <typename Int>
  bool read_uint(std::string_view key, Int& out, std::uint64_t min, std::uint64_t max) {
    const auto* value = find(key);
    if (value == nullptr) return false;
    std::uint64_t number = 0;
    if (value->is_uint64()) {
      number = value->get_uint64();
    } else if (value->is_int64() && value->get_int64() >= 0) {
      number = static_cast<std::uint64_t>(value->get_int64());
    } else if (value->is_int64()) {
      error(key, "must not be negative");
      return false;
    } else {
      error(key, "must be an integer, not " + std::string(kind_name(*value)));
      return false;
    }
    if (number < min || number > max) {
      error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return false;
    }
    out = static_cast<Int>(number);
    return true;
  }

  bool read_millis(std::string_view key, Millis& out, std::uint64_t min, std::uint64_t max) {
    std::uint64_t ms = 0;
    if (!read_uint(key, ms, min, max)) return false;
    out = Millis(static_cast<Millis::rep>(ms));
    return true;
  }

  bool read_bool(std::string_view key, bool& out) {
    const auto* value = find_as(key, [](const json::value& v) { return v.is_bool(); }, "true or false");
    if (value == nullptr) return false;
    out = value->get_bool();
    return true;
  }

  bool read_positive_number(std::string_view key, double& out) {
    const auto* value = find_as(key, [](const json::value& v) { return v.is_number(); }, "a number");
    if (value == nullptr) return false;
    const double number = value->to_number<double>();
    if (!(number > 0) || !std::isfinite(number)) {
      error(key, "must be a positive number");
      return false;
    }
    out = number;
    return true;
  }

  bool read_string_array(std::string_view key, std::vector<std::string>& out) {
    const auto* value = find_as(key, [](const json::value& v) { return v.is_array(); }, "an array of strings");
    if (value == nullptr) return false;
    bool ok = true;
    const auto& array = value->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      const auto path = index_path(join(path_, key), i);
      if (!array[i].is_string()) {
        errors_.push_back({path, "must be a string, not " + std::string(kind_name(array[i]))});
        ok = false;
        continue;
      }
      auto expanded = interpolate(path, array[i].get_string());
      if (!expanded) {
        ok = false;
        continue;
      }
      out.push_back(std::move(*expanded));
    }
    return ok;
  }

  // Reports every key this reader was never asked about.
  void reject_unknown_keys() {
    for (const auto& entry : object_) {
      if (!known_.contains(std::string(entry.key()))) error(entry.key(), "unknown key");
    }
  }

  std::optional<std::string> interpolate(const std::string& path, std::string_view raw) {
    std::string out;
    std::size_t pos = 0;
    while (pos < raw.size()) {
      const auto start = raw.find("${", pos);
      if (start == std::string_view::npos) {
        out.append(raw.substr(pos));
        break;
      }
      out.append(raw.substr(pos, start - pos));
      const auto end = raw.find('}', start + 2);
      if (end == std::string_view::npos) {
        errors_.push_back({path, "unterminated ${ in string"});
        return std::nullopt;
      }
      const auto name = raw.substr(start + 2, end - start - 2);
      if (name.starts_with("file:")) {
        const std::string file_path(name.substr(5));
        if (file_path.empty()) {
          errors_.push_back({path, "${file:} needs a path"});
          return std::nullopt;
        }
        std::string reason;
        auto content = env_.file ? env_.file(file_path, reason) : std::nullopt;
        if (!content) {
          errors_.push_back({path, reason.empty() ? "cannot read file " + file_path : reason});
          return std::nullopt;
        }
        while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) content->pop_back();
        out.append(*content);
      } else {
        if (!is_variable_name(name)) {
          errors_.push_back({path, "invalid variable name in ${" + std::string(name) + "}"});
          return std::nullopt;
        }
        const std::string variable(name);
        auto value = env_.variable ? env_.variable(variable) : std::nullopt;
        if (!value) {
          errors_.push_back({path, "environment variable " + variable + " is not set"});
          return std::nullopt;
        }
        out.append(*value);
      }
      pos = end + 1;
    }
    return out;
  }

 private:
  const json::object& object_;
  std::string path_;
  const Environment& env_;
  std::vector<ConfigError>& errors_;
  std::set<std::string> known_;
};

}  // namespace detail

bool SettingsReader::has(std::string_view key) const { return in_->has(key); }
bool SettingsReader::read_string(std::string_view key, std::string& out, bool required) {
  return in_->read_string(key, out, required);
}
void SettingsReader::accept(std::string_view key) { in_->find(key); }
void SettingsReader::error(std::string_view key, std::string reason) { in_->error(key, std::move(reason)); }

namespace {

using detail::ObjectReader;

bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view host_part;
  std::string_view port_part;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return false;
    host_part = text.substr(1, close - 1);
    port_part = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host_part = text.substr(0, colon);
    port_part = text.substr(colon + 1);
  }
  if (host_part.empty() || port_part.empty() || port_part.size() > 5) return false;
  unsigned value = 0;
  for (char c : port_part) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  if (host_part != "localhost" && !parse_ip_address(host_part)) return false;
  host = std::string(host_part);
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  static const auto v4 = Cidr::parse("127.0.0.0/8");
  static const auto v6 = Cidr::parse("::1/128");
  return v4->contains(host) || v6->contains(host);
}

std::optional<std::string> base_url_problem(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return "is not an absolute URL";
  const auto scheme = url->scheme();
  if (url->encoded_host().empty()) return "has no host";
  if (url->has_userinfo()) return "must not contain credentials";
  if (url->has_query() || url->has_fragment()) return "must not have a query or fragment";
  if (scheme == "https") return std::nullopt;
  if (scheme == "http") {
    if (is_loopback_host(url->encoded_host())) return std::nullopt;
    return "http:// is allowed only for loopback hosts; use https://";
  }
  return "must use https://";
}

void read_server(ObjectReader& in, ServerConfig& server, std::vector<ConfigError>& errors) {
  std::string listen;
  if (in.read_string("listen", listen, false) &&
      !parse_listen(listen, server.listen_host, server.listen_port)) {
    in.error("listen", "must be host:port with an IP address or localhost, e.g. 0.0.0.0:8080");
  }
  in.read_uint("threads", server.threads, 0, 256);
  in.read_uint("max_body_bytes", server.max_body_bytes, 1, 64u << 20);
  in.read_uint("max_header_bytes", server.max_header_bytes, 1024, 1u << 20);
  in.read_millis("request_timeout_ms", server.request_timeout, 1, 3600000);
  in.read_millis("idle_timeout_ms", server.idle_timeout, 1, 3600000);
  in.read_millis("drain_timeout_ms", server.drain_timeout, 0, 3600000);
  in.read_uint("max_connections", server.max_connections, 1, 1000000);
  in.read_millis("header_timeout_ms", server.header_timeout, 1, 3600000);
  in.read_uint("reserved_connections", server.reserved_connections, 0, 10000);
  in.read_uint("max_connections_per_client", server.max_connections_per_client, 0, 1000000);
  in.read_uint("client_rate_limit_rps", server.client_rate_limit_rps, 0, 1000000);
  in.read_uint("client_rate_limit_burst", server.client_rate_limit_burst, 0, 1000000);
  if (in.read_string_array("trusted_proxies", server.trusted_proxies)) {
    for (std::size_t i = 0; i < server.trusted_proxies.size(); ++i) {
      if (!Cidr::parse(server.trusted_proxies[i])) {
        errors.push_back({index_path(join(in.path(), "trusted_proxies"), i),
                          "is not an IP address or CIDR range"});
      }
    }
  }
  if (in.read_string_array("cors_allowed_origins", server.cors_allowed_origins)) {
    for (std::size_t i = 0; i < server.cors_allowed_origins.size(); ++i) {
      const auto& origin = server.cors_allowed_origins[i];
      if (origin != "*" && !(origin.starts_with("https://") || origin.starts_with("http://"))) {
        errors.push_back({index_path(join(in.path(), "cors_allowed_origins"), i),
                          "must be \"*\" or an origin such as https://dash.example.com"});
      }
    }
  }
  in.reject_unknown_keys();
}

void read_auth(ObjectReader& in, std::vector<ApiKey>& keys, const Environment& env,
               std::vector<ConfigError>& errors) {
  const auto* list = in.find("api_keys");
  if (list != nullptr) {
    const auto path = join(in.path(), "api_keys");
    if (!list->is_array()) {
      errors.push_back({path, "must be an array"});
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < list->get_array().size(); ++i) {
        const auto& item = list->get_array()[i];
        const auto item_path = index_path(path, i);
        if (!item.is_object()) {
          errors.push_back({item_path, "must be an object"});
          continue;
        }
        ObjectReader key_in(item.get_object(), item_path, env, errors);
        ApiKey key;
        key_in.read_string("name", key.name, true);
        if (key_in.read_string("sha256", key.sha256_hex, true)) {
          const bool hex = key.sha256_hex.size() == 64 &&
                           std::all_of(key.sha256_hex.begin(), key.sha256_hex.end(),
                                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
          if (!hex) key_in.error("sha256", "must be 64 hexadecimal characters (the key's SHA-256)");
          std::transform(key.sha256_hex.begin(), key.sha256_hex.end(), key.sha256_hex.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        }
        if (key_in.read_string_array("scopes", key.scopes)) {
          const auto* written = key_in.find("scopes");
          for (std::size_t i = 0; i < key.scopes.size(); ++i) {
            const auto& scope = key.scopes[i];
            if (scope != "read" && scope != "write") {
              const bool listed = written != nullptr && written->is_array() && i < written->get_array().size();
              key_in.error("scopes", "unknown scope \"" + as_written(listed ? &written->get_array()[i] : nullptr) +
                                         "\" (read, write)");
            }
          }
        } else if (!key_in.has("scopes")) {
          key_in.error("scopes", "is required");
        }
        if (!key.name.empty() && !names.insert(key.name).second) {
          key_in.error("name", "duplicate API key name \"" + as_written(key_in.find("name")) + "\"");
        }
        key_in.reject_unknown_keys();
        keys.push_back(std::move(key));
      }
    }
  }
  in.reject_unknown_keys();
}

std::string type_names(std::span<const ProviderSchema> providers) {
  std::string names;
  for (const auto& provider : providers) {
    if (!names.empty()) names += ", ";
    names += provider.type.name();
  }
  return names;
}

void read_gateway(ObjectReader& in, GatewayConfig& gateway, std::span<const ProviderSchema> providers) {
  in.read_string("id", gateway.id, true);
  if (!gateway.id.empty()) {
    const bool safe = gateway.id.size() <= 64 &&
                      std::all_of(gateway.id.begin(), gateway.id.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                      });
    if (!safe) in.error("id", "must be 1-64 characters of letters, digits, '-', '_' or '.'");
  }
  std::string type_text;
  const ProviderSchema* provider = nullptr;
  if (in.read_string("type", type_text, true)) {
    const auto found = std::find_if(providers.begin(), providers.end(),
                                    [&](const ProviderSchema& schema) { return schema.type.name() == type_text; });
    if (found != providers.end()) {
      provider = &*found;
    } else {
      in.error("type", "unknown gateway type \"" + as_written(in.find("type")) + "\" (" + type_names(providers) + ")");
    }
  }
  if (in.read_string("base_url", gateway.base_url, true)) {
    if (auto problem = base_url_problem(gateway.base_url)) in.error("base_url", *problem);
  }
  in.read_bool("enabled", gateway.enabled);
  in.read_millis("timeout_ms", gateway.timeout, 1, 600000);
  in.read_uint("max_concurrency", gateway.max_concurrency, 1, 10000);
  double rps = 0;
  if (in.read_positive_number("rate_limit_rps", rps)) gateway.rate_limit_rps = rps;
  in.read_uint("retries", gateway.retries, 0, 10);
  if (in.read_string("ca_file", gateway.ca_file, false)) {
    std::ifstream probe(gateway.ca_file);
    if (!probe) in.error("ca_file", "cannot read file " + as_written(in.find("ca_file")));
  }
  if (provider == nullptr) {
    // Without a known type the provider keys cannot be judged; mark every provider's as seen.
    for (const auto& schema : providers) {
      for (auto key : schema.keys) in.find(key);
    }
  } else {
    gateway.type = provider->type;
    SettingsReader settings(in);
    gateway.settings = provider->parse_settings(settings);
  }
  in.reject_unknown_keys();
}

void read_gateways(const json::value& value, std::vector<GatewayConfig>& gateways,
                   std::span<const ProviderSchema> providers, const Environment& env,
                   std::vector<ConfigError>& errors) {
  if (!value.is_array()) {
    errors.push_back({"gateways", "must be an array, not " + std::string(kind_name(value))});
    return;
  }
  std::set<std::string> ids;
  const auto& array = value.get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto path = index_path("gateways", i);
    if (!array[i].is_object()) {
      errors.push_back({path, "must be an object, not " + std::string(kind_name(array[i]))});
      continue;
    }
    ObjectReader in(array[i].get_object(), path, env, errors);
    GatewayConfig gateway;
    read_gateway(in, gateway, providers);
    if (!gateway.id.empty() && !ids.insert(gateway.id).second) {
      // As written: the value may hold ${NAME} or ${file:}, and an error never shows a secret.
      errors.push_back({join(path, "id"), "duplicate gateway id \"" + as_written(in.find("id")) + "\""});
    }
    gateways.push_back(std::move(gateway));
  }
}

template <typename Fn>
void with_object(ObjectReader& root, std::string_view key, const Environment& env,
                 std::vector<ConfigError>& errors, Fn&& fn) {
  const auto* value = root.find(key);
  if (value == nullptr) return;
  if (!value->is_object()) {
    errors.push_back({std::string(key), "must be an object, not " + std::string(kind_name(*value))});
    return;
  }
  ObjectReader in(value->get_object(), std::string(key), env, errors);
  fn(in);
}

// shared.redis: url (required), password, ca_file and tls_server_name (rediss:// only),
// key_prefix, timeout_ms, share_credentials.
void read_redis(ObjectReader& in, SharedConfig& shared) {
  RedisConfig redis;
  std::string url;
  bool ok = in.read_string("url", url, true);
  if (ok) {
    auto endpoint = parse_redis_url(url);
    if (!endpoint) {
      // The parser's reasons never quote the URL, which may hold a password.
      in.error("url", endpoint.error().detail.substr(std::string_view("redis url: ").size()));
      ok = false;
    } else {
      redis.endpoint = std::move(*endpoint);
    }
  }
  const bool plain = ok && !redis.endpoint.tls;  // a redis:// url
  // Checked here so that a wrong file fails at start-up; the client loads it once, when made.
  if (in.read_string("ca_file", redis.ca_file, false)) {
    if (plain) {
      in.error("ca_file", "is only for a rediss:// (TLS) url");
      ok = false;
    } else if (redis.ca_file.empty()) {
      in.error("ca_file", "must not be empty (leave it out for the system's trust store)");
      ok = false;
    } else {
      std::ifstream probe(redis.ca_file, std::ios::binary);
      std::ostringstream pem;
      if (probe) pem << probe.rdbuf();
      if (!probe) {
        in.error("ca_file", "cannot read file " + as_written(in.find("ca_file")));
        ok = false;
      } else if (pem.view().find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) {
        in.error("ca_file", "no PEM certificate in " + as_written(in.find("ca_file")));
        ok = false;
      }
    }
  }
  if (in.read_string("tls_server_name", redis.tls_server_name, false)) {
    if (plain) {
      in.error("tls_server_name", "is only for a rediss:// (TLS) url");
      ok = false;
    } else if (redis.tls_server_name.empty() || redis.tls_server_name.size() > 253 ||
               redis.tls_server_name.find_first_of(" /:@") != std::string::npos) {
      in.error("tls_server_name", "must be a host name");
      ok = false;
    }
  }
  std::string password;
  if (in.read_string("password", password, false)) {
    if (password.empty()) {
      in.error("password", "must not be empty (leave it out for none)");
      ok = false;
    } else {
      redis.endpoint.password = std::move(password);
    }
  }
  if (in.read_string("key_prefix", redis.key_prefix, false) && redis.key_prefix.size() > 64) {
    in.error("key_prefix", "must be at most 64 characters");
    ok = false;
  }
  in.read_millis("timeout_ms", redis.timeout, 1, 10000);
  in.read_bool("share_credentials", redis.share_credentials);
  in.reject_unknown_keys();
  if (ok) shared.redis = std::move(redis);
}

std::string position_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

LoadResult parse_config(std::string_view text, const Environment& env,
                        std::span<const ProviderSchema> providers) {
  LoadResult result;
  if (text.size() > max_config_bytes) {
    result.errors.push_back({"", "configuration is larger than 1 MiB"});
    return result;
  }
  json::parse_options options;
  options.max_depth = 32;
  json::stream_parser parser(json::storage_ptr(), options);
  boost::system::error_code ec;
  auto consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) {
    // The document ended early: only white space may follow it.
    const auto rest = text.substr(consumed);
    const auto garbage = rest.find_first_not_of(" \t\r\n");
    if (garbage != std::string_view::npos) {
      consumed += garbage;
      ec = json::error::extra_data;
    }
  }
  if (!ec) parser.finish(ec);
  if (ec) {
    result.errors.push_back({"", "invalid JSON at " + position_of(text, consumed) + ": " + ec.message()});
    return result;
  }
  const json::value root = parser.release();
  if (!root.is_object()) {
    result.errors.push_back({"", "must be a JSON object"});
    return result;
  }

  Config config;
  auto& errors = result.errors;
  ObjectReader in(root.get_object(), "", env, errors);
  with_object(in, "server", env, errors, [&](ObjectReader& server) { read_server(server, config.server, errors); });
  with_object(in, "auth", env, errors, [&](ObjectReader& auth) { read_auth(auth, config.api_keys, env, errors); });
  with_object(in, "cache", env, errors, [&](ObjectReader& cache) {
    cache.read_millis("fresh_ms", config.cache.fresh, 0, 86400000);
    cache.read_millis("stale_ms", config.cache.stale, 0, 86400000);
    if (config.cache.stale < config.cache.fresh) cache.error("stale_ms", "must not be less than fresh_ms");
    cache.reject_unknown_keys();
  });
  with_object(in, "log", env, errors, [&](ObjectReader& log) {
    if (log.read_string("level", config.log.level, false)) {
      static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
      if (!levels.contains(config.log.level)) log.error("level", "must be one of trace, debug, info, warn, error, off");
    }
    if (log.read_string("format", config.log.format, false) && config.log.format != "json" &&
        config.log.format != "text") {
      log.error("format", "must be \"json\" or \"text\"");
    }
    log.reject_unknown_keys();
  });
  with_object(in, "shared", env, errors, [&](ObjectReader& shared) {
    if (const auto* redis = shared.find_as("redis", [](const json::value& v) { return v.is_object(); }, "an object")) {
      ObjectReader reader(redis->get_object(), "shared.redis", env, errors);
      read_redis(reader, config.shared);
    }
    shared.reject_unknown_keys();
  });
  if (const auto* gateways = in.find("gateways")) read_gateways(*gateways, config.gateways, providers, env, errors);
  in.reject_unknown_keys();

  if (errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_config_file(const std::string& path, const Environment& env,
                            std::span<const ProviderSchema> providers) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back({"", "cannot read configuration file " + path});
    return result;
  }
  std::string text;
  text.resize(max_config_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_config(text, env, providers);
}

Config default_config() { return Config{}; }

}  // namespace coinfan::config
