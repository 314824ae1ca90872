// The coinfan binary's /metrics and its operator log, over real loopback: metric values follow
// real requests (a 404 under the unmatched route, a cache hit, a failing gateway's circuit
// opening), a real scrape passes `promtool check metrics`, and a failing gateway leaves one
// "gateway failing" and one "circuit opened" warning, not one per request.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "coinfan/sim/demo.hpp"
#include "gateways/providers.hpp"
#include "integration/sim/sim_http.hpp"
#include "support/http_test_client.hpp"
#include "support/process.hpp"

namespace coinfan {
namespace {

namespace json = boost::json;
using testing::ChildProcess;
using testing::RawConnection;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("coinfan-" + std::to_string(::getpid()) + "-" + name)).string();
}

// The value of the sample written exactly as `series` (name and labels), or nullopt.
std::optional<std::uint64_t> sample(const std::string& scrape, const std::string& series) {
  const std::string head = "\n" + series + " ";
  const auto at = scrape.find(head);
  if (at == std::string::npos) return std::nullopt;
  return std::stoull(scrape.substr(at + head.size(), scrape.find('\n', at + 1) - at - head.size()));
}

std::size_t count_lines(const std::string& output, std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    bool all = true;
    for (auto part : parts) all = all && line.find(part) != std::string::npos;
    if (all) ++n;
  }
  return n;
}

// Runs a command line through the shell; its exit status and everything it printed.
std::pair<int, std::string> run_shell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class ServiceMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& healthy = sims.start(gateways::cryptocloud::type);
    auto& flaky = sims.start(gateways::cryptocloud::type);
    // Every answer of "flaky" is a proxy's 502 page: the gateway is down.
    flaky.inject(sim::Fault::http_status_of(502));
    json::array list;
    list.push_back(sim::gateway_json(healthy.gateway_config("cloud")));
    auto down = sim::gateway_json(flaky.gateway_config("flaky"));
    down["retries"] = 0;
    list.push_back(down);
    const json::object root{{"server", {{"listen", "127.0.0.1:0"}, {"threads", 2}}},
                            {"log", {{"format", "json"}}},
                            {"gateways", list}};
    config_path = temp_path("metrics.json");
    std::ofstream(config_path) << json::serialize(root);
    child.emplace(COINFAN_BINARY, std::vector<std::string>{"--config", config_path});
    const auto listening = child->wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
    ASSERT_TRUE(listening) << "no listening line";
    std::smatch match;
    ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)")));
    connection.emplace(static_cast<std::uint16_t>(std::stoi(match[1])));
    ASSERT_TRUE(child->wait_for_line("\"msg\":\"warm-up\"", std::chrono::seconds(30)));
  }
  void TearDown() override { std::filesystem::remove(config_path); }

  std::pair<unsigned, std::string> get(const std::string& target) {
    connection->send(testing::get_request(target));
    auto response = connection->read_response();
    if (!response) return {0, {}};
    return {response->result_int(), response->body()};
  }
  std::string scrape() {
    auto [status, body] = get("/metrics");
    EXPECT_EQ(status, 200u);
    return "\n" + body;
  }

  sim::testing::SimHarness sims;
  std::string config_path;
  std::optional<ChildProcess> child;
  std::optional<RawConnection> connection;
};

