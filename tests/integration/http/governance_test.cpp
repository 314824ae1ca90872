// Connection governance of the HTTP server over real loopback sockets: the header timeout of
// a new connection, one deadline per request, 408 for a slow body, lingering close, the
// per-client connection and request-rate limits, the reserve for the operational endpoints,
// and guards that run before routing.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <future>
#include <memory>

#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::http {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using testing::get_request;
using testing::HttpTestServer;
using testing::RawConnection;
using testing::read_until_closed;

// A handler that never completes on its own (it waits on a timer of an hour).
asio::awaitable<Response> never_handler() {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return json_response(200, "{}");
}

std::shared_ptr<Router> governance_router() {
  auto router = std::make_shared<Router>();
  router->add("GET", "/healthz", sync_handler([](const Request&) { return json_response(200, R"({"status":"ok"})"); }));
  router->add("GET", "/work", sync_handler([](const Request& request) {
                boost::json::object body;
                body["client"] = request.client_address;
                return json_response(200, boost::json::serialize(body));
              }));
  router->add("POST", "/never", [](const Request&) { return never_handler(); });
  router->add("POST", "/echo", sync_handler([](const Request& request) { return json_response(200, request.body); }));
  return router;
}

ServerOptions governance_options() {
  ServerOptions options;
  options.max_body_bytes = 1024;
  options.max_header_bytes = 4096;
  return options;
}

bool readable_within(RawConnection& connection, std::chrono::milliseconds timeout) {
  pollfd fd{connection.socket().native_handle(), POLLIN, 0};
  return ::poll(&fd, 1, static_cast<int>(timeout.count())) > 0;
}

