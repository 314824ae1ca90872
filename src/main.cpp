// coinfan: one REST API over every crypto payment gateway a merchant uses.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "coinfan/app/healthcheck.hpp"
#include "coinfan/app/service.hpp"
#include "coinfan/core/ascii.hpp"
#include "coinfan/config/config.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/providers.hpp"

namespace {

constexpr std::string_view usage = R"(Usage:
  coinfan --config FILE          run the service (or set COINFAN_CONFIG=FILE)
  coinfan --demo [--port N]      run on loopback with simulated gateways in the same process
  coinfan --check-config FILE    validate a configuration, print every problem, exit 1 if any
  coinfan --healthcheck [TARGET] [--timeout-ms N]
                                 GET /readyz of a running service (TARGET: PORT, HOST:PORT or
                                 http://HOST:PORT/PATH; loopback when no host; default
                                 $COINFAN_HEALTHCHECK, else 127.0.0.1:8080); exit 0 on 200,
                                 1 otherwise (N: the whole exchange, 2000 by default)
  coinfan --version              print the version
  coinfan --help                 print this help

  --log-format json|text         log format (overrides log.format; default json, --demo too)

Configuration strings may use ${NAME} (environment variable) and ${file:/path} (file content).
SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.
SIGHUP: the configuration file is read again; a valid one is applied to every new request
(gateways, API keys, cache, server limits; listen address, threads and log settings at the
next restart), an invalid one is refused with every error logged and the running one stays.
)";

int fail_usage(const std::string& message) {
  std::cerr << "coinfan: " << message << "\n\n" << usage;
  return 2;
}

int check_config(const std::string& path) {
  const auto result = coinfan::config::load_config_file(path, coinfan::config::Environment::process(),
                                                      coinfan::gateways::provider_schemas());
  if (!result.errors.empty()) {
    for (const auto& error : result.errors) std::cerr << path << ": " << error.to_string() << '\n';
    std::cerr << path << ": " << result.errors.size() << (result.errors.size() == 1 ? " problem" : " problems") << '\n';
    return 1;
  }
  const auto& config = *result.config;
  std::cout << path << ": ok: listen " << config.server.listen_host << ':' << config.server.listen_port << ", "
            << config.gateways.size() << (config.gateways.size() == 1 ? " gateway" : " gateways");
  std::string_view separator = " (";
  for (const auto& gateway : config.gateways) {
    std::cout << separator << gateway.id << ": " << coinfan::config::to_string(gateway.type);
    separator = ", ";
  }
  std::cout << (config.gateways.empty() ? "" : ")") << '\n';
  return 0;
}

std::optional<std::uint16_t> parse_port(std::string_view text) { return coinfan::ascii::parse_unsigned<std::uint16_t>(text); }

}  // namespace

int main(int argc, char** argv) {
  // A write to a closed pipe (stdout to a log collector that went away) fails with EPIPE
  // instead of killing the process. SIGHUP is ignored until the service installs its handler.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  std::optional<std::string> config_path;
  std::optional<std::string> check_path;
  std::optional<std::uint16_t> port;
  std::optional<std::string> healthcheck;
  std::optional<unsigned> healthcheck_timeout_ms;
  std::optional<std::string> log_format;
  bool demo = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    } else if (arg == "--version") {
      std::cout << "coinfan " << COINFAN_VERSION << '\n';
      return 0;
    } else if (arg == "--config") {
      config_path = next();
      if (!config_path) return fail_usage("--config needs a file");
    } else if (arg == "--check-config") {
      check_path = next();
      if (!check_path) return fail_usage("--check-config needs a file");
    } else if (arg == "--healthcheck") {
      // The target is optional: COINFAN_HEALTHCHECK, else 127.0.0.1:8080 (the image's default).
      if (i + 1 < argc && argv[i + 1][0] != '-') {
        healthcheck = next();
      } else if (const char* env = std::getenv("COINFAN_HEALTHCHECK"); env != nullptr && *env != '\0') {
        healthcheck = env;
      } else {
        healthcheck = "127.0.0.1:8080";
      }
    } else if (arg == "--timeout-ms") {
      auto value = next();
      auto number = value ? parse_port(*value) : std::nullopt;  // 1 to 65535 ms
      if (!number || *number == 0) return fail_usage("--timeout-ms needs a number from 1 to 65535");
      healthcheck_timeout_ms = *number;
    } else if (arg == "--demo") {
      demo = true;
    } else if (arg == "--log-format") {
      log_format = next();
      if (!log_format || (*log_format != "json" && *log_format != "text")) {
        return fail_usage("--log-format needs json or text");
      }
    } else if (arg == "--port") {
      auto value = next();
      if (!value || !(port = parse_port(*value))) return fail_usage("--port needs a number from 0 to 65535");
    } else {
      return fail_usage("unknown argument " + std::string(arg));
    }
  }

  if (healthcheck) {
    const auto target = coinfan::app::parse_healthcheck_target(*healthcheck);
    if (!target) return fail_usage("--healthcheck: cannot read " + *healthcheck + " as PORT, HOST:PORT or http://HOST:PORT/PATH");
    return coinfan::app::run_healthcheck(*target, std::chrono::milliseconds(healthcheck_timeout_ms.value_or(2000)),
                                         std::cout);
  }
  if (healthcheck_timeout_ms) return fail_usage("--timeout-ms goes with --healthcheck");
  if (check_path) return check_config(*check_path);
  if (port && !demo) return fail_usage("--port goes with --demo; set server.listen in the configuration instead");

  coinfan::config::Config config;
  if (demo) {
    if (config_path) return fail_usage("--demo runs on its embedded configuration; drop --config");
    config = coinfan::config::default_config();
    config.server.listen_host = "127.0.0.1";
    config.server.listen_port = port.value_or(8080);
    // Loopback only, so the one proxy a demo can have in front is on this host (the nginx of
    // docker/compose.yaml's demo profile shares its network namespace): believe its
    // X-Forwarded-For.
    config.server.trusted_proxies = {"127.0.0.1/32"};
  } else {
    if (!config_path) {
      if (const char* env = std::getenv("COINFAN_CONFIG"); env != nullptr && *env != '\0') config_path = env;
    }
    if (!config_path) return fail_usage("give --config FILE, set COINFAN_CONFIG, or run --demo");
    auto result = coinfan::config::load_config_file(*config_path, coinfan::config::Environment::process(),
                                                    coinfan::gateways::provider_schemas());
    if (!result.errors.empty()) {
      for (const auto& error : result.errors) std::cerr << *config_path << ": " << error.to_string() << '\n';
      return 1;
    }
    config = std::move(*result.config);
  }

  if (log_format) config.log.format = *log_format;
  coinfan::log::init(config.log.level, config.log.format);
  std::string demo_write_key;
  if (const char* key = std::getenv("COINFAN_DEMO_WRITE_KEY"); demo && key != nullptr) demo_write_key = key;
  return coinfan::app::run_service(
      config, {.demo = demo, .demo_write_key = demo_write_key, .config_path = config_path.value_or(std::string())});
}
