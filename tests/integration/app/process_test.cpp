// The coinfan binary itself: --check-config, --version, and SIGTERM draining.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/http_test_client.hpp"
#include "support/process.hpp"

namespace coinfan {
namespace {

using testing::ChildProcess;
using testing::RawConnection;

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("coinfan-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << content;
  return path.string();
}

TEST(CoinfanBinary, CheckConfigPrintsEveryProblemAndExits1) {
  const auto path = write_temp("three-mistakes.json", R"({
    "server": { "listen": "0.0.0.0:8080", "max_conections": 5 },
    "gateways": [
      { "id": "a", "type": "ccpayment-v2", "base_url": "http://ccpayment.com", "app_id": "x", "app_secret": "y" },
      { "id": "b", "type": "kuna", "base_url": "https://kuna.example", "wallet_id": "w",
        "merchant_id": "m", "email": "e@example.com" }
    ]
  })");
  ChildProcess child(COINFAN_BINARY, {"--check-config", path}, true);
  const auto output = child.read_all();
  EXPECT_EQ(child.wait(), 1);
  EXPECT_NE(output.find("server.max_conections: unknown key"), std::string::npos) << output;
  EXPECT_NE(output.find("gateways[0].base_url: http:// is allowed only for loopback hosts"), std::string::npos) << output;
  EXPECT_NE(output.find("gateways[1].password: is required"), std::string::npos) << output;
  EXPECT_NE(output.find("3 problems"), std::string::npos) << output;
}

TEST(CoinfanBinary, CheckConfigAcceptsValidFileWithSummary) {
  const auto path = write_temp("valid.json", R"({
    "server": { "listen": "127.0.0.1:9000" },
    "gateways": [ { "id": "cloud", "type": "cryptocloud", "base_url": "https://api.cryptocloud.plus", "api_key": "k" } ]
  })");
  ChildProcess child(COINFAN_BINARY, {"--check-config", path});
  const auto output = child.read_all();
  EXPECT_EQ(child.wait(), 0);
  EXPECT_NE(output.find("ok: listen 127.0.0.1:9000, 1 gateway (cloud: cryptocloud)"), std::string::npos) << output;
}

TEST(CoinfanBinary, VersionAndHelpExit0) {
  ChildProcess version(COINFAN_BINARY, {"--version"});
  EXPECT_NE(version.read_all().find("coinfan "), std::string::npos);
  EXPECT_EQ(version.wait(), 0);
  ChildProcess help(COINFAN_BINARY, {"--help"});
  EXPECT_NE(help.read_all().find("--check-config FILE"), std::string::npos);
  EXPECT_EQ(help.wait(), 0);
}

TEST(CoinfanBinary, UnknownArgumentIsUsageError) {
  ChildProcess child(COINFAN_BINARY, {"--frobnicate"}, true);
  EXPECT_NE(child.read_all().find("unknown argument --frobnicate"), std::string::npos);
  EXPECT_EQ(child.wait(), 2);
}

// SIGTERM: requests that have arrived are answered in full (readyz now 503), idle keep-alive
// connections are closed, and the process exits 0.
TEST(CoinfanBinary, SigtermDrainsRequestsInFlightAndExits0) {
  const auto path = write_temp("drain.json", R"({
    "server": { "listen": "127.0.0.1:0", "threads": 2, "drain_timeout_ms": 20000 },
    "log": { "format": "json" }
  })");
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto listening = child.wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
  ASSERT_TRUE(listening) << "no listening line";
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)")));
  const auto port = static_cast<std::uint16_t>(std::stoi(match[1]));

  RawConnection idle(port);
  idle.send(testing::get_request("/healthz"));
  ASSERT_TRUE(idle.read_response());

  // Two requests whose first bytes have arrived but which are not complete yet. A first full
  // exchange on each connection proves the server has accepted it (a connection still in the
  // listen backlog is reset when the listener closes).
  RawConnection health(port);
  RawConnection ready(port);
  for (auto* connection : {&health, &ready}) {
    connection->send(testing::get_request("/healthz"));
    ASSERT_TRUE(connection->read_response());
  }
  health.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  ready.send("GET /readyz HTTP/1.1\r\nHost: x\r\n");

  child.signal(SIGTERM);
  ASSERT_TRUE(child.wait_for_line("\"msg\":\"draining\"", std::chrono::seconds(10)));
  EXPECT_TRUE(idle.closed_by_peer());

  health.send("\r\n");
  auto health_response = health.read_response();
  ASSERT_TRUE(health_response);
  EXPECT_EQ(health_response->result_int(), 200u);
  EXPECT_FALSE(health_response->keep_alive());

  ready.send("\r\n");
  auto ready_response = ready.read_response();
  ASSERT_TRUE(ready_response);
  EXPECT_EQ(ready_response->result_int(), 503u);
  EXPECT_NE(ready_response->body().find("\"code\":\"draining\""), std::string::npos);

  EXPECT_EQ(child.wait(), 0);
  EXPECT_NE(child.read_all().find("\"msg\":\"stopped\""), std::string::npos);
}

TEST(CoinfanBinary, AccessLogLineCarriesRequestIdAndNoQuery) {
  const auto path = write_temp("access.json", R"({ "server": { "listen": "127.0.0.1:0", "threads": 1 } })");
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto listening = child.wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
  ASSERT_TRUE(listening);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)")));
  RawConnection connection(static_cast<std::uint16_t>(std::stoi(match[1])));
  connection.send(testing::get_request("/healthz?token=secret-value", "X-Request-Id: trace-42\r\n"));
  ASSERT_TRUE(connection.read_response());
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
  const auto output = child.read_all();
  const auto line_start = output.find("\"msg\":\"request\"");
  ASSERT_NE(line_start, std::string::npos) << output;
  const auto line = output.substr(line_start, output.find('\n', line_start) - line_start);
  EXPECT_NE(line.find("\"request_id\":\"trace-42\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"path\":\"/healthz\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"status\":200"), std::string::npos) << line;
  EXPECT_EQ(output.find("secret-value"), std::string::npos) << output;
}

// --demo: five simulated gateways in the same process, one of each type, behind the service.
TEST(CoinfanBinary, DemoRunsFiveSimulatedGateways) {
  ChildProcess child(COINFAN_BINARY, {"--demo", "--port", "0"});
  const auto listening = child.wait_for_line("listening", std::chrono::seconds(30));
  ASSERT_TRUE(listening) << "no listening line";
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("port=([0-9]+)")));
  RawConnection connection(static_cast<std::uint16_t>(std::stoi(match[1])));
  connection.send(testing::get_request("/metrics"));
  auto metrics = connection.read_response();
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->result_int(), 200u);
  for (const char* id : {"ccp-main", "ccp-legacy", "cloud", "trubit", "kuna"}) {
    EXPECT_NE(metrics->body().find(std::string("coinfan_upstream_circuit_open{gateway=\"") + id + "\"} 0"),
              std::string::npos)
        << id << "\n" << metrics->body();
  }
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

}  // namespace
}  // namespace coinfan
