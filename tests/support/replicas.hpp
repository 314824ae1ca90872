#pragma once
// What the tests of several coinfan replicas sharing one Redis have in common: Debian's
// redis-server in the foreground on a loopback port, coinfan processes started from one
// configuration file (each on its own ephemeral port, read from its "listening" line), and
// small GET and /metrics probes.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/http_test_client.hpp"
#include "support/logged_process.hpp"

namespace coinfan::testing {

// redis-server on 127.0.0.1:`port`, nothing persisted; ready when this returns.
inline std::unique_ptr<LoggedProcess> start_redis(std::uint16_t port) {
  using namespace std::chrono_literals;
  auto redis = std::make_unique<LoggedProcess>(
      COINFAN_REDIS_SERVER, std::vector<std::string>{"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                                                     "--appendonly", "no", "--daemonize", "no"});
  EXPECT_TRUE(redis->wait_for_line("Ready to accept connections", 20s)) << redis->output();
  return redis;
}

struct Replica {
  std::unique_ptr<LoggedProcess> process;
  std::uint16_t port = 0;  // 0: it never said it was listening
};

// `count` coinfan processes on `config_path`, all started before any is waited for (so their
// start-ups overlap), each listening when this returns.
inline std::vector<Replica> start_replicas(const std::string& config_path, std::size_t count) {
  using namespace std::chrono_literals;
  std::vector<Replica> replicas(count);
  for (auto& replica : replicas) {
    replica.process = std::make_unique<LoggedProcess>(COINFAN_BINARY, std::vector<std::string>{"--config", config_path});
  }
  for (auto& replica : replicas) {
    const auto listening = replica.process->wait_for_line("\"msg\":\"listening\"", 30s);
    EXPECT_TRUE(listening) << replica.process->output();
    std::smatch match;
    if (listening && std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)"))) {
      replica.port = static_cast<std::uint16_t>(std::stoi(match[1]));
    }
  }
  return replicas;
}

// The status of GET `target` on a new connection (0: no answer), and its body.
inline std::pair<unsigned, std::string> get(std::uint16_t port, const std::string& target) {
  RawConnection connection(port);
  connection.send(get_request(target));
  auto response = connection.read_response();
  if (!response) return {0, {}};
  return {response->result_int(), response->body()};
}

// The value of one series of GET /metrics (`name{labels}` as rendered); 0 when absent.
inline std::uint64_t metric(std::uint16_t port, const std::string& series) {
  const auto [status, body] = get(port, "/metrics");
  const auto at = body.find("\n" + series + " ");
  if (status != 200 || at == std::string::npos) return 0;
  return std::stoull(body.substr(at + series.size() + 2));
}

}  // namespace coinfan::testing
