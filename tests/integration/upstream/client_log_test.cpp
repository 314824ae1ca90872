// What the upstream client tells the operator's log: one warning when the circuit opens, one
// when it closes again, failed probes in between at most once a minute, and "upstream call
// failed" at most once a minute per gateway with the failures it held back. Time is a fake
// clock the test moves; nothing sleeps.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "integration/upstream/client_harness.hpp"
#include "support/log_capture.hpp"

namespace coinfan::upstream_testing {
namespace {

using namespace std::chrono_literals;
using coinfan::testing::LogCapture;

bool has(const std::string& line, std::string_view text) { return line.find(text) != std::string::npos; }

TEST(UpstreamLog, CircuitOpenedAndClosedOnceEachWithFailedProbesThrottled) {
  std::atomic<bool> healthy{false};
  ScriptedServer::Config config;
  config.mode = ScriptedServer::Mode::plain;
  config.handler = [&](Exchange& exchange) { exchange.respond(healthy ? 200 : 502, ""); };
  ScriptedServer server(config);
  asio::io_context io;
  FakeClock clock;
  Options options;
  options.base_url = server.http_url();
  options.name = "ccp-main";
  options.retries = 0;
  options.breaker_failures = 3;
  options.breaker_cooldown = 10s;
  options.hooks.now = clock.hook();
  auto client = make_client(io, options);

  LogCapture log;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send(io, client, read_request()).result->status, 502u);
  auto opened = log.lines_with_message("circuit opened");
  ASSERT_EQ(opened.size(), 1u) << log.text_so_far();
  EXPECT_TRUE(has(opened[0], R"("level":"warning")")) << opened[0];
  EXPECT_TRUE(has(opened[0], R"("gateway":"ccp-main")")) << opened[0];
  EXPECT_TRUE(has(opened[0], R"("failures":3)")) << opened[0];

  // Open: calls fail fast and say nothing more.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send(io, client, read_request()).result.error().code, ErrorCode::circuit_open);
  EXPECT_EQ(log.lines_with_message("circuit opened").size(), 1u);

  // A probe every cool-down fails for a minute: one line, then one more after the minute
  // counting the failed probes since.
  for (int probe = 1; probe <= 7; ++probe) {
    clock.advance(10s);
    ASSERT_EQ(send(io, client, read_request()).result->status, 502u) << probe;
  }
  const auto still_open = log.lines_with_message("circuit still open");
  ASSERT_EQ(still_open.size(), 2u) << log.text_so_far();
  EXPECT_TRUE(has(still_open[0], R"("failed_probes":1)")) << still_open[0];
  EXPECT_TRUE(has(still_open[1], R"("failed_probes":6)")) << still_open[1];
  EXPECT_TRUE(log.lines_with_message("circuit closed").empty());

  healthy = true;
  clock.advance(10s);
  ASSERT_EQ(send(io, client, read_request()).result->status, 200u);
  EXPECT_EQ(client->breaker_state(), upstream::BreakerState::closed);
  const auto closed = log.lines_with_message("circuit closed");
  ASSERT_EQ(closed.size(), 1u) << log.text_so_far();
  EXPECT_TRUE(has(closed[0], R"("level":"warning")")) << closed[0];
  EXPECT_TRUE(has(closed[0], R"("gateway":"ccp-main")")) << closed[0];
  EXPECT_TRUE(has(closed[0], R"("open_for_ms":80000)")) << closed[0];

  for (int i = 0; i < 3; ++i) ASSERT_EQ(send(io, client, read_request()).result->status, 200u);
  EXPECT_EQ(log.lines_with_message("circuit closed").size(), 1u);
  EXPECT_EQ(log.lines_with_message("circuit opened").size(), 1u);
  // A 502 is an answer, not a failed call: the client has no "upstream call failed" to say.
  EXPECT_TRUE(log.lines_with_message("upstream call failed").empty());
}

// A port on loopback that refuses connections: bound, never listening, held for the test.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST(UpstreamLog, UpstreamCallFailedAtMostOnceAMinuteWithTheCountHeldBack) {
  RefusingPort refusing;
  ASSERT_NE(refusing.port(), 0);
  asio::io_context io;
  FakeClock clock;
  Options options;
  options.base_url = "http://127.0.0.1:" + std::to_string(refusing.port());
  options.name = "kuna";
  options.retries = 0;
  options.breaker_failures = 0;  // off: every call reaches the network
  options.hooks.now = clock.hook();
  auto client = make_client(io, options);

  LogCapture log;
  for (int i = 0; i < 10; ++i) {
    const Timed failed = send(io, client, read_request());
    ASSERT_FALSE(failed.result.ok());
    EXPECT_EQ(failed.result.error().code, ErrorCode::unreachable);
    // The caller's error never names the endpoint; the log line does.
    EXPECT_EQ(failed.result.error().detail.find(std::to_string(refusing.port())), std::string::npos);
  }
  auto lines = log.lines_with_message("upstream call failed");
  ASSERT_EQ(lines.size(), 1u) << log.text_so_far();
  EXPECT_TRUE(has(lines[0], R"("gateway":"kuna")")) << lines[0];
  EXPECT_TRUE(has(lines[0], R"("code":"unreachable")")) << lines[0];
  EXPECT_TRUE(has(lines[0], "127.0.0.1:" + std::to_string(refusing.port()))) << lines[0];
  EXPECT_TRUE(has(lines[0], R"("suppressed":0)")) << lines[0];

  clock.advance(59s);
  ASSERT_FALSE(send(io, client, read_request()).result.ok());
  EXPECT_EQ(log.lines_with_message("upstream call failed").size(), 1u);
  clock.advance(1s);
  ASSERT_FALSE(send(io, client, read_request()).result.ok());
  lines = log.lines_with_message("upstream call failed");
  ASSERT_EQ(lines.size(), 2u) << log.text_so_far();
  EXPECT_TRUE(has(lines[1], R"("suppressed":10)")) << lines[1];
}

}  // namespace
}  // namespace coinfan::upstream_testing
