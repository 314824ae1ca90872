// Retries, Retry-After, the response size cap, the circuit breaker and the per-gateway limits.

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>

#include "integration/upstream/client_harness.hpp"

namespace coinfan::upstream_testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

class UpstreamResilience : public ::testing::Test {
 protected:
  TestPki pki;
  asio::io_context io;

  ScriptedServer::Config tls_server(ScriptedServer::Handler handler) {
    const CertFiles files = pki.issue({"localhost"}, {"127.0.0.1"});
    ScriptedServer::Config config;
    config.cert_file = files.cert_file;
    config.key_file = files.key_file;
    config.handler = std::move(handler);
    return config;
  }
};

// Answers with `first` for the first `times` requests, then 200.
ScriptedServer::Handler fail_then_succeed(
    unsigned first, int times, std::atomic<int>& calls,
    std::vector<std::pair<std::string, std::string>> headers = {}) {
  return [first, times, &calls, headers](Exchange& exchange) {
    if (calls.fetch_add(1) < times) {
      exchange.respond(first, "{\"error\":\"busy\"}", headers);
    } else {
      exchange.respond(200, "{\"ok\":true}");
    }
  };
}

TEST_F(UpstreamResilience, ServerErrorThenSuccessIsRetriedForReads) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server(fail_then_succeed(503, 1, calls)));
  std::vector<milliseconds> delays;
  Options options = options_for(server, pki);
  options.hooks.on_retry = [&](unsigned, milliseconds delay) { delays.push_back(delay); };
  auto client = make_client(io, options);
  Timed sent = send(io, client, read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->status, 200u);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(client->stats().retries, 1u);
  EXPECT_EQ(delays, std::vector<milliseconds>{0ms});  // jitter hook returned 0
  EXPECT_EQ(server.connections_accepted(), 1);        // a 503 does not cost the connection
}

TEST_F(UpstreamResilience, ServerErrorOnAWriteIsReturnedNotRetried) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server(fail_then_succeed(503, 1, calls)));
  auto client = make_client(io, options_for(server, pki));
  Timed sent = send(io, client, write_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->status, 503u);
  EXPECT_EQ(sent.result->body, "{\"error\":\"busy\"}");
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(UpstreamResilience, PersistentServerErrorIsReturnedAfterTheConfiguredRetries) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server(fail_then_succeed(500, 1000, calls)));
  std::vector<milliseconds> delays;
  Options options = options_for(server, pki);
  options.retries = 2;
  options.retry_base_delay = 40ms;
  options.hooks.jitter = [] { return 0.5; };
  options.hooks.on_retry = [&](unsigned, milliseconds delay) { delays.push_back(delay); };
  Timed sent = send(io, make_client(io, options), read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->status, 500u);
  EXPECT_EQ(server.request_count(), 3u);
  // Exponential backoff with the (hooked) jitter: 0.5 * 40 ms, then 0.5 * 80 ms.
  EXPECT_EQ(delays, (std::vector<milliseconds>{20ms, 40ms}));
}

TEST_F(UpstreamResilience, TooManyRequestsWithRetryAfterIsHonoured) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server(fail_then_succeed(429, 1, calls, {{"Retry-After", "1"}})));
  std::vector<milliseconds> delays;
  Options options = options_for(server, pki);
  options.hooks.on_retry = [&](unsigned, milliseconds delay) { delays.push_back(delay); };
  Timed sent = send(io, make_client(io, options), read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->status, 200u);
  EXPECT_EQ(delays, std::vector<milliseconds>{1000ms});  // Retry-After, not the 0 ms backoff
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_GE(seen[1].at - seen[0].at, 990ms);  // the wait really happened
}

TEST_F(UpstreamResilience, RetryAfterBeyondTheDeadlineReturnsTheAnswerAtOnce) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server(fail_then_succeed(429, 1, calls, {{"Retry-After", "3600"}})));
  Options options = options_for(server, pki);
  options.timeout = 5s;
  Timed sent = send(io, make_client(io, options), read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->status, 429u);
  EXPECT_EQ(sent.result->header("retry-after"), "3600");
  EXPECT_LE(sent.elapsed, 2s);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(upstream::status_error(*sent.result).code, ErrorCode::rate_limited);
}

