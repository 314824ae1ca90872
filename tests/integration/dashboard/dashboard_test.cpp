// The built-in dashboard in a real browser: Debian's chromium driven by playwright-core
// (tools/dashboard/check.mjs, pinned in tools/package-lock.json) against the real coinfan
// binary on loopback, which calls the five simulated gateways started here. Each scenario's
// runner exits 0 only when all its assertions hold and saves desktop and phone screenshots in
// build/<preset>/dashboard/.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/core/hash.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "support/logged_process.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::LoggedProcess;

const std::string gateway_list = "ccp-main,ccp-legacy,cloud,trubit,kuna";
const std::string read_key = "dashboard-read-key-0123456789";
const std::string write_key = "dashboard-write-key-0123456789";

json::object api_key(const std::string& name, const std::string& secret, json::array scopes) {
  return {{"name", name}, {"sha256", *hash::sha256_hex(secret)}, {"scopes", std::move(scopes)}};
}

class Dashboard : public ::testing::Test {
 protected:
  // The five simulators of `coinfan --demo` (ids as in gateway_list).
  Dashboard() : work_(asio::make_work_guard(io_)), demo_(sim::start_demo_gateways(io_)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Dashboard() override {
    coinfan_.reset();
    for (auto& simulator : demo_.simulators) simulator->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  sim::Simulator& simulator(const std::string& id) {
    for (std::size_t i = 0; i < demo_.gateways.size(); ++i) {
      if (demo_.gateways[i].id == id) return *demo_.simulators[i];
    }
    throw std::invalid_argument(id);
  }

  // Starts coinfan on a free loopback port with the five gateways and `keys`.
  void start(json::array keys = {}) {
    json::array gateways;
    for (const auto& gateway : demo_.gateways) {
      json::object entry = sim::gateway_json(gateway);
      entry["timeout_ms"] = 2000;
      entry["retries"] = 0;
      gateways.push_back(std::move(entry));
    }
    json::object config{{"server", json::object{{"listen", "127.0.0.1:0"}, {"threads", 2}}},
                        {"log", json::object{{"format", "json"}, {"level", "info"}}},
                        {"gateways", std::move(gateways)}};
    if (!keys.empty()) config["auth"] = json::object{{"api_keys", std::move(keys)}};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    config_path_ = std::filesystem::temp_directory_path() /
                   ("coinfan-dashboard-" + std::to_string(::getpid()) + "-" + test->name() + ".json");
    std::ofstream(config_path_) << json::serialize(config);
    coinfan_ = std::make_unique<LoggedProcess>(COINFAN_BINARY, std::vector<std::string>{"--config", config_path_.string()});
    const auto listening = coinfan_->wait_for_line("\"msg\":\"listening\"", 30s);
    ASSERT_TRUE(listening) << coinfan_->output();
    std::smatch match;
    ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)"))) << *listening;
    url_ = "http://127.0.0.1:" + std::string(match[1]);
  }

  // Runs one scenario of tools/dashboard/check.mjs; its output explains a failure.
  void check(const std::string& scenario, std::vector<std::string> extra = {}) {
    const auto out = std::filesystem::path(COINFAN_BUILD_DIR) / "dashboard";
    std::filesystem::create_directories(out);
    std::vector<std::string> args = {std::string(COINFAN_SOURCE_DIR) + "/tools/dashboard/check.mjs", scenario,
                                     "--url", url_, "--out", out.string(), "--gateways", gateway_list};
    args.insert(args.end(), extra.begin(), extra.end());
    LoggedProcess runner(COINFAN_NODE, args);
    const int code = runner.wait();
    EXPECT_EQ(code, 0) << runner.output();
    EXPECT_NE(runner.output().find("ok " + scenario), std::string::npos) << runner.output();
    EXPECT_TRUE(std::filesystem::exists(out / (scenario + "-desktop.png")));
    EXPECT_TRUE(std::filesystem::exists(out / (scenario + "-phone.png")));
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  sim::DemoGateways demo_;
  std::thread thread_;
  std::filesystem::path config_path_;
  std::unique_ptr<LoggedProcess> coinfan_;
  std::string url_;
};

TEST_F(Dashboard, RendersEveryGatewayWithTheApisExactTotalsAndPassesAnAccessibilityCheck) {
  start();
  check("render");
}

TEST_F(Dashboard, AFailingGatewayShowsItsErrorBadgeWhileTheOthersStay) {
  simulator("kuna").inject(sim::Fault::http_status_of(500));
  start();
  check("failure", {"--failing", "kuna"});
}

TEST_F(Dashboard, RecordsPagingWalksEveryPageWithoutDuplicates) {
  start();
  check("records");
}

TEST_F(Dashboard, WithKeysThePageAsksForOneAndAWrongKeyShowsThe401Message) {
  start(json::array{api_key("dashboard", read_key, {"read"})});
  check("keys", {"--key", read_key, "--wrong-key", "not-a-configured-key"});
}

TEST_F(Dashboard, TheTransferFormRefusesAnInvalidAmountAndShowsTheCreatedRecord) {
  start(json::array{api_key("payouts", write_key, {"read", "write"})});
  check("transfer", {"--write-key", write_key});
}

}  // namespace
}  // namespace coinfan
