// A write goes out at most once, whichever step of the exchange times out or breaks: connect,
// TLS handshake, waiting for the answer, reading the answer, or a connection closed right after
// the request was sent. The same scenario with a read shows the retries a write must not get,
// so a retry policy that treated a timed-out write as retryable fails here.

#include "integration/upstream/client_harness.hpp"

namespace coinfan::upstream_testing {
namespace {

using namespace std::chrono_literals;

enum class Step { connect, handshake, awaiting_answer, reading_answer, closed_after_request };

const char* name(Step step) {
  switch (step) {
    case Step::connect: return "connect";
    case Step::handshake: return "handshake";
    case Step::awaiting_answer: return "awaiting_answer";
    case Step::reading_answer: return "reading_answer";
    case Step::closed_after_request: return "closed_after_request";
  }
  return "?";
}

class WriteOnce : public ::testing::TestWithParam<Step> {
 protected:
  TestPki pki;
  asio::io_context io;

  ScriptedServer::Config config_for(Step step) {
    ScriptedServer::Config config;
    if (step == Step::connect) {
      config.mode = ScriptedServer::Mode::never_accept;
      return config;
    }
    if (step == Step::handshake) {
      config.mode = ScriptedServer::Mode::accept_no_handshake;
      return config;
    }
    const CertFiles files = pki.issue({"localhost"}, {"127.0.0.1"});
    config.cert_file = files.cert_file;
    config.key_file = files.key_file;
    config.handler = [step](Exchange& exchange) {
      switch (step) {
        case Step::awaiting_answer: exchange.hold(); break;
        case Step::reading_answer:
          exchange.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"code\":");
          exchange.hold();
          break;
        default: exchange.reset(); break;
      }
    };
    return config;
  }

  Options options(const ScriptedServer& server, Step step) {
    Options options = options_for(server, pki);
    if (step == Step::connect || step == Step::handshake) options.base_url = server.https_url("127.0.0.1");
    options.connect_timeout = 200ms;
    options.handshake_timeout = 200ms;
    // Long enough for two retries after a failed connect or handshake; the steps that wait for
    // the server use up the whole call.
    options.timeout = step == Step::awaiting_answer || step == Step::reading_answer ? 600ms : 3000ms;
    options.retries = 2;
    return options;
  }
};

TEST_P(WriteOnce, WriteIsSentAtMostOnce) {
  const Step step = GetParam();
  ScriptedServer server(config_for(step));
  auto client = make_client(io, options(server, step));
  const Timed sent = send(io, client, write_request("/ccpayment/v2/userTransfer", R"({"orderId":"o-1"})"));
  ASSERT_FALSE(sent.result.ok()) << name(step);
  const auto stats = client->stats();
  const bool reaches_server = step != Step::connect && step != Step::handshake;
  EXPECT_EQ(stats.retries, 0u) << name(step) << ": " << sent.result.error().detail;
  EXPECT_EQ(stats.attempts, reaches_server ? 1u : 0u) << name(step);  // an exchange starts once connected
  if (step == Step::handshake) {
    EXPECT_EQ(stats.tls_handshakes, 1u);
  }
  EXPECT_EQ(server.request_count(), reaches_server ? 1u : 0u) << name(step);
}

// The control: the very same failure on a read is retried, so the write's single attempt above
// is the policy's doing, not the scenario's.
// (Only for the steps that leave time for a retry: waiting for the server spends the deadline.)
class ReadRetried : public WriteOnce {};

TEST_P(ReadRetried, ReadInTheSameTroubleIsRetried) {
  const Step step = GetParam();
  ScriptedServer server(config_for(step));
  auto client = make_client(io, options(server, step));
  const Timed sent = send(io, client, read_request());
  ASSERT_FALSE(sent.result.ok()) << name(step);
  EXPECT_EQ(client->stats().retries, 2u) << name(step) << ": " << sent.result.error().detail;
  if (step == Step::handshake) {
    EXPECT_EQ(client->stats().tls_handshakes, 3u);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryStep, WriteOnce,
                         ::testing::Values(Step::connect, Step::handshake, Step::awaiting_answer, Step::reading_answer,
                                           Step::closed_after_request),
                         [](const ::testing::TestParamInfo<Step>& info) { return std::string(name(info.param)); });
INSTANTIATE_TEST_SUITE_P(StepsWithTimeToRetry, ReadRetried,
                         ::testing::Values(Step::connect, Step::handshake, Step::closed_after_request),
                         [](const ::testing::TestParamInfo<Step>& info) { return std::string(name(info.param)); });

}  // namespace
}  // namespace coinfan::upstream_testing