TEST_F(UpstreamResilience, AnnouncedOversizedBodyIsRefusedWithoutReadingIt) {
  std::atomic<std::size_t> streamed{0};
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    streamed = exchange.stream_forever("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n");
  }));
  Options options = options_for(server, pki);
  options.max_response_bytes = 64 * 1024;
  auto client = make_client(io, options);
  Timed sent = send(io, client, read_request());
  ASSERT_FALSE(sent.result.ok());
  EXPECT_EQ(sent.result.error().code, ErrorCode::response_too_large) << sent.result.error().detail;
  EXPECT_LE(sent.elapsed, 2s);
  EXPECT_EQ(server.request_count(), 1u);            // not retried
  EXPECT_EQ(client->stats().connections_open, 0u);  // the rest is never read: connection dropped
  ASSERT_TRUE(server.wait_until([&] { return streamed.load() > 0; }));
  // Only what the socket buffers absorbed was ever written: the client did not drain the body.
  EXPECT_LT(streamed.load(), 16u * 1024 * 1024);
  std::printf("[ memory   ] server managed to write %zu bytes before the client hung up\n",
              streamed.load());
}

TEST_F(UpstreamResilience, EndlessChunkedBodyStopsAtTheCap) {
  std::atomic<std::size_t> streamed{0};
  std::atomic<bool> finished{false};
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    // One chunk header announcing far more than any cap, then bytes until the client leaves.
    streamed = exchange.stream_forever(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40000000\r\n");
    finished = true;
  }));
  Options options = options_for(server, pki);
  options.max_response_bytes = 256 * 1024;
  Timed sent = send(io, make_client(io, options), read_request());
  ASSERT_FALSE(sent.result.ok());
  EXPECT_EQ(sent.result.error().code, ErrorCode::response_too_large) << sent.result.error().detail;
  EXPECT_LE(sent.elapsed, 2s);
  ASSERT_TRUE(server.wait_until([&] { return finished.load(); }));
  EXPECT_LT(streamed.load(), 16u * 1024 * 1024);
  std::printf("[ memory   ] server managed to write %zu bytes before the client hung up\n",
              streamed.load());
}

TEST_F(UpstreamResilience, CircuitOpensFailsFastHalfOpensAndClosesAgain) {
  std::atomic<bool> healthy{false};
  ScriptedServer server(
      tls_server([&](Exchange& exchange) { exchange.respond(healthy ? 200 : 500, ""); }));
  FakeClock clock;
  Options options = options_for(server, pki);
  options.breaker_failures = 3;
  options.breaker_cooldown = 30s;
  options.retries = 0;
  options.hooks.now = clock.hook();
  auto client = make_client(io, options);

  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client->breaker_state(), upstream::BreakerState::closed);
    Timed failed = send(io, client, read_request());
    ASSERT_TRUE(failed.result.ok());
    EXPECT_EQ(failed.result->status, 500u);
  }
  EXPECT_EQ(client->breaker_state(), upstream::BreakerState::open);

  // Open: fails fast, nothing reaches the gateway.
  Timed fast = send(io, client, read_request());
  ASSERT_FALSE(fast.result.ok());
  EXPECT_EQ(fast.result.error().code, ErrorCode::circuit_open);
  EXPECT_LE(fast.elapsed, 200ms);
  EXPECT_EQ(server.request_count(), 3u);

  clock.advance(29s);
  EXPECT_EQ(send(io, client, read_request()).result.error().code, ErrorCode::circuit_open);
  clock.advance(1s);
  EXPECT_EQ(client->breaker_state(), upstream::BreakerState::half_open);

  healthy = true;
  Timed probe = send(io, client, read_request());
  ASSERT_TRUE(probe.result.ok()) << probe.result.error().detail;
  EXPECT_EQ(probe.result->status, 200u);
  EXPECT_EQ(client->breaker_state(), upstream::BreakerState::closed);
  EXPECT_EQ(server.request_count(), 4u);
}

