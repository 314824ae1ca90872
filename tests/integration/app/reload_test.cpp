// SIGHUP against the coinfan binary: a valid configuration file replaces gateways, API keys and
// limits for the requests that follow, without closing a connection or cutting a request in
// flight; an invalid one is refused with every error logged, and the service goes on as it was.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "coinfan/core/hash.hpp"
#include "coinfan/sim/demo.hpp"
#include "gateways/cryptocloud/config.hpp"
#include "coinfan/sim/simulator.hpp"
#include "support/http_test_client.hpp"
#include "support/process.hpp"

namespace coinfan {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::RawConnection;
namespace json = boost::json;

class ReloadTest : public ::testing::Test {
 protected:
  ReloadTest() {
    first_ = sim::Simulator::start(io_, gateways::cryptocloud::type);
    second_ = sim::Simulator::start(io_, gateways::cryptocloud::type);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ReloadTest() override {
    first_->stop();
    second_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
    std::filesystem::remove(path_);
  }

  // A configuration with the given gateways (by simulator) and one read key.
  void write_config(const std::vector<std::pair<std::string, sim::Simulator*>>& gateways, const std::string& key,
                    std::size_t max_header_bytes) {
    json::array list;
    for (const auto& [id, simulator] : gateways) list.push_back(sim::gateway_json(simulator->gateway_config(id)));
    const json::object root{
        {"server", {{"listen", "127.0.0.1:0"}, {"threads", 2}, {"max_header_bytes", max_header_bytes}}},
        {"auth", {{"api_keys", json::array{json::object{{"name", "k"}, {"sha256", *hash::sha256_hex(key)},
                                                        {"scopes", json::array{"read"}}}}}}},
        {"gateways", list}};
    write_text(json::serialize(root));
  }
  void write_text(const std::string& text) {
    const auto temporary = path_ + ".new";
    std::ofstream(temporary) << text;
    std::filesystem::rename(temporary, path_);  // the service never reads half a file
  }

  std::uint16_t start() {
    child_ = std::make_unique<ChildProcess>(COINFAN_BINARY, std::vector<std::string>{"--config", path_});
    const auto listening = child_->wait_for_line("\"msg\":\"listening\"", 30s);
    if (!listening) return 0;
    std::smatch match;
    if (!std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)"))) return 0;
    return static_cast<std::uint16_t>(std::stoi(match[1]));
  }

  static std::string bearer(const std::string& key) { return "Authorization: Bearer " + key + "\r\n"; }

  // The gateway ids of a balances answer.
  static std::vector<std::string> gateway_ids(const std::string& body) {
    std::vector<std::string> ids;
    const auto parsed = json::parse(body);
    for (const auto& gateway : parsed.at("gateways").as_array()) {
      ids.emplace_back(gateway.at("id").as_string());
    }
    return ids;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  std::unique_ptr<sim::Simulator> first_;
  std::unique_ptr<sim::Simulator> second_;
  std::thread thread_;
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("coinfan-reload-" + std::to_string(::getpid()) + ".json")).string();
  std::unique_ptr<ChildProcess> child_;
};

TEST_F(ReloadTest, AValidFileSwapsGatewaysKeysAndLimitsWithoutDroppingAConnectionOrARequest) {
  write_config({{"cloud-a", first_.get()}}, "old-key-1", 16384);
  const auto port = start();
  ASSERT_NE(port, 0);

  RawConnection kept(port);  // a keep-alive connection that lives through the reload
  kept.send(testing::get_request("/v1/balances", bearer("old-key-1")));
  auto before = kept.read_response();
  ASSERT_TRUE(before);
  ASSERT_EQ(before->result_int(), 200u) << before->body();
  EXPECT_EQ(gateway_ids(before->body()), std::vector<std::string>{"cloud-a"});

  // A request in flight across the reload: its gateway answers after 1.5 s.
  sim::Fault slow;
  slow.kind = sim::Fault::Kind::latency;
  slow.delay = 1500ms;
  slow.remaining = 1;
  first_->inject(slow);
  const auto calls = first_->requests();
  RawConnection in_flight(port);
  in_flight.send(testing::get_request("/v1/balances?max_age_ms=0", bearer("old-key-1")));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (first_->requests() == calls && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_GT(first_->requests(), calls) << "the request never reached its gateway";

  write_config({{"cloud-a", first_.get()}, {"cloud-b", second_.get()}}, "new-key-2", 1024);
  child_->signal(SIGHUP);
  const auto reloaded = child_->wait_for_line("configuration reloaded", 10s);
  ASSERT_TRUE(reloaded) << "no reload line";
  EXPECT_NE(reloaded->find("\"gateways\":2"), std::string::npos) << *reloaded;

  // The request in flight finishes, with the configuration it started under.
  auto finished = in_flight.read_response();
  ASSERT_TRUE(finished) << "the request in flight was cut";
  EXPECT_EQ(finished->result_int(), 200u);
  EXPECT_EQ(gateway_ids(finished->body()), std::vector<std::string>{"cloud-a"});

  // The kept connection now serves the new configuration: the new key, both gateways.
  kept.send(testing::get_request("/v1/balances", bearer("new-key-2")));
  auto after = kept.read_response();
  ASSERT_TRUE(after) << "the keep-alive connection was closed by the reload";
  ASSERT_EQ(after->result_int(), 200u) << after->body();
  EXPECT_EQ(gateway_ids(after->body()), (std::vector<std::string>{"cloud-a", "cloud-b"}));
  kept.send(testing::get_request("/v1/balances", bearer("old-key-1")));
  auto old_key = kept.read_response();
  ASSERT_TRUE(old_key);
  EXPECT_EQ(old_key->result_int(), 401u) << "the removed key still works";
  // The new header limit: 2 KiB of headers are now too many.
  RawConnection limited(port);
  limited.send(testing::get_request("/healthz", "X-Padding: " + std::string(2048, 'p') + "\r\n"));
  auto too_large = limited.read_response();
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->result_int(), 431u);

  RawConnection scrape(port);
  scrape.send(testing::get_request("/metrics"));
  auto metrics = scrape.read_response();
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body().find("coinfan_config_reloads_total{result=\"applied\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics->body().find("coinfan_config_reloads_total{result=\"rejected\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics->body().find("coinfan_config_last_reload_successful 1\n"), std::string::npos);

  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait(), 0);
}

TEST_F(ReloadTest, AnInvalidFileIsRefusedWithEveryErrorAndTheRunningConfigurationStays) {
  write_config({{"cloud-a", first_.get()}}, "kept-key-1", 16384);
  const auto port = start();
  ASSERT_NE(port, 0);

  write_text(R"({ "server": { "listen": "127.0.0.1:0", "max_body_bytes": -5 }, "surprise": 1,
                  "gateways": [ { "id": "x", "type": "nope" } ] })");
  child_->signal(SIGHUP);
  const auto refused = child_->wait_for_line("configuration reload rejected", 10s);
  ASSERT_TRUE(refused) << "no refusal line";
  EXPECT_NE(refused->find("\"level\":\"error\""), std::string::npos) << *refused;
  // Every error was logged before the refusal, each with the JSON path it concerns.
  const auto output = child_->read_all_so_far();
  for (const auto* path : {"server.max_body_bytes", "surprise", "gateways[0].type"}) {
    EXPECT_NE(output.find(std::string("\"msg\":\"configuration error\"")), std::string::npos);
    EXPECT_NE(output.find(path), std::string::npos) << path << " not logged:\n" << output;
  }

  RawConnection connection(port);
  connection.send(testing::get_request("/v1/balances", bearer("kept-key-1")));
  auto still = connection.read_response();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->result_int(), 200u);
  EXPECT_EQ(gateway_ids(still->body()), std::vector<std::string>{"cloud-a"});
  connection.send(testing::get_request("/metrics"));
  auto metrics = connection.read_response();
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body().find("coinfan_config_reloads_total{result=\"rejected\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics->body().find("coinfan_config_last_reload_successful 0\n"), std::string::npos);

  // A file that is valid again is applied.
  write_config({{"cloud-b", second_.get()}}, "kept-key-1", 16384);
  child_->signal(SIGHUP);
  ASSERT_TRUE(child_->wait_for_line("configuration reloaded", 10s));
  connection.send(testing::get_request("/v1/balances", bearer("kept-key-1")));
  auto swapped = connection.read_response();
  ASSERT_TRUE(swapped);
  EXPECT_EQ(gateway_ids(swapped->body()), std::vector<std::string>{"cloud-b"});

  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait(), 0);
}

}  // namespace
}  // namespace coinfan
