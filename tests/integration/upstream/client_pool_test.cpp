// Connection pool of the upstream client: reuse, bounds, expiry, broken and stale connections.

#include <atomic>
#include <mutex>

#include "integration/upstream/client_harness.hpp"

namespace coinfan::upstream_testing {
namespace {

class UpstreamPool : public ::testing::Test {
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

TEST_F(UpstreamPool, ConnectionBrokenMidBodyIsDiscardedAndWriteIsNotRetried) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    if (calls.fetch_add(1) == 0) {
      exchange.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"partial\":");
      exchange.reset();
      return;
    }
    exchange.respond(200, "fine");
  }));
  auto client = make_client(io, options_for(server, pki));

  Timed broken = send(io, client, write_request());
  ASSERT_FALSE(broken.result.ok());
  EXPECT_EQ(broken.result.error().code, ErrorCode::unreachable) << broken.result.error().detail;
  EXPECT_EQ(server.request_count(), 1u);  // the write was sent once
  EXPECT_EQ(client->stats().connections_open, 0u);

  Timed next = send(io, client, read_request());
  ASSERT_TRUE(next.result.ok()) << next.result.error().detail;
  EXPECT_EQ(server.connections_accepted(), 2);  // the broken connection was not reused
}

TEST_F(UpstreamPool, ResetMidBodyOfAReadIsRetried) {
  std::atomic<int> calls{0};
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    if (calls.fetch_add(1) == 0) {
      exchange.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"partial\":");
      exchange.reset();
      return;
    }
    exchange.respond(200, "complete");
  }));
  auto client = make_client(io, options_for(server, pki));
  Timed sent = send(io, client, read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->body, "complete");
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(client->stats().retries, 1u);
}

// The server drops a kept-alive connection just as the next request arrives on it: the client
// cannot tell before sending, and no byte of response ever comes.
ScriptedServer::Handler drop_second_request_on_first_connection() {
  return [](Exchange& exchange) {
    if (exchange.request().connection == 1 && exchange.request().target == "/second") {
      exchange.close();
      return;
    }
    exchange.respond(200, "ok");
  };
}

TEST_F(UpstreamPool, ReadOnStalePooledConnectionIsRetriedOnceOnAFreshOne) {
  ScriptedServer server(tls_server(drop_second_request_on_first_connection()));
  Options options = options_for(server, pki);
  options.retries = 0;  // the stale-connection retry is separate from backoff retries
  auto client = make_client(io, options);
  ASSERT_TRUE(send(io, client, read_request("/first")).result.ok());
  Timed second = send(io, client, read_request("/second"));
  ASSERT_TRUE(second.result.ok()) << second.result.error().detail;
  EXPECT_EQ(server.request_count(), 3u);
  EXPECT_EQ(server.connections_accepted(), 2);
  EXPECT_EQ(server.requests().back().connection, 2);
  EXPECT_EQ(client->stats().tls_handshakes, 2u);
}

TEST_F(UpstreamPool, WriteOnStalePooledConnectionIsNotRetried) {
  ScriptedServer server(tls_server(drop_second_request_on_first_connection()));
  auto client = make_client(io, options_for(server, pki));
  ASSERT_TRUE(send(io, client, read_request("/first")).result.ok());
  Request write = write_request("/second");
  Timed second = send(io, client, write);
  ASSERT_FALSE(second.result.ok());
  EXPECT_EQ(second.result.error().code, ErrorCode::unreachable) << second.result.error().detail;
  EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(UpstreamPool, ConnectionClosedByTheServerWhileIdleIsNotUsedAgain) {
  ScriptedServer server(tls_server([](Exchange& exchange) {
    exchange.respond(200, "ok");
    exchange.close();  // keep-alive promised, then dropped while the client holds it idle
  }));
  auto client = make_client(io, options_for(server, pki));
  ASSERT_TRUE(send(io, client, read_request()).result.ok());
  ASSERT_TRUE(server.wait_until([&] { return server.connections_closed_by_server() == 1; }));
  // Even a write, which is never retried, succeeds: the dead connection is noticed before use.
  Timed write = send(io, client, write_request());
  ASSERT_TRUE(write.result.ok()) << write.result.error().detail;
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST_F(UpstreamPool, IdleConnectionsExpire) {
  ScriptedServer server(tls_server({}));
  FakeClock clock;
  Options options = options_for(server, pki);
  options.idle_timeout = std::chrono::seconds(30);
  options.hooks.now = clock.hook();
  auto client = make_client(io, options);

  ASSERT_TRUE(send(io, client, read_request()).result.ok());
  clock.advance(std::chrono::seconds(29));
  ASSERT_TRUE(send(io, client, read_request()).result.ok());
  EXPECT_EQ(server.connections_accepted(), 1);  // still fresh enough: reused

  clock.advance(std::chrono::seconds(31));
  ASSERT_TRUE(send(io, client, read_request()).result.ok());
  EXPECT_EQ(server.connections_accepted(), 2);  // expired: closed and replaced
  EXPECT_EQ(client->stats().connections_open, 1u);
  EXPECT_EQ(client->stats().tls_handshakes, 2u);
}

TEST_F(UpstreamPool, NumberOfConnectionsIsBounded) {
  std::mutex mutex;
  int in_flight = 0;
  int max_in_flight = 0;
  ScriptedServer server(tls_server([&](Exchange& exchange) {
    {
      std::lock_guard lock(mutex);
      max_in_flight = std::max(max_in_flight, ++in_flight);
    }
    exchange.respond(200, "ok");
    std::lock_guard lock(mutex);
    --in_flight;
  }));
  Options options = options_for(server, pki);
  options.max_connections = 2;
  options.max_concurrency = 0;  // only the pool limits
  auto client = make_client(io, options);
  const auto results = send_concurrently(io, client, read_request(), 20);
  for (const auto& timed : results) {
    ASSERT_TRUE(timed.result.ok()) << timed.result.error().detail;
  }
  EXPECT_LE(server.connections_accepted(), 2);
  EXPECT_LE(max_in_flight, 2);
  EXPECT_EQ(client->stats().connections_opened,
            static_cast<std::uint64_t>(server.connections_accepted()));
  EXPECT_LE(client->stats().connections_open, 2u);
}

}  // namespace
}  // namespace coinfan::upstream_testing
