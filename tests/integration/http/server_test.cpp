// The HTTP server over real loopback sockets: keep-alive, pipelining, limits, errors, draining.
// Every test runs twice: on one I/O thread, where connections run without a strand, and on
// two, where each connection's strand keeps its steps apart.

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <future>
#include <mutex>

#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::http {
namespace {

namespace asio = boost::asio;
using testing::RawConnection;
using testing::get_request;
using testing::HttpTestServer;

// Lets a test hold a request inside its handler and release it when it chooses.
struct HeldRequest {
  std::promise<void> entered;
  std::mutex mutex;
  asio::steady_timer* timer = nullptr;

  void release() {
    std::lock_guard lock(mutex);
    if (timer != nullptr) asio::post(timer->get_executor(), [t = timer] { t->cancel(); });
  }
};

asio::awaitable<Response> held_handler(std::shared_ptr<HeldRequest> held) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
  {
    std::lock_guard lock(held->mutex);
    held->timer = &timer;
  }
  held->entered.set_value();
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  {
    std::lock_guard lock(held->mutex);
    held->timer = nullptr;
  }
  co_return json_response(200, std::string(100000, 'x'));
}

std::shared_ptr<Router> test_router(std::shared_ptr<HeldRequest> held = nullptr) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/echo/{name}", sync_handler([](const Request& request) {
                boost::json::object body;
                body["name"] = request.path_params.at("name");
                body["query"] = request.query;
                body["client"] = request.client_address;
                return json_response(200, boost::json::serialize(body));
              }));
  router->add("POST", "/echo/{name}", sync_handler([](const Request& request) {
                return json_response(200, request.body);
              }));
  router->add("GET", "/healthz", sync_handler([](const Request&) { return json_response(200, R"({"status":"ok"})"); }));
  if (held) router->add("GET", "/held", [held](const Request&) { return held_handler(held); });
  return router;
}

ServerOptions small_limits() {
  ServerOptions options;
  options.max_header_bytes = 4096;
  options.max_body_bytes = 1024;
  return options;
}

boost::json::object json_body(const std::string& body) { return boost::json::parse(body).as_object(); }

// The parameter: how many threads run the server's io_context (ServerOptions::io_threads).
class HttpServer : public ::testing::TestWithParam<unsigned> {};

INSTANTIATE_TEST_SUITE_P(IoThreads, HttpServer, ::testing::Values(1u, 2u),
                         [](const ::testing::TestParamInfo<unsigned>& info) {
                           return info.param == 1 ? std::string("OneThreadNoStrand") : std::string("TwoThreads");
                         });

TEST_P(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  for (int i = 0; i < 3; ++i) {
    connection.send(get_request("/echo/n" + std::to_string(i)));
    auto response = connection.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_TRUE(response->keep_alive());
    EXPECT_EQ(json_body(response->body()).at("name").as_string(), "n" + std::to_string(i));
  }
}

TEST_P(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  std::string batch;
  for (int i = 0; i < 5; ++i) batch += get_request("/echo/p" + std::to_string(i));
  connection.send(batch);
  for (int i = 0; i < 5; ++i) {
    auto response = connection.read_response();
    ASSERT_TRUE(response) << "response " << i;
    EXPECT_EQ(json_body(response->body()).at("name").as_string(), "p" + std::to_string(i));
  }
}

TEST_P(HttpServer, HeadReturnsGetHeadersWithoutBody) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/healthz"));
  auto get = connection.read_response();
  ASSERT_TRUE(get);
  connection.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result_int(), 200u);
  EXPECT_EQ(head->at(boost::beast::http::field::content_length), std::to_string(get->body().size()));
  EXPECT_TRUE(head->body().empty());
  // The connection is still usable: no stray body bytes were sent after the HEAD response.
  connection.send(get_request("/echo/after"));
  auto after = connection.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(json_body(after->body()).at("name").as_string(), "after");
}

TEST_P(HttpServer, UnknownPathIsProblem404) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/nope"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404u);
  EXPECT_EQ(response->at(boost::beast::http::field::content_type), "application/problem+json");
  auto body = json_body(response->body());
  EXPECT_EQ(body.at("status").as_int64(), 404);
  EXPECT_EQ(body.at("code").as_string(), "not_found");
  EXPECT_TRUE(body.contains("type"));
  EXPECT_TRUE(body.contains("title"));
  EXPECT_TRUE(body.contains("detail"));
}

