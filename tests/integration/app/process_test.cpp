// The coinfan binary itself: --check-config, --version, and SIGTERM draining.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <boost/json.hpp>

#include <regex>
#include <sstream>
#include <set>

#include "coinfan/core/hash.hpp"
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

TEST(CoinfanBinary, ConfigFileCanComeFromCoinfanConfig) {
  const auto path = write_temp("env-config.json", R"({ "server": { "listen": "127.0.0.1:0", "thread": 1 } })");
  ::setenv("COINFAN_CONFIG", path.c_str(), 1);
  ChildProcess child(COINFAN_BINARY, {}, true);
  ::unsetenv("COINFAN_CONFIG");
  const auto output = child.read_all();
  EXPECT_EQ(child.wait(), 1);
  EXPECT_NE(output.find(path + ": server.thread: unknown key"), std::string::npos) << output;
}

TEST(CoinfanBinary, VersionAndHelpExit0) {
  ChildProcess version(COINFAN_BINARY, {"--version"});
  EXPECT_NE(version.read_all().find("coinfan "), std::string::npos);
  EXPECT_EQ(version.wait(), 0);
  ChildProcess help(COINFAN_BINARY, {"--help"});
  EXPECT_NE(help.read_all().find("--check-config FILE"), std::string::npos);
  EXPECT_EQ(help.wait(), 0);
}

TEST(CoinfanBinary, LogFormatIsJsonOrText) {
  ChildProcess help(COINFAN_BINARY, {"--help"});
  EXPECT_NE(help.read_all().find("--log-format json|text"), std::string::npos);
  EXPECT_EQ(help.wait(), 0);
  ChildProcess wrong(COINFAN_BINARY, {"--demo", "--log-format", "xml"}, true);
  EXPECT_NE(wrong.read_all().find("--log-format needs json or text"), std::string::npos);
  EXPECT_EQ(wrong.wait(), 2);
  ChildProcess missing(COINFAN_BINARY, {"--log-format"}, true);
  EXPECT_NE(missing.read_all().find("--log-format needs json or text"), std::string::npos);
  EXPECT_EQ(missing.wait(), 2);
}

// --log-format text overrides log.format of the configuration file (and works without --demo).
TEST(CoinfanBinary, LogFormatTextOverridesTheConfiguration) {
  const auto path = write_temp("text-log.json", R"({ "server": { "listen": "127.0.0.1:0", "threads": 1 },
    "log": { "format": "json" } })");
  ChildProcess child(COINFAN_BINARY, {"--config", path, "--log-format", "text"});
  const auto listening = child.wait_for_line("listening", std::chrono::seconds(30));
  ASSERT_TRUE(listening);
  EXPECT_NE(listening->find(" info listening "), std::string::npos) << *listening;
  EXPECT_EQ(listening->find("\"msg\""), std::string::npos) << *listening;
  // On loopback, no key and all: nothing to warn about.
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
  EXPECT_EQ(child.read_all().find("beyond loopback"), std::string::npos);
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

// With API keys configured, /v1/ needs a key with scope read; operations stay open.
TEST(CoinfanBinary, ApiKeysGuardV1ButNotOperations) {
  const auto path = write_temp("keys.json", R"({
    "server": { "listen": "127.0.0.1:0", "threads": 1 },
    "auth": { "api_keys": [
      { "name": "dash", "sha256": "SHA_OF_DASHKEY", "scopes": ["write"] },
      { "name": "reader", "sha256": "SHA_OF_READER", "scopes": ["read"] } ] }
  })");
  {
    // The keys' digests are computed here so the test does not hard-code hashes.
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("SHA_OF_READER"), 13, *hash::sha256_hex("reader-key"));
    text.replace(text.find("SHA_OF_DASHKEY"), 14, *hash::sha256_hex("dash-key"));
    std::ofstream(path) << text;
  }
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto listening = child.wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
  ASSERT_TRUE(listening);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)")));
  RawConnection connection(static_cast<std::uint16_t>(std::stoi(match[1])));

  connection.send(testing::get_request("/v1/gateways"));
  auto anonymous = connection.read_response();
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->result_int(), 401u);

  connection.send(testing::get_request("/v1/gateways", "X-Api-Key: dash-key\r\n"));
  auto no_read_scope = connection.read_response();
  ASSERT_TRUE(no_read_scope);
  EXPECT_EQ(no_read_scope->result_int(), 403u);  // a valid key without scope read

  connection.send(testing::get_request("/v1/gateways", "Authorization: Bearer reader-key\r\n"));
  auto reader = connection.read_response();
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->result_int(), 200u);

  connection.send(testing::get_request("/healthz"));
  auto health = connection.read_response();
  ASSERT_TRUE(health);
  EXPECT_EQ(health->result_int(), 200u);

  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
  EXPECT_EQ(child.read_all().find("reader-key"), std::string::npos);
}

