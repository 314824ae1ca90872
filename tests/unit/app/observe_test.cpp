// The /metrics text (families, labels, the circuit's half-open state, build info, process
// metrics), the /proc parsers behind process_*, and the beyond-loopback start-up check.

#include <gtest/gtest.h>
#include <sched.h>

#include "app/exposure.hpp"
#include "app/metrics.hpp"
#include "app/process_metrics.hpp"
#include "integration/aggregate/fake_gateway.hpp"

namespace coinfan::app {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(Metrics, RenderEveryFamilyWithBoundedLabels) {
  metrics::DurationFamily requests;
  requests.observe({"/v1/gateways/{id}/balances", "GET", "2xx"}, 4ms);
  requests.observe({"/v1/gateways/{id}/balances", "GET", "5xx"}, 2s);
  requests.observe({"unmatched", "GET", "4xx"}, 100us);
  auto kuna = std::make_shared<aggregate::testing_support::FakeGateway>("kuna-main", config::GatewayType{"kuna"});
  kuna->breaker = upstream::BreakerState::half_open;
  kuna->counters.requests = 2;
  kuna->counters.tls_handshakes = 1;
  kuna->counters.connections_reused = 1;
  kuna->counters.responses_by_class[1] = 1;  // one 2xx
  kuna->counters.responses_by_class[3] = 1;  // one 4xx
  kuna->operations.observe({"login", "ok"}, 20ms);
  kuna->operations.observe({"balances", "auth_failed"}, 3ms);
  std::vector<std::shared_ptr<gateways::Gateway>> gateways{kuna};
  MetricsSources sources;
  sources.server.requests_in_flight = 1;
  sources.requests = requests.snapshot();
  sources.gateways = &gateways;
  sources.process = ProcessMetrics{.cpu_us = 1250000, .resident_bytes = 4096, .virtual_bytes = 8192,
                                   .open_fds = 9, .max_fds = 1024, .start_time_us = 1700000000500000};
  const auto text = render_metrics(sources);

