#pragma once
// Several coinfan processes started from one configuration (the shared-state tests): the
// configuration written to a temporary file, each process's port read from its "listening"
// line; plus the small HTTP helpers those tests use on them.

#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/http_test_client.hpp"
#include "support/logged_process.hpp"

namespace coinfan::testing {

class Replicas {
 public:
  Replicas(const boost::json::object& config, int count, const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("coinfan-" + name + "-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path_) << boost::json::serialize(config);
    // All started before any is waited for, so their start-ups (and warm-ups) overlap.
    for (int i = 0; i < count; ++i) {
      processes.push_back(std::make_unique<LoggedProcess>(COINFAN_BINARY, std::vector<std::string>{"--config", path_.string()}));
    }
    for (auto& process : processes) {
      const auto listening = process->wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
      EXPECT_TRUE(listening) << process->output();
      std::smatch match;
      if (listening && std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)"))) {
        ports.push_back(static_cast<std::uint16_t>(std::stoi(match[1])));
      }
    }
  }
  ~Replicas() {
    processes.clear();
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  Replicas(const Replicas&) = delete;
  Replicas& operator=(const Replicas&) = delete;

  // Every process has logged `needle` (e.g. its warm-up) within `timeout`.
  bool all_logged(const std::string& needle, std::chrono::milliseconds timeout) {
    bool all = true;
    for (auto& process : processes) {
      const bool logged = process->wait_for_line(needle, timeout).has_value();
      EXPECT_TRUE(logged) << process->output();
      all = all && logged;
    }
    return all;
  }

  std::vector<std::unique_ptr<LoggedProcess>> processes;
  std::vector<std::uint16_t> ports;

 private:
  std::filesystem::path path_;
};

// The status of GET `target` on a new connection (0: no answer), and its body.
inline std::pair<unsigned, std::string> http_get(std::uint16_t port, const std::string& target) {
  RawConnection connection(port);
  connection.send(get_request(target));
  auto response = connection.read_response();
  if (!response) return {0, {}};
  return {response->result_int(), response->body()};
}

// One sample of coinfan's /metrics (`series` with its labels), 0 when absent.
inline std::uint64_t metric(std::uint16_t port, const std::string& series) {
  const auto [status, body] = http_get(port, "/metrics");
  const auto at = body.find("\n" + series + " ");
  if (status != 200 || at == std::string::npos) return 0;
  return std::stoull(body.substr(at + series.size() + 2));
}

}  // namespace coinfan::testing
