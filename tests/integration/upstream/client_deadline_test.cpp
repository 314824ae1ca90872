// Deadlines and cancellation: each hanging step ends at its own deadline (plus a small margin),
// the whole request at its overall deadline, and a caller's cancel returns at once.

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <variant>

#include "integration/upstream/client_harness.hpp"

namespace coinfan::upstream_testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Generous for a loaded 2-core machine, still far below any retry or default timeout.
constexpr milliseconds kMargin{700};

void expect_deadline(const Timed& timed, milliseconds deadline, std::string_view detail_part) {
  ASSERT_FALSE(timed.result.ok());
  EXPECT_EQ(timed.result.error().code, ErrorCode::timeout) << timed.result.error().detail;
  EXPECT_NE(timed.result.error().detail.find(detail_part), std::string::npos)
      << timed.result.error().detail;
  EXPECT_GE(timed.elapsed, deadline - 5ms);
  EXPECT_LE(timed.elapsed, deadline + kMargin);
  std::printf("[ timing   ] deadline %4lld ms, returned after %4lld ms: %s\n",
              static_cast<long long>(deadline.count()),
              static_cast<long long>(timed.elapsed.count()), timed.result.error().detail.c_str());
}

class UpstreamDeadline : public ::testing::Test {
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
  static ScriptedServer::Config bare(ScriptedServer::Mode mode) {
    ScriptedServer::Config config;
    config.mode = mode;
    return config;
  }
};

TEST_F(UpstreamDeadline, ServerThatNeverAcceptsHitsTheConnectDeadline) {
  ScriptedServer server(bare(ScriptedServer::Mode::never_accept));
  Options options = options_for(server, pki);
  options.base_url = server.https_url("127.0.0.1");
  options.connect_timeout = 300ms;
  options.retries = 0;
  Timed timed = send(io, make_client(io, options), read_request());
  expect_deadline(timed, 300ms, "connect");
}

TEST_F(UpstreamDeadline, ServerThatNeverFinishesTheHandshakeHitsTheHandshakeDeadline) {
  ScriptedServer server(bare(ScriptedServer::Mode::accept_no_handshake));
  Options options = options_for(server, pki);
  options.handshake_timeout = 300ms;
  options.retries = 0;
  Timed timed = send(io, make_client(io, options), read_request());
  expect_deadline(timed, 300ms, "TLS handshake");
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(UpstreamDeadline, ServerThatNeverAnswersHitsTheRequestDeadline) {
  ScriptedServer server(tls_server([](Exchange& exchange) { exchange.hold(); }));
  Options options = options_for(server, pki);
  options.timeout = 500ms;
  Timed timed = send(io, make_client(io, options), read_request());
  expect_deadline(timed, 500ms, "reading the response");
  EXPECT_EQ(server.request_count(), 1u);  // the deadline left no room for a retry
}

TEST_F(UpstreamDeadline, RetriesStayWithinTheOverallDeadline) {
  ScriptedServer server(bare(ScriptedServer::Mode::never_accept));
  Options options = options_for(server, pki);
  options.base_url = server.https_url("127.0.0.1");
  options.connect_timeout = 200ms;
  options.timeout = 700ms;
  options.retries = 100;
  auto client = make_client(io, options);
  Timed timed = send(io, client, read_request());
  // Several connect attempts fit; the call still ends at the request's deadline.
  expect_deadline(timed, 700ms, "request deadline of 700 ms");
  EXPECT_GE(client->stats().retries, 2u);
}

TEST_F(UpstreamDeadline, PerRequestTimeoutOverridesTheDefault) {
  ScriptedServer server(tls_server([](Exchange& exchange) { exchange.hold(); }));
  Options options = options_for(server, pki);
  options.timeout = 30s;
  Request request = read_request();
  request.timeout = 300ms;
  Timed timed = send(io, make_client(io, options), request);
  expect_deadline(timed, 300ms, "request deadline of 300 ms");
}

TEST_F(UpstreamDeadline, CancellingACallInFlightReturnsPromptlyAndFreesItsConnection) {
  asio::cancellation_signal cancel;
  std::atomic<SteadyClock::rep> cancelled_at{0};
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    if (exchange.request().target == "/hang") {
      // The request is in flight: cancel it from the client's own thread.
      asio::post(io, [&] {
        cancelled_at = SteadyClock::now().time_since_epoch().count();
        cancel.emit(asio::cancellation_type::terminal);
      });
      exchange.hold();
      return;
    }
    exchange.respond(200, "ok");
  }));
  Options options = options_for(server, pki);
  options.max_connections = 1;  // a leaked connection would block the next call
  options.timeout = 20s;
  auto client = make_client(io, options);

  std::optional<Timed> out;
  asio::co_spawn(io, send_into(client, read_request("/hang"), &out),
                 asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  run_until(io, [&] { return out.has_value(); });
  const auto returned = SteadyClock::now();
  ASSERT_TRUE(out);
  ASSERT_FALSE(out->result.ok());
  EXPECT_EQ(out->result.error().code, ErrorCode::cancelled) << out->result.error().detail;
  const auto after_cancel = std::chrono::duration_cast<milliseconds>(
      returned - SteadyClock::time_point(SteadyClock::duration(cancelled_at.load())));
  EXPECT_LE(after_cancel, 300ms);
  std::printf("[ timing   ] cancel returned %lld ms after the cancel\n",
              static_cast<long long>(after_cancel.count()));

  // The socket was closed, not parked in the pool.
  EXPECT_TRUE(server.wait_until([&] { return server.connections_closed_by_peer() == 1; }));
  EXPECT_EQ(client->stats().connections_open, 0u);
  EXPECT_EQ(client->stats().errors_of(ErrorCode::cancelled), 1u);
  Timed next = send(io, client, read_request("/next"));
  ASSERT_TRUE(next.result.ok()) << next.result.error().detail;
}

