#pragma once
// The running service: I/O threads, the HTTP server with its routes, signals and draining.

#include "coinfan/config/config.hpp"

namespace coinfan::app {

struct ServiceOptions {
  bool demo = false;
};

// Runs until SIGTERM/SIGINT and a drain; returns the process exit code.
int run_service(const config::Config& config, ServiceOptions options);

}  // namespace coinfan::app