template <typename Predicate>
bool eventually(Predicate predicate) {
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!predicate()) {
    if (Clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

// A new connection that never sends a byte is closed after header_timeout, not idle_timeout.
TEST(HttpGovernance, SilentNewConnectionIsClosedAtTheHeaderTimeout) {
  auto options = governance_options();
  options.header_timeout = std::chrono::milliseconds(300);
  options.idle_timeout = std::chrono::seconds(60);
  options.request_timeout = std::chrono::seconds(60);
  HttpTestServer server(options, governance_router());
  const auto started = Clock::now();
  RawConnection silent(server.port());
  const auto seen = read_until_closed(silent, std::chrono::seconds(10));
  const auto elapsed = Clock::now() - started;
  EXPECT_TRUE(seen.closed);
  EXPECT_TRUE(seen.bytes.empty()) << seen.bytes;  // no answer for a client that said nothing
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// Between keep-alive requests the idle timeout applies, not the header timeout.
TEST(HttpGovernance, KeepAliveWaitIsNotCutByTheHeaderTimeout) {
  auto options = governance_options();
  options.header_timeout = std::chrono::milliseconds(100);
  options.idle_timeout = std::chrono::seconds(60);
  HttpTestServer server(options, governance_router());
  RawConnection connection(server.port());
  connection.send(get_request("/healthz"));
  ASSERT_TRUE(connection.read_response());
  // Four header timeouts pass without a byte from either side; the connection stays usable.
  EXPECT_FALSE(readable_within(connection, std::chrono::milliseconds(400)));
  connection.send(get_request("/healthz"));
  auto again = connection.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->result_int(), 200u);
}

// A body that does not arrive within the request timeout is answered 408, then closed.
TEST(HttpGovernance, SlowBodyIsAnswered408) {
  auto options = governance_options();
  options.request_timeout = std::chrono::milliseconds(300);
  HttpTestServer server(options, governance_router());
  RawConnection connection(server.port());
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
  const auto seen = read_until_closed(connection, std::chrono::seconds(10));
  EXPECT_TRUE(seen.closed);
  EXPECT_FALSE(seen.reset);
  EXPECT_TRUE(seen.bytes.starts_with("HTTP/1.1 408 ")) << seen.bytes;
  EXPECT_NE(seen.bytes.find("\"code\":\"request_timeout\""), std::string::npos) << seen.bytes;
  EXPECT_NE(seen.bytes.find("Connection: close"), std::string::npos) << seen.bytes;
}

// request_timeout bounds reading and handling together: a handler that never finishes gets
// its 504 at the request's deadline counted from the first byte, not a fresh request_timeout
// after the body arrived.
TEST(HttpGovernance, OneDeadlineCoversReadingAndHandling) {
  auto options = governance_options();
  options.request_timeout = std::chrono::milliseconds(800);
  HttpTestServer server(options, governance_router());
  RawConnection connection(server.port());
  const auto first_byte = Clock::now();
  connection.send("POST /never HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
  // Half the request timeout passes before the body is complete.
  ASSERT_FALSE(readable_within(connection, std::chrono::milliseconds(400)));
  connection.send("cd");
  const auto body_done = Clock::now();
  auto response = connection.read_response();
  const auto answered = Clock::now();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 504u);
  EXPECT_GE(answered - first_byte, std::chrono::milliseconds(750));
  // Separate budgets would answer only request_timeout after the body.
  EXPECT_LT(answered - body_done, std::chrono::milliseconds(700));
}

// After the answer and the end of stream, a client still sending (the rest of its body) must
// not be reset: a server that closed with unread input answers those bytes with a reset.
bool still_sending_meets_reset(RawConnection& connection) {
  const std::string more(1000, 'm');
  boost::system::error_code ec;
  asio::write(connection.socket(), asio::buffer(more), ec);
  if (ec) return true;
  char byte = 0;
  const auto n = ::recv(connection.socket().native_handle(), &byte, 1, 0);
  return n < 0 && errno == ECONNRESET;
}

// After 413 the server shuts its side down and reads the rest away: the client reads the
// answer and then an orderly end of stream, not a reset caused by the unread body.
TEST(HttpGovernance, LingeringCloseAfter413) {
  HttpTestServer server(governance_options(), governance_router());
  RawConnection connection(server.port());
  const std::string body(60000, 'b');
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n" + body);
  const auto seen = read_until_closed(connection, std::chrono::seconds(10));
  EXPECT_TRUE(seen.bytes.starts_with("HTTP/1.1 413 ")) << seen.bytes;
  EXPECT_TRUE(seen.closed);
  EXPECT_FALSE(seen.reset) << "the connection was reset";
  EXPECT_FALSE(still_sending_meets_reset(connection));
}

TEST(HttpGovernance, LingeringCloseAfter400) {
  HttpTestServer server(governance_options(), governance_router());
  RawConnection connection(server.port());
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" + std::string(50000, 'j'));
  const auto seen = read_until_closed(connection, std::chrono::seconds(10));
  EXPECT_TRUE(seen.bytes.starts_with("HTTP/1.1 400 ")) << seen.bytes;
  EXPECT_TRUE(seen.closed);
  EXPECT_FALSE(seen.reset) << "the connection was reset";
  EXPECT_FALSE(still_sending_meets_reset(connection));
}

// Lingering is bounded: a client that keeps the connection open without sending is let go at
// linger_timeout.
TEST(HttpGovernance, LingeringIsBoundedInTime) {
  auto options = governance_options();
  options.linger_timeout = std::chrono::milliseconds(200);
  HttpTestServer server(options, governance_router());
  RawConnection connection(server.port());
  connection.send("GET /healthz HTTP/1.1\r\n\r\n");  // no Host: 400
  ASSERT_TRUE(connection.read_response());
  EXPECT_TRUE(eventually([&] { return server.server().stats().active_connections == 0; }));
}

TEST(HttpGovernance, PerClientConnectionLimitAnswers429) {
  auto options = governance_options();
  options.max_connections_per_client = 2;
  HttpTestServer server(options, governance_router());
  RawConnection first(server.port());
  RawConnection second(server.port());
  for (auto* connection : {&first, &second}) {
    connection->send(get_request("/healthz"));
    ASSERT_TRUE(connection->read_response());
  }
  RawConnection third(server.port());
  auto refused = third.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 429u);
  EXPECT_NE(refused->body().find("\"code\":\"too_many_connections\""), std::string::npos);
  EXPECT_TRUE(third.closed_by_peer());
  EXPECT_EQ(server.server().stats().rejected_per_client, 1u);

  // A closed connection gives its slot back.
  second.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(second.read_response());
  ASSERT_TRUE(eventually([&] { return server.server().stats().active_connections == 1; }));
  RawConnection again(server.port());
  again.send(get_request("/healthz"));
  auto served = again.read_response();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->result_int(), 200u);
}

TEST(HttpGovernance, TrustedProxyPeersAreExemptFromTheConnectionLimit) {
  auto options = governance_options();
  options.max_connections_per_client = 1;
  options.trusted_proxies.push_back(*Cidr::parse("127.0.0.1/32"));
  HttpTestServer server(options, governance_router());
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 3; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server.port()));
    connections.back()->send(get_request("/healthz"));
    auto response = connections.back()->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
  }
}

TEST(HttpGovernance, RequestRateLimitPerClientAnswers429) {
  auto options = governance_options();
  options.client_rate_limit_rps = 1;
  options.client_rate_limit_burst = 2;
  HttpTestServer server(options, governance_router());
  RawConnection connection(server.port());
  std::vector<unsigned> statuses;
  for (int i = 0; i < 3; ++i) {
    connection.send(get_request("/work"));
    auto response = connection.read_response();
    ASSERT_TRUE(response);
    statuses.push_back(response->result_int());
    if (i == 2) {
      EXPECT_EQ(response->at(boost::beast::http::field::retry_after), "1");
      EXPECT_NE(response->body().find("\"code\":\"rate_limited\""), std::string::npos);
      EXPECT_TRUE(response->keep_alive());
    }
  }
  EXPECT_EQ(statuses, (std::vector<unsigned>{200, 200, 429}));
  EXPECT_EQ(server.server().stats().rate_limited, 1u);
}