TEST_F(UpstreamResilience, HalfOpenLetsOneProbeThroughAndAFailedProbeReopens) {
  std::mutex mutex;
  std::condition_variable released;
  bool release = false;
  std::atomic<bool> healthy{false};
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    if (exchange.request().target == "/probe") {
      std::unique_lock lock(mutex);
      released.wait_for(lock, 10s, [&] { return release; });
    }
    exchange.respond(healthy ? 200 : 502, "");
  }));
  FakeClock clock;
  Options options = options_for(server, pki);
  options.breaker_failures = 1;
  options.breaker_cooldown = 10s;
  options.retries = 0;
  options.hooks.now = clock.hook();
  auto client = make_client(io, options);

  ASSERT_EQ(send(io, client, read_request()).result->status, 502u);
  EXPECT_EQ(client->breaker_state(), upstream::BreakerState::open);
  clock.advance(10s);

  // The probe is held by the server; a second caller must not get through meanwhile.
  std::optional<Timed> probe;
  asio::co_spawn(io, send_into(client, read_request("/probe"), &probe), asio::detached);
  run_until(io, [&] { return server.request_count() == 2; });
  Timed second = send(io, client, read_request("/second"));
  ASSERT_FALSE(second.result.ok());
  EXPECT_EQ(second.result.error().code, ErrorCode::circuit_open);

  {
    std::lock_guard lock(mutex);
    release = true;
  }
  released.notify_all();
  run_until(io, [&] { return probe.has_value(); });
  EXPECT_EQ(probe->result->status, 502u);
  EXPECT_EQ(client->breaker_state(), upstream::BreakerState::open);  // failed probe: reopened
  EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(UpstreamResilience, RateLimitHoldsUnderAHundredConcurrentCallers) {
  ScriptedServer server(tls_server({}));
  Options options = options_for(server, pki);
  options.rate_limit_rps = 100;
  options.rate_limit_burst = 5;
  options.max_concurrency = 100;
  options.max_connections = 16;
  options.timeout = 20s;
  auto client = make_client(io, options);
  const auto start = SteadyClock::now();
  const auto results = send_concurrently(io, client, read_request(), 100);
  const auto elapsed = SteadyClock::now() - start;
  for (const auto& timed : results) ASSERT_TRUE(timed.result.ok()) << timed.result.error().detail;

  // 100 requests with 5 free tokens at 100/s take at least 0.95 s ...
  EXPECT_GE(elapsed, 940ms);
  // ... and in no window did the gateway see more than burst + rate * window, allowing 50 ms of
  // scheduling jitter between the client's token grant and the server's clock.
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 100u);
  std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  for (std::size_t i = 0; i < seen.size(); ++i) {
    for (std::size_t j = i + 1; j < seen.size(); ++j) {
      const double window = std::chrono::duration<double>(seen[j].at - seen[i].at).count();
      ASSERT_LE(static_cast<double>(j - i + 1), 5.0 + 100.0 * (window + 0.050))
          << "requests " << i << ".." << j << " within " << window * 1000 << " ms";
    }
  }
}

TEST_F(UpstreamResilience, LocalRateLimitRefusesWhatCannotBeSentBeforeTheDeadline) {
  ScriptedServer server(tls_server({}));
  Options options = options_for(server, pki);
  options.rate_limit_rps = 0.5;  // one token every 2 s
  options.rate_limit_burst = 1;
  options.timeout = 500ms;
  auto client = make_client(io, options);
  ASSERT_TRUE(send(io, client, read_request()).result.ok());
  Timed refused = send(io, client, read_request());
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.error().code, ErrorCode::rate_limited);
  EXPECT_LE(refused.elapsed, 200ms);  // refused at once, not after waiting out the deadline
  EXPECT_EQ(server.request_count(), 1u);
}