asio::awaitable<void> race_with_timer(std::shared_ptr<Client> client, milliseconds limit,
                                      std::optional<std::size_t>* winner) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto result =
      co_await (client->send(read_request("/hang")) || timer.async_wait(asio::use_awaitable));
  *winner = result.index();
}

TEST_F(UpstreamDeadline, FanOutDeadlineWithAwaitableOperatorsCancelsTheCall) {
  ScriptedServer server(tls_server([](Exchange& exchange) { exchange.hold(); }));
  Options options = options_for(server, pki);
  options.timeout = 20s;
  auto client = make_client(io, options);
  std::optional<std::size_t> winner;
  const auto start = SteadyClock::now();
  asio::co_spawn(io, race_with_timer(client, 300ms, &winner), asio::detached);
  run_until(io, [&] { return winner.has_value(); });
  const auto elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  EXPECT_EQ(*winner, 1u);  // the timer won
  EXPECT_LE(elapsed, 300ms + kMargin);
  EXPECT_EQ(client->stats().errors_of(ErrorCode::cancelled), 1u);
  EXPECT_EQ(client->stats().in_flight, 0u);
  EXPECT_TRUE(server.wait_until([&] { return server.connections_closed_by_peer() == 1; }));
}

TEST_F(UpstreamDeadline, CancellingACallWaitingForAConcurrencySlotReturnsAtOnce) {
  ScriptedServer server(tls_server([](Exchange& exchange) { exchange.hold(); }));
  Options options = options_for(server, pki);
  options.max_concurrency = 1;
  options.timeout = 20s;
  auto client = make_client(io, options);

  asio::cancellation_signal cancel_first;
  asio::cancellation_signal cancel_second;
  std::optional<Timed> first;
  std::optional<Timed> second;
  asio::co_spawn(io, send_into(client, read_request("/first"), &first),
                 asio::bind_cancellation_slot(cancel_first.slot(), asio::detached));
  asio::co_spawn(io, send_into(client, read_request("/second"), &second),
                 asio::bind_cancellation_slot(cancel_second.slot(), asio::detached));
  // Once the first request reached the server, the second one is parked behind it.
  run_until(io, [&] { return server.request_count() == 1; });
  cancel_second.emit(asio::cancellation_type::terminal);
  run_until(io, [&] { return second.has_value(); });
  ASSERT_FALSE(second->result.ok());
  EXPECT_EQ(second->result.error().code, ErrorCode::cancelled);
  EXPECT_FALSE(first.has_value());  // the first call is unaffected
  EXPECT_EQ(server.request_count(), 1u);

  cancel_first.emit(asio::cancellation_type::terminal);
  run_until(io, [&] { return first.has_value(); });
  EXPECT_EQ(first->result.error().code, ErrorCode::cancelled);
}

TEST_F(UpstreamDeadline, WaitingForAConcurrencySlotCountsAgainstTheDeadline) {
  ScriptedServer server(tls_server([](Exchange& exchange) { exchange.hold(); }));
  Options options = options_for(server, pki);
  options.max_concurrency = 1;
  options.timeout = 20s;
  auto client = make_client(io, options);
  asio::cancellation_signal cancel_first;
  std::optional<Timed> first;
  asio::co_spawn(io, send_into(client, read_request("/first"), &first),
                 asio::bind_cancellation_slot(cancel_first.slot(), asio::detached));
  run_until(io, [&] { return server.request_count() == 1; });

  Request waiting = read_request("/second");
  waiting.timeout = 300ms;
  Timed timed = send(io, client, waiting);
  expect_deadline(timed, 300ms, "concurrency slot");
  cancel_first.emit(asio::cancellation_type::terminal);
  run_until(io, [&] { return first.has_value(); });
}

}  // namespace
}  // namespace coinfan::upstream_testing
