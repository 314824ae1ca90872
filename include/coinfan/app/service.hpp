#pragma once

#include <string>
// The running service: I/O threads, the HTTP server with its routes, signals and draining.

#include "coinfan/config/config.hpp"

namespace coinfan::app {

struct ServiceOptions {
  bool demo = false;
  // --demo without a configured write key: the key of the demo's write scope (empty: a random
  // one). Printed on stderr at start-up, never logged.
  std::string demo_write_key;
  // The configuration file SIGHUP reads again (empty with --demo: a reload is refused).
  std::string config_path;
};

// Runs until SIGTERM/SIGINT and a drain (SIGHUP reloads `options.config_path`); returns the
// process exit code.
int run_service(const config::Config& config, ServiceOptions options);

}  // namespace coinfan::app
