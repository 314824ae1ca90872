#pragma once
// Debian's redis-server in the foreground on a loopback port, nothing persisted: started by the
// tests that need the shared store, killed (SIGKILL), paused or restarted on the same port.

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/logged_process.hpp"
#include "support/ports.hpp"

namespace coinfan::testing {

// What redis-server needs to serve TLS only, on its port (clients are not asked for certificates).
struct ServerTls {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
};

class RedisServer {
 public:
  explicit RedisServer(std::uint16_t port = free_port(), std::string password = {},
                       std::optional<ServerTls> tls = std::nullopt)
      : port_(port), password_(std::move(password)), tls_(std::move(tls)) {
    start();
  }
  void start() {
    std::vector<std::string> args = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no", "--daemonize", "no"};
    if (tls_) {
      args[1] = "0";  // no plain port
      args.insert(args.end(), {"--tls-port", std::to_string(port_), "--tls-cert-file", tls_->cert_file, "--tls-key-file",
                               tls_->key_file, "--tls-ca-cert-file", tls_->ca_file, "--tls-auth-clients", "no"});
    }
    if (!password_.empty()) {
      args.push_back("--requirepass");
      args.push_back(password_);
    }
    process_ = std::make_unique<LoggedProcess>(COINFAN_REDIS_SERVER, args);
    EXPECT_TRUE(process_->wait_for_line("Ready to accept connections", std::chrono::seconds(20))) << process_->output();
  }
  void kill() {
    process_->signal(SIGKILL);
    process_->wait();
  }
  void pause() { process_->signal(SIGSTOP); }
  void resume() { process_->signal(SIGCONT); }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_;
  std::string password_;
  std::optional<ServerTls> tls_;
  std::unique_ptr<LoggedProcess> process_;
};

}  // namespace coinfan::testing