TEST_F(ServiceMetrics, ValuesFollowRealRequestsAndTheScrapePassesPromtool) {
  const auto before = scrape();
  const std::string not_found = R"(coinfan_http_requests_total{route="unmatched",method="GET",status_class="4xx"})";
  const std::string hits = R"(coinfan_cache_hits_total{view="balances"})";
  EXPECT_FALSE(sample(before, not_found)) << before;
  ASSERT_TRUE(sample(before, hits)) << before;

  // A 404 under the unmatched route, whatever the path.
  EXPECT_EQ(get("/no/such/thing").first, 404u);
  EXPECT_EQ(get("/nor/this-one").first, 404u);
  // The first answer fans out, the second comes from the cache.
  EXPECT_EQ(get("/v1/balances?gateway=cloud").first, 200u);
  EXPECT_EQ(get("/v1/balances?gateway=cloud").first, 200u);
  // The flaky gateway fails every call (max_age_ms=0: never from the cache) until its
  // circuit opens after five failures in a row (the warm-up made the first).
  for (int i = 0; i < 6; ++i) EXPECT_EQ(get("/v1/balances?gateway=flaky&max_age_ms=0").first, 502u);

  const auto after = scrape();
  EXPECT_EQ(sample(after, not_found), 2u) << after;
  EXPECT_EQ(sample(after, hits).value_or(0), sample(before, hits).value_or(0) + 1) << after;
  EXPECT_GE(sample(after, R"(coinfan_http_requests_total{route="/v1/balances",method="GET",status_class="2xx"})").value_or(0), 2u);
  EXPECT_EQ(sample(after, R"(coinfan_http_requests_total{route="/v1/balances",method="GET",status_class="5xx"})"), 6u);
  EXPECT_GE(sample(after, R"(coinfan_http_request_duration_seconds_count{route="/v1/balances",method="GET"})").value_or(0), 8u);
  EXPECT_EQ(sample(after, R"(coinfan_gateway_circuit_state{gateway="flaky",state="open"})"), 1u) << after;
  EXPECT_EQ(sample(after, R"(coinfan_gateway_circuit_state{gateway="flaky",state="closed"})"), 0u);
  EXPECT_EQ(sample(after, R"(coinfan_gateway_circuit_state{gateway="flaky",state="half_open"})"), 0u);
  EXPECT_EQ(sample(after, R"(coinfan_gateway_circuit_state{gateway="cloud",state="closed"})"), 1u);
  EXPECT_EQ(sample(after, R"(coinfan_upstream_circuit_open{gateway="flaky"})"), 1u);
  EXPECT_EQ(sample(after, R"(coinfan_upstream_calls_total{gateway="flaky",operation="balances",outcome="http_status"})"), 5u);
  EXPECT_GE(sample(after, R"(coinfan_upstream_calls_total{gateway="flaky",operation="balances",outcome="circuit_open"})").value_or(0), 1u);
  EXPECT_GE(sample(after, R"(coinfan_upstream_calls_total{gateway="cloud",operation="balances",outcome="ok"})").value_or(0), 1u);
  EXPECT_GE(sample(after, R"(coinfan_upstream_connections_reused_total{gateway="flaky"})").value_or(0), 1u);
  EXPECT_EQ(sample(after, "coinfan_http_requests_in_flight"), 1u);  // this scrape
  EXPECT_NE(after.find("\ncoinfan_build_info{version=\""), std::string::npos);
  for (const char* family : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                             "process_max_fds", "process_start_time_seconds"}) {
    EXPECT_NE(after.find("\n" + std::string(family) + " "), std::string::npos) << family;
  }

  // promtool (Debian's prometheus package, installed by scripts/install-deps.sh) checks the
  // exposition format and Prometheus' naming rules. A missing promtool fails the test.
  const auto scrape_file = temp_path("scrape.txt");
  std::ofstream(scrape_file) << after.substr(1);
  const auto [status, output] = run_shell("promtool check metrics < " + scrape_file);
  std::filesystem::remove(scrape_file);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << output;

  child->signal(SIGTERM);
  EXPECT_EQ(child->wait(), 0);
  const auto log = child->read_all();
  // One warning as the gateway starts failing, with its code, and one as its circuit opens:
  // not one per failed request.
  EXPECT_EQ(count_lines(log, {R"("level":"warning")", R"("msg":"gateway failing")", R"("gateway":"flaky")",
                              R"("code":"http_status")"}), 1u) << log;
  EXPECT_EQ(count_lines(log, {R"("msg":"gateway failing")"}), 1u) << log;
  EXPECT_EQ(count_lines(log, {R"("level":"warning")", R"("msg":"circuit opened")", R"("gateway":"flaky")"}), 1u) << log;
  EXPECT_EQ(count_lines(log, {R"("msg":"gateway still failing")"}), 0u) << log;  // all within a minute
  EXPECT_EQ(count_lines(log, {R"("msg":"circuit closed")"}), 0u) << log;
}

// gzip is paid once per cached body, not once per answer.
TEST_F(ServiceMetrics, ACachedViewIsCompressedOnceForEveryCallerThatAsksForGzip) {
  const auto before = scrape();
  ASSERT_TRUE(sample(before, "coinfan_gzip_compressions_total")) << before;
  ASSERT_TRUE(sample(before, "coinfan_sealed_bodies_total")) << before;
  std::string first_body;
  for (int i = 0; i < 4; ++i) {
    connection->send(testing::get_request("/v1/balances?gateway=cloud", "Accept-Encoding: gzip\r\n"));
    auto response = connection->read_response();
    ASSERT_TRUE(response);
    ASSERT_EQ(response->result_int(), 200u);
    ASSERT_EQ((*response)[boost::beast::http::field::content_encoding], "gzip");
    if (i == 0) first_body = response->body();
    EXPECT_EQ(response->body(), first_body) << "the same compressed bytes, from the cache";
  }
  const auto after = scrape();
  EXPECT_EQ(sample(after, "coinfan_gzip_compressions_total").value_or(0),
            sample(before, "coinfan_gzip_compressions_total").value_or(0) + 1) << after;
}

}  // namespace
}  // namespace coinfan