// Behind a trusted proxy the limit is keyed on the forwarded client; the proxy's own requests
// (a trusted client address) are not limited.
TEST(HttpGovernance, RateLimitBehindATrustedProxyIsPerForwardedClient) {
  auto options = governance_options();
  options.client_rate_limit_rps = 1;
  options.client_rate_limit_burst = 1;
  options.trusted_proxies.push_back(*Cidr::parse("127.0.0.1/32"));
  HttpTestServer server(options, governance_router());
  RawConnection proxy(server.port());
  auto status = [&](std::string_view forwarded) {
    proxy.send(get_request("/work", forwarded.empty() ? std::string() : "X-Forwarded-For: " + std::string(forwarded) + "\r\n"));
    auto response = proxy.read_response();
    return response ? response->result_int() : 0u;
  };
  EXPECT_EQ(status("203.0.113.1"), 200u);
  EXPECT_EQ(status("203.0.113.1"), 429u);
  EXPECT_EQ(status("203.0.113.2"), 200u);  // another client has its own bucket
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status(""), 200u) << "the proxy itself, request " << i;
}

// With the general pool full, the reserve still serves the operational endpoints (one request
// per connection) and refuses everything else; beyond the reserve connections get 503.
TEST(HttpGovernance, ReserveServesOperationalEndpointsWhenThePoolIsFull) {
  auto options = governance_options();
  options.max_connections = 1;
  options.reserved_connections = 1;
  options.reserved_paths = {"/healthz"};
  HttpTestServer server(options, governance_router());
  RawConnection general(server.port());
  general.send(get_request("/work"));
  ASSERT_TRUE(general.read_response());

  RawConnection health(server.port());
  health.send(get_request("/healthz"));
  auto healthy = health.read_response();
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->result_int(), 200u);
  EXPECT_FALSE(healthy->keep_alive());
  EXPECT_TRUE(health.closed_by_peer());
  ASSERT_TRUE(eventually([&] { return server.server().stats().reserved_active == 0; }));

  RawConnection other(server.port());
  other.send(get_request("/work"));
  auto refused = other.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 503u);
  EXPECT_NE(refused->body().find("\"code\":\"overloaded\""), std::string::npos);
  ASSERT_TRUE(eventually([&] { return server.server().stats().reserved_active == 0; }));

  RawConnection holding(server.port());  // takes the reserve and sends nothing
  ASSERT_TRUE(eventually([&] { return server.server().stats().reserved_active == 1; }));
  RawConnection beyond(server.port());
  auto overloaded = beyond.read_response();
  ASSERT_TRUE(overloaded);
  EXPECT_EQ(overloaded->result_int(), 503u);

  // A client idling in the reserve is let go within a second (not after header_timeout).
  const auto idling = Clock::now();
  EXPECT_TRUE(holding.closed_by_peer());
  EXPECT_LT(Clock::now() - idling, std::chrono::seconds(3));

  // The general connection is unaffected.
  general.send(get_request("/work"));
  auto still = general.read_response();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->result_int(), 200u);
}

// A guard runs before routing: a refused request gets the guard's answer whether the path
// exists, exists with another method, or does not exist at all.
TEST(HttpGovernance, GuardsRunBeforeRouting) {
  auto router = governance_router();
  router->add("GET", "/v1/thing", sync_handler([](const Request&) { return json_response(200, "{}"); }));
  router->guard("/v1/", [](const Request& request) -> std::optional<Response> {
    if (request.header("X-Key") == "yes") return std::nullopt;
    return problem(401, "unauthorized", "no key");
  });
  HttpTestServer server(governance_options(), router);
  RawConnection connection(server.port());
  for (const char* request : {"GET /v1/thing HTTP/1.1\r\nHost: x\r\n\r\n", "DELETE /v1/thing HTTP/1.1\r\nHost: x\r\n\r\n",
                              "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n", "GET /v1/th%69ng HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    connection.send(request);
    auto response = connection.read_response();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->result_int(), 401u) << request;
  }
  connection.send("DELETE /v1/thing HTTP/1.1\r\nHost: x\r\nX-Key: yes\r\n\r\n");
  auto allowed = connection.read_response();
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->result_int(), 405u);
  // Paths outside the prefix are not guarded.
  connection.send(get_request("/healthz"));
  auto open = connection.read_response();
  ASSERT_TRUE(open);
  EXPECT_EQ(open->result_int(), 200u);
}

}  // namespace
}  // namespace coinfan::http