TEST_P(HttpServer, WrongMethodIs405WithAllow) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send("DELETE /echo/x HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 405u);
  EXPECT_EQ(response->at(boost::beast::http::field::allow), "GET, HEAD, POST");
  EXPECT_EQ(json_body(response->body()).at("code").as_string(), "method_not_allowed");
}

TEST_P(HttpServer, OversizedHeadersAre431) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/healthz", "X-Big: " + std::string(8000, 'a') + "\r\n"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_EQ(json_body(response->body()).at("code").as_string(), "header_too_large");
  EXPECT_TRUE(connection.closed_by_peer());
}

TEST_P(HttpServer, OversizedBodyIs413) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  const std::string body(2000, 'b');
  connection.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + body);
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_EQ(json_body(response->body()).at("code").as_string(), "body_too_large");
}

TEST_P(HttpServer, BodyWithinLimitIsDelivered) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "{\"a\":1}");
}

TEST_P(HttpServer, MalformedRequestIs400) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_EQ(json_body(response->body()).at("code").as_string(), "bad_request");
  EXPECT_TRUE(connection.closed_by_peer());
}

TEST_P(HttpServer, QueryStringReachesHandlerAndPathIsDecoded) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/echo/a%20b?x=1&y=%2F"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  auto body = json_body(response->body());
  EXPECT_EQ(body.at("name").as_string(), "a b");
  EXPECT_EQ(body.at("query").as_string(), "x=1&y=%2F");
}

TEST_P(HttpServer, RequestIdIsEchoedWhenSaneAndGeneratedOtherwise) {
  HttpTestServer server(small_limits(), test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/healthz", "X-Request-Id: abc-123.def\r\n"));
  auto echoed = connection.read_response();
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->at("X-Request-Id"), "abc-123.def");

  connection.send(get_request("/healthz", "X-Request-Id: bad id\"with{junk}\r\n"));
  auto replaced = connection.read_response();
  ASSERT_TRUE(replaced);
  const std::string generated(replaced->at("X-Request-Id"));
  EXPECT_EQ(generated.size(), 32u);
  EXPECT_EQ(generated.find_first_not_of("0123456789abcdef"), std::string::npos);

  connection.send(get_request("/nope"));
  auto missing = connection.read_response();
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->at("X-Request-Id").size(), 32u);
  EXPECT_NE(std::string(missing->at("X-Request-Id")), generated);
}

TEST_P(HttpServer, TricklingClientIsCutOffAtRequestTimeout) {
  auto options = small_limits();
  options.request_timeout = std::chrono::milliseconds(400);
  options.idle_timeout = std::chrono::seconds(30);
  HttpTestServer server(options, test_router(), GetParam());
  RawConnection connection(server.port());
  const std::string request = get_request("/healthz", "X-Padding: " + std::string(200, 'p') + "\r\n");
  const auto started = std::chrono::steady_clock::now();
  bool cut_off = false;
  // Send one byte, then wait up to 50 ms for the server to react; a per-read timeout would
  // never fire because a byte always arrives in time.
  for (std::size_t i = 0; i < request.size() && !cut_off; ++i) {
    boost::system::error_code ec;
    boost::asio::write(connection.socket(), boost::asio::buffer(&request[i], 1), ec);
    if (ec) break;
    pollfd fd{connection.socket().native_handle(), POLLIN, 0};
    cut_off = ::poll(&fd, 1, 50) > 0;
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(cut_off) << "the whole request trickled through";
  EXPECT_TRUE(connection.closed_by_peer());
  EXPECT_GE(elapsed, std::chrono::milliseconds(350));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_P(HttpServer, ConnectionLimitRefusesExcessWith503) {
  auto options = small_limits();
  options.max_connections = 2;
  options.reserved_connections = 0;  // no reserve: the third connection is refused at once
  HttpTestServer server(options, test_router(), GetParam());
  RawConnection first(server.port());
  RawConnection second(server.port());
  for (auto* connection : {&first, &second}) {
    connection->send(get_request("/healthz"));
    ASSERT_TRUE(connection->read_response());
  }
  RawConnection third(server.port());
  auto refused = third.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 503u);
  EXPECT_EQ(json_body(refused->body()).at("code").as_string(), "overloaded");
  EXPECT_TRUE(third.closed_by_peer());
  EXPECT_EQ(server.server().stats().rejected_connections, 1u);

  // The admitted connections keep working.
  first.send(get_request("/healthz"));
  auto still = first.read_response();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->result_int(), 200u);
}