// The budget shared with other replicas: its answers, scripted.
upstream::SharedBudget scripted_budget(std::shared_ptr<std::deque<std::optional<std::chrono::microseconds>>> answers,
                                       std::shared_ptr<std::atomic<int>> asked) {
  return [answers, asked]() -> boost::asio::awaitable<std::optional<std::chrono::microseconds>> {
    ++*asked;
    if (answers->empty()) co_return std::chrono::microseconds::zero();
    auto next = answers->front();
    answers->pop_front();
    co_return next;
  };
}

TEST_F(UpstreamResilience, TheSharedBudgetIsAskedBeforeSendingAndItsWaitIsKept) {
  ScriptedServer server(tls_server({}));
  Options options = options_for(server, pki);
  auto answers = std::make_shared<std::deque<std::optional<std::chrono::microseconds>>>();
  auto asked = std::make_shared<std::atomic<int>>(0);
  answers->push_back(std::chrono::microseconds(300000));  // wait 300 ms, then ask again
  answers->push_back(std::chrono::microseconds::zero());
  options.shared_budget = scripted_budget(answers, asked);
  auto client = make_client(io, options);
  const Timed waited = send(io, client, read_request());
  ASSERT_TRUE(waited.result.ok()) << waited.result.error().detail;
  EXPECT_GE(waited.elapsed, 290ms);
  EXPECT_EQ(asked->load(), 2);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(UpstreamResilience, ASharedBudgetThatCannotDecideLeavesTheCallToTheLocalBucket) {
  ScriptedServer server(tls_server({}));
  Options options = options_for(server, pki);
  auto answers = std::make_shared<std::deque<std::optional<std::chrono::microseconds>>>();
  auto asked = std::make_shared<std::atomic<int>>(0);
  answers->push_back(std::nullopt);
  options.shared_budget = scripted_budget(answers, asked);
  auto client = make_client(io, options);
  const Timed sent = send(io, client, read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_LT(sent.elapsed, 250ms);
  EXPECT_EQ(asked->load(), 1);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(UpstreamResilience, ASharedTurnPastTheDeadlineIsRefusedAtOnceAndNothingIsSent) {
  ScriptedServer server(tls_server({}));
  Options options = options_for(server, pki);
  options.timeout = 500ms;
  auto answers = std::make_shared<std::deque<std::optional<std::chrono::microseconds>>>();
  auto asked = std::make_shared<std::atomic<int>>(0);
  answers->push_back(std::chrono::microseconds(2000000));
  options.shared_budget = scripted_budget(answers, asked);
  auto client = make_client(io, options);
  const Timed refused = send(io, client, read_request());
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.error().code, ErrorCode::rate_limited);
  EXPECT_NE(refused.result.error().detail.find("shared rate limit"), std::string::npos);
  EXPECT_LE(refused.elapsed, 200ms);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(UpstreamResilience, ConcurrencyLimitHoldsUnderAHundredConcurrentCallers) {
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int max_in_flight = 0;
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    {
      // Hold each request until four are in flight (or a while passed), so the limit is
      // actually reached; a fifth would show up as max_in_flight == 5.
      std::unique_lock lock(mutex);
      max_in_flight = std::max(max_in_flight, ++in_flight);
      changed.notify_all();
      changed.wait_for(lock, 100ms, [&] { return in_flight >= 4; });
    }
    exchange.respond(200, "ok");
    std::lock_guard lock(mutex);
    --in_flight;
  }));
  Options options = options_for(server, pki);
  options.max_concurrency = 4;
  options.max_connections = 16;
  options.timeout = 30s;
  auto client = make_client(io, options);
  const auto results = send_concurrently(io, client, read_request(), 100);
  for (const auto& timed : results) ASSERT_TRUE(timed.result.ok()) << timed.result.error().detail;
  EXPECT_EQ(max_in_flight, 4);
  EXPECT_LE(server.connections_accepted(), 4);
  EXPECT_EQ(client->stats().in_flight, 0u);
}

}  // namespace
}  // namespace coinfan::upstream_testing
