// coinfan: one REST API over every crypto payment gateway a merchant uses.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "coinfan/app/service.hpp"
#include "coinfan/config/config.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/providers.hpp"

namespace {

constexpr std::string_view usage = R"(Usage:
  coinfan --config FILE          run the service (or set COINFAN_CONFIG=FILE)
  coinfan --demo [--port N]      run on loopback with simulated gateways in the same process
  coinfan --check-config FILE    validate a configuration, print every problem, exit 1 if any
  coinfan --version              print the version
  coinfan --help                 print this help

  --log-format json|text         log format (overrides log.format; default json, --demo too)

Configuration strings may use ${NAME} (environment variable) and ${file:/path} (file content).
SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.
SIGHUP: logged ("reload requested"); the configuration is not reloaded yet.
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

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

int main(int argc, char** argv) {
  // A write to a closed pipe (stdout to a log collector that went away) fails with EPIPE
  // instead of killing the process. SIGHUP is ignored until the service installs its handler.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  std::optional<std::string> config_path;
  std::optional<std::string> check_path;
  std::optional<std::uint16_t> port;
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

  if (check_path) return check_config(*check_path);
  if (port && !demo) return fail_usage("--port goes with --demo; set server.listen in the configuration instead");

  coinfan::config::Config config;
  if (demo) {
    if (config_path) return fail_usage("--demo runs on its embedded configuration; drop --config");
    config = coinfan::config::default_config();
    config.server.listen_host = "127.0.0.1";
    config.server.listen_port = port.value_or(8080);
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
  return coinfan::app::run_service(config, {.demo = demo, .demo_write_key = demo_write_key});
}