// --demo: five simulated gateways in the same process, one of each type, behind the service.
// Its log is JSON lines, as everywhere else.
TEST(CoinfanBinary, DemoRunsFiveSimulatedGateways) {
  ChildProcess child(COINFAN_BINARY, {"--demo", "--port", "0"});
  const auto listening = child.wait_for_line("listening", std::chrono::seconds(30));
  ASSERT_TRUE(listening) << "no listening line";
  EXPECT_TRUE(listening->starts_with(R"({"time":")")) << *listening;
  EXPECT_NE(listening->find(R"("msg":"listening")"), std::string::npos) << *listening;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)")));
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

  // The start-up warm-up has asked every gateway once; the answer below is merged from all five.
  ASSERT_TRUE(child.wait_for_line("warm-up", std::chrono::seconds(30)));
  connection.send(testing::get_request("/v1/balances"));
  auto balances = connection.read_response();
  ASSERT_TRUE(balances);
  EXPECT_EQ(balances->result_int(), 200u);
  const auto balance_body = boost::json::parse(balances->body()).as_object();
  EXPECT_TRUE(balance_body.at("complete").as_bool());
  std::set<std::string> with_balances;
  for (const auto& balance : balance_body.at("balances").as_array()) {
    with_balances.insert(std::string(balance.at("gateway").as_string()));
  }
  EXPECT_EQ(with_balances, (std::set<std::string>{"ccp-main", "ccp-legacy", "cloud", "trubit", "kuna"}));

  connection.send(testing::get_request("/v1/gateways"));
  auto health = connection.read_response();
  ASSERT_TRUE(health);
  const auto health_body = boost::json::parse(health->body()).as_object();
  ASSERT_EQ(health_body.at("gateways").as_array().size(), 5u);
  for (const auto& gateway : health_body.at("gateways").as_array()) {
    EXPECT_EQ(gateway.at("health").as_string(), "healthy") << boost::json::serialize(gateway);
    EXPECT_EQ(gateway.at("circuit").as_string(), "closed");
  }

  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

std::string post_json(RawConnection& connection, std::string_view target, std::string_view key, std::string_view body) {
  std::string request = "POST " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
  if (!key.empty()) request += "Authorization: Bearer " + std::string(key) + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  connection.send(request);
  return request;
}

std::string usdt_of(RawConnection& connection) {
  connection.send(testing::get_request("/v1/balances?gateway=ccp-main&asset=USDT"));
  auto answer = connection.read_response();
  if (!answer) return {};
  const auto body = boost::json::parse(answer->body()).as_object();
  return std::string(body.at("balances").as_array().at(0).at("total").as_string());
}

// --demo: a newcomer makes a transfer and a swap with the printed write key and sees the balance
// change; each write leaves one audit line, and the key itself is printed once, never logged.
TEST(CoinfanBinary, DemoTakesWritesWithThePrintedKey) {
  const std::string key = "demo-key-7f3a9c";
  ::setenv("COINFAN_DEMO_WRITE_KEY", key.c_str(), 1);
  // --log-format text: the audit lines below are read in the text format.
  ChildProcess child(COINFAN_BINARY, {"--demo", "--port", "0", "--log-format", "text"}, true);
  ::unsetenv("COINFAN_DEMO_WRITE_KEY");
  ASSERT_TRUE(child.wait_for_line("write key " + key, std::chrono::seconds(30)));
  const auto listening = child.wait_for_line("listening", std::chrono::seconds(30));
  ASSERT_TRUE(listening);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("port=([0-9]+)")));
  RawConnection connection(static_cast<std::uint16_t>(std::stoi(match[1])));
  EXPECT_EQ(usdt_of(connection), "15234.56");  // reads stay open without a key

  const std::string merchant = "202403181122334455667788990011223";  // the demo CCPayment v2 App ID
  const std::string transfer = R"({"from_user_id":")" + merchant +
                               R"(","to_user_id":"user-alice-1001","asset":"USDT","amount":"10","order_id":"demo-pay-1"})";
  post_json(connection, "/v1/gateways/ccp-main/transfers", "", transfer);
  auto anonymous = connection.read_response();
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->result_int(), 401u);
  post_json(connection, "/v1/gateways/ccp-main/transfers", key, transfer);
  auto created = connection.read_response();
  ASSERT_TRUE(created);
  EXPECT_EQ(created->result_int(), 201u) << created->body();
  EXPECT_EQ(usdt_of(connection), "15224.56");

  post_json(connection, "/v1/gateways/ccp-main/swaps", key,
            R"({"order_id":"demo-swap-1","user_id":"user-alice-1001","asset_in":"USDT","amount_in":"5","asset_out":"TRX"})");
  auto swapped = connection.read_response();
  ASSERT_TRUE(swapped);
  EXPECT_EQ(swapped->result_int(), 201u) << swapped->body();

  connection.send(testing::get_request("/metrics"));
  auto metrics = connection.read_response();
  ASSERT_TRUE(metrics);
  for (const char* sample : {R"(coinfan_writes_total{gateway="ccp-main",operation="transfer",outcome="created"} 1)",
                             R"(coinfan_writes_total{gateway="ccp-main",operation="swap",outcome="created"} 1)"}) {
    EXPECT_NE(metrics->body().find(sample), std::string::npos) << sample;
  }

  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
  const auto output = child.read_all();
  std::size_t audit_lines = 0;
  std::size_t key_mentions = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(key) != std::string::npos) ++key_mentions;
    if (line.find(" info write ") == std::string::npos) continue;
    ++audit_lines;
    for (const char* field : {"key=demo", "gateway=ccp-main", "order_id=demo-", "outcome=created", "record_id=2026",
                              "request_id=", "duration_ms="}) {
      EXPECT_NE(line.find(field), std::string::npos) << field << " in " << line;
    }
  }
  EXPECT_EQ(audit_lines, 2u) << output;  // the anonymous attempt was refused before the write service
  EXPECT_EQ(key_mentions, 1u) << output;
}

}  // namespace
}  // namespace coinfan