TEST_P(HttpServer, SlotFreedByClosedConnectionIsReused) {
  auto options = small_limits();
  options.max_connections = 1;
  HttpTestServer server(options, test_router(), GetParam());
  {
    RawConnection first(server.port());
    first.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(first.read_response());
    EXPECT_TRUE(first.closed_by_peer());
  }
  // The session ends after the close; wait for the server to account for it.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.server().stats().active_connections != 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  RawConnection next(server.port());
  next.send(get_request("/healthz"));
  auto response = next.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_P(HttpServer, DrainFinishesRequestInFlightAndClosesIdleConnections) {
  auto held = std::make_shared<HeldRequest>();
  HttpTestServer server(small_limits(), test_router(held), GetParam());
  std::promise<void> drained;
  server.server().on_drained([&drained] { drained.set_value(); });

  RawConnection idle(server.port());
  idle.send(get_request("/healthz"));
  ASSERT_TRUE(idle.read_response());

  RawConnection busy(server.port());
  busy.send(get_request("/held"));
  held->entered.get_future().wait();

  server.server().begin_drain();
  EXPECT_TRUE(server.server().draining());
  EXPECT_TRUE(idle.closed_by_peer());

  held->release();
  auto response = busy.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body().size(), 100000u);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_EQ(drained.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);

  // No new connection is served once draining.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket probe(io);
  boost::system::error_code ec;
  probe.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()}, ec);
  EXPECT_TRUE(ec) << "the listener should be closed";
}

TEST_P(HttpServer, HandlerOverrunningRequestTimeoutGets504) {
  auto held = std::make_shared<HeldRequest>();
  auto options = small_limits();
  options.request_timeout = std::chrono::milliseconds(300);
  HttpTestServer server(options, test_router(held), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/held"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 504u);
  EXPECT_EQ(json_body(response->body()).at("code").as_string(), "timeout");
}

TEST_P(HttpServer, ForwardedForIsTrustedOnlyFromTrustedProxies) {
  auto options = small_limits();
  HttpTestServer untrusted(options, test_router(), GetParam());
  RawConnection a(untrusted.port());
  a.send(get_request("/echo/x", "X-Forwarded-For: 203.0.113.9\r\n"));
  auto direct = a.read_response();
  ASSERT_TRUE(direct);
  EXPECT_EQ(json_body(direct->body()).at("client").as_string(), "127.0.0.1");

  options.trusted_proxies.push_back(*Cidr::parse("127.0.0.1/32"));
  HttpTestServer trusted(options, test_router(), GetParam());
  RawConnection b(trusted.port());
  b.send(get_request("/echo/x", "X-Forwarded-For: 203.0.113.9, 127.0.0.1\r\n"));
  auto proxied = b.read_response();
  ASSERT_TRUE(proxied);
  EXPECT_EQ(json_body(proxied->body()).at("client").as_string(), "203.0.113.9");
}

TEST_P(HttpServer, CorsHeadersOnlyForAllowedOrigins) {
  auto options = small_limits();
  options.cors_allowed_origins = {"https://dash.example.com"};
  HttpTestServer server(options, test_router(), GetParam());
  RawConnection connection(server.port());
  connection.send(get_request("/healthz", "Origin: https://dash.example.com\r\n"));
  auto allowed = connection.read_response();
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->at("Access-Control-Allow-Origin"), "https://dash.example.com");

  connection.send(get_request("/healthz", "Origin: https://evil.example.com\r\n"));
  auto other = connection.read_response();
  ASSERT_TRUE(other);
  EXPECT_EQ(other->count("Access-Control-Allow-Origin"), 0u);

  connection.send("OPTIONS /echo/x HTTP/1.1\r\nHost: x\r\nOrigin: https://dash.example.com\r\n"
                  "Access-Control-Request-Method: POST\r\n\r\n");
  auto preflight = connection.read_response();
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->result_int(), 204u);
  EXPECT_EQ(preflight->at("Access-Control-Allow-Methods"), "GET, HEAD, POST");
}

}  // namespace
}  // namespace coinfan::http