  EXPECT_TRUE(text.starts_with("# HELP coinfan_build_info "));
  EXPECT_NE(text.find("coinfan_build_info{version=\"" COINFAN_VERSION "\",compiler=\""), std::string::npos);
  for (const char* line : {
           R"(coinfan_http_requests_total{route="/v1/gateways/{id}/balances",method="GET",status_class="2xx"} 1)",
           R"(coinfan_http_requests_total{route="/v1/gateways/{id}/balances",method="GET",status_class="5xx"} 1)",
           R"(coinfan_http_requests_total{route="unmatched",method="GET",status_class="4xx"} 1)",
           // The histogram adds the status classes of a route up.
           R"(coinfan_http_request_duration_seconds_bucket{route="/v1/gateways/{id}/balances",method="GET",le="0.005"} 1)",
           R"(coinfan_http_request_duration_seconds_bucket{route="/v1/gateways/{id}/balances",method="GET",le="2.5"} 2)",
           R"(coinfan_http_request_duration_seconds_bucket{route="/v1/gateways/{id}/balances",method="GET",le="+Inf"} 2)",
           R"(coinfan_http_request_duration_seconds_sum{route="/v1/gateways/{id}/balances",method="GET"} 2.004000)",
           R"(coinfan_http_request_duration_seconds_count{route="/v1/gateways/{id}/balances",method="GET"} 2)",
           "coinfan_http_requests_in_flight 1",
           // Half-open is told apart from open.
           R"(coinfan_gateway_circuit_state{gateway="kuna-main",state="closed"} 0)",
           R"(coinfan_gateway_circuit_state{gateway="kuna-main",state="open"} 0)",
           R"(coinfan_gateway_circuit_state{gateway="kuna-main",state="half_open"} 1)",
           R"(coinfan_upstream_circuit_open{gateway="kuna-main"} 1)",
           R"(coinfan_upstream_tls_handshakes_total{gateway="kuna-main"} 1)",
           R"(coinfan_upstream_connections_reused_total{gateway="kuna-main"} 1)",
           R"(coinfan_upstream_responses_total{gateway="kuna-main",status_class="2xx"} 1)",
           R"(coinfan_upstream_responses_total{gateway="kuna-main",status_class="4xx"} 1)",
           R"(coinfan_upstream_calls_total{gateway="kuna-main",operation="balances",outcome="auth_failed"} 1)",
           R"(coinfan_upstream_calls_total{gateway="kuna-main",operation="login",outcome="ok"} 1)",
           R"(coinfan_upstream_call_duration_seconds_bucket{gateway="kuna-main",operation="login",outcome="ok",le="0.025"} 1)",
           R"(coinfan_upstream_call_duration_seconds_bucket{gateway="kuna-main",operation="login",outcome="ok",le="0.01"} 0)",
           R"(coinfan_upstream_latency_seconds_bucket{gateway="kuna-main",le="0.005"} 0)",
           R"(coinfan_upstream_latency_seconds_bucket{gateway="kuna-main",le="30"} 0)",
           "process_cpu_seconds_total 1.250000",
           "process_resident_memory_bytes 4096",
           "process_open_fds 9",
           "process_max_fds 1024",
           "process_start_time_seconds 1700000000.500000",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
  // Without views, no cache family; every family has its HELP and TYPE.
  EXPECT_EQ(text.find("coinfan_cache_"), std::string::npos);
  EXPECT_NE(text.find("# TYPE coinfan_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

TEST(ProcessMetrics, ParsesProcStatWhateverTheCommandName) {
  // Fields 14/15 (utime, stime), 22 (starttime), 23 (vsize), 24 (rss); the name holds ") (".
  const std::string stat =
      "4242 (co) (in fan) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 75 0 0 20 0 3 0 123456 104857600 2560 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto parsed = parse_proc_stat(stat);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->utime_ticks, 150u);
  EXPECT_EQ(parsed->stime_ticks, 75u);
  EXPECT_EQ(parsed->start_ticks, 123456u);
  EXPECT_EQ(parsed->vsize_bytes, 104857600u);
  EXPECT_EQ(parsed->rss_pages, 2560u);
  EXPECT_FALSE(parse_proc_stat("4242 (cut short) S 1 2 3"));
  EXPECT_FALSE(parse_proc_stat("no parenthesis at all"));
  EXPECT_FALSE(parse_proc_stat(""));

  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000u);
  EXPECT_FALSE(parse_boot_time("cpu  1 2 3\n"));
  EXPECT_FALSE(parse_boot_time("btime soon\n"));
}

TEST(ProcessMetrics, ReadsThisProcess) {
  const auto process = read_process_metrics();
  ASSERT_TRUE(process.cpu_us);
  ASSERT_TRUE(process.resident_bytes);
  EXPECT_GT(*process.resident_bytes, 0u);
  ASSERT_TRUE(process.open_fds);
  EXPECT_GE(*process.open_fds, 3u);  // stdin, stdout, stderr at least
  ASSERT_TRUE(process.max_fds);
  EXPECT_GE(*process.max_fds, *process.open_fds);
  ASSERT_TRUE(process.start_time_us);
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(*process.start_time_us, static_cast<std::uint64_t>(now_us) + 1000000);
  EXPECT_GT(*process.start_time_us, static_cast<std::uint64_t>(now_us) - 24ull * 3600 * 1000000);
}

TEST(Exposure, LoopbackIsLocalhostAnd127Slash8AndColonColon1) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.5", "192.168.1.1", "128.0.0.1", "example.com", ""}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST(Exposure, WarnsOnlyBeyondLoopbackWithReadsOpen) {
  EXPECT_TRUE(reads_open_to_network("0.0.0.0", false));
  EXPECT_TRUE(reads_open_to_network("::", false));
  EXPECT_FALSE(reads_open_to_network("0.0.0.0", true));    // a key guards /v1/
  EXPECT_FALSE(reads_open_to_network("127.0.0.1", false));  // only this machine reaches it
}

// server.threads 0 counts the CPUs the process may run on, not the machine's.
TEST(UsableCpus, FollowTheAffinityMask) {
  cpu_set_t original;
  CPU_ZERO(&original);
  ASSERT_EQ(::sched_getaffinity(0, sizeof original, &original), 0);
  EXPECT_EQ(usable_cpus(), static_cast<unsigned>(CPU_COUNT(&original)));
  int first = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; ++cpu) {
    if (CPU_ISSET(cpu, &original)) first = cpu;
  }
  ASSERT_GE(first, 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  const unsigned pinned = usable_cpus();
  ASSERT_EQ(::sched_setaffinity(0, sizeof original, &original), 0);
  EXPECT_EQ(pinned, 1u);
}

}  // namespace
}  // namespace coinfan::app
