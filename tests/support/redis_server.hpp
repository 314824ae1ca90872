#pragma once
// Debian's redis-server in the foreground on a loopback port, nothing persisted: started by the
// tests that need the shared store, killed (SIGKILL), paused or restarted on the same port.

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/logged_process.hpp"
#include "support/ports.hpp"

namespace coinfan::testing {

class RedisServer {
 public:
  explicit RedisServer(std::uint16_t port = free_port(), std::string password = {})
      : port_(port), password_(std::move(password)) {
    start();
  }
  void start() {
    std::vector<std::string> args = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no", "--daemonize", "no"};
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
  std::unique_ptr<LoggedProcess> process_;
};

}  // namespace coinfan::testing
