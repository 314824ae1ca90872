// The read endpoints through the production HTTP server on loopback: status codes, content
// types, problem bodies, the cache seen from outside, and 1000 concurrent identical requests.

#include "api/view_routes.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "integration/aggregate/fake_gateway.hpp"
#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::aggregate::testing_support {
namespace {

using namespace std::chrono_literals;
using coinfan::testing::get_request;
using coinfan::testing::HttpTestServer;
using coinfan::testing::RawConnection;

class ViewRoutesTest : public ::testing::Test {
 protected:
  ~ViewRoutesTest() override {
    // Every request has been answered by now. The views' threads stop first: a thread that
    // has just resumed a request may still hold a copy of the server's executor, which must
    // not outlive the server's io_context.
    work_.reset();
    views_io_.stop();
    for (auto& thread : threads_) thread.join();
    server_.reset();
    for (auto& gateway : fakes_) gateway->forget_hung();
  }

  std::shared_ptr<FakeGateway> add_gateway(std::string id, std::vector<Balance> balances = {},
                                           std::chrono::milliseconds timeout = 5000ms) {
    auto gateway = std::make_shared<FakeGateway>(std::move(id));
    gateway->snapshot.balances = std::move(balances);
    fakes_.push_back(gateway);
    timeouts_.push_back(timeout);
    return gateway;
  }

  // Views on their own I/O threads, routes on the production server.
  void start(config::CacheConfig cache = {5000ms, 60000ms}) {
    std::vector<ViewGateway> list;
    for (std::size_t i = 0; i < fakes_.size(); ++i) list.push_back({fakes_[i], timeouts_[i]});
    views_ = make_views(std::move(list), cache, views_io_.get_executor(), clock_.view_clock());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { views_io_.run(); });
    auto router = std::make_shared<http::Router>();
    api::add_view_routes(*router, views_);
    server_ = std::make_unique<HttpTestServer>(http::ServerOptions{}, router);
  }

  using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

  HttpResponse get(std::string_view target) {
    RawConnection connection(server_->port());
    connection.send(get_request(target));
    auto response = connection.read_response();
    EXPECT_TRUE(response.has_value()) << target;
    return response ? std::move(*response) : HttpResponse{};
  }

  // Waits (bounded) for something other threads do; not a timer.
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

  asio::io_context views_io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(views_io_);
  std::vector<std::thread> threads_;
  ManualClock clock_;
  std::vector<std::shared_ptr<FakeGateway>> fakes_;
  std::vector<std::chrono::milliseconds> timeouts_;
  std::shared_ptr<Views> views_;
  std::unique_ptr<HttpTestServer> server_;
};

std::string header(const boost::beast::http::response<boost::beast::http::string_body>& response,
                   std::string_view name) {
  auto it = response.find(name);
  return it == response.end() ? std::string() : std::string(it->value());
}

TEST_F(ViewRoutesTest, BalancesAreJsonWithExactAmountsAndCachedBytesOnTheSecondCall) {
  add_gateway("ccp-main", {make_balance("USDT", "0.1")});
  add_gateway("ccp-second", {make_balance("USDT", "0.2")});
  add_gateway("cloud", {make_balance("USDT", ""), make_balance("ETH", "123456789012345678.901234")});
  start();
  auto first = get("/v1/balances");
  ASSERT_EQ(first.result_int(), 200u);
  EXPECT_EQ(header(first, "Content-Type"), "application/json");
  EXPECT_FALSE(header(first, "X-Request-Id").empty());
  EXPECT_TRUE(header(first, "Age").empty());
  const auto body = boost::json::parse(first.body());
  EXPECT_EQ(body.at("totals").at(0).at("asset").as_string(), "ETH");
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "123456789012345678.901234");
  EXPECT_EQ(body.at("totals").at(1).at("total").as_string(), "0.3");
  EXPECT_EQ(body.at("gateways").as_array().size(), 3u);

  clock_.advance(2500ms);
  auto second = get("/v1/balances");
  EXPECT_EQ(second.body(), first.body());
  EXPECT_EQ(header(second, "Age"), "2");
  for (const auto& fake : fakes_) EXPECT_EQ(fake->calls(), 1);

  RawConnection connection(server_->port());
  connection.send("HEAD /v1/balances HTTP/1.1\r\nHost: localhost\r\n\r\n");
  auto head = connection.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result_int(), 200u);
  EXPECT_TRUE(head->body().empty());
}

TEST_F(ViewRoutesTest, BadQueriesAreProblems) {
  add_gateway("a", {make_balance("BTC", "1")});
  start();
  for (const auto* target : {"/v1/balances?gateway=nope", "/v1/balances?gateway=a,nope", "/v1/balances?max_age_ms=-1",
                             "/v1/balances?max_age_ms=abc", "/v1/balances?asset=%24%24", "/v1/balances?currency=BTC",
                             "/v1/balances?gateway=", "/v1/prices?max_age_ms=1.5", "/v1/coins?gateway=a",
                             "/v1/gateways?gateway=a"}) {
    auto response = get(target);
    EXPECT_EQ(response.result_int(), 400u) << target;
    EXPECT_EQ(header(response, "Content-Type"), "application/problem+json") << target;
    const auto body = boost::json::parse(response.body());
    EXPECT_EQ(body.at("code").as_string(), "invalid_argument") << target;
    EXPECT_EQ(body.at("status").as_int64(), 400) << target;
  }
  EXPECT_EQ(fakes_[0]->calls(), 0);
}

TEST_F(ViewRoutesTest, EveryGatewayFailingIs502ProblemListingEachError) {
  add_gateway("a")->behave(Behaviour::fail(make_error(ErrorCode::tls_error, "certificate verify failed")));
  add_gateway("b")->behave(Behaviour::fail(make_error(ErrorCode::response_too_large, "body over 4 MiB")));
  start();
  auto response = get("/v1/balances");
  EXPECT_EQ(response.result_int(), 502u);
  EXPECT_EQ(header(response, "Content-Type"), "application/problem+json");
  const auto body = boost::json::parse(response.body());
  EXPECT_EQ(body.at("code").as_string(), "all_gateways_failed");
  EXPECT_EQ(body.at("gateways").at(0).at("error").at("code").as_string(), "tls_error");
  EXPECT_EQ(body.at("gateways").at(1).at("error").at("code").as_string(), "response_too_large");
}

TEST_F(ViewRoutesTest, AHungGatewayDelaysTheAnswerOnlyByItsTimeout) {
  add_gateway("fast", {make_balance("BTC", "1")});
  add_gateway("hung", {make_balance("BTC", "2")}, 300ms)->behave(Behaviour::hang_ignoring_cancellation());
  start();
  const auto started = std::chrono::steady_clock::now();
  auto response = get("/v1/balances");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 1500ms);
  ASSERT_EQ(response.result_int(), 200u);
  const auto body = boost::json::parse(response.body());
  EXPECT_EQ(body.at("complete").as_bool(), false);
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "1");
  EXPECT_EQ(body.at("gateways").at(1).at("error").at("code").as_string(), "timeout");
}

TEST_F(ViewRoutesTest, ThousandConcurrentIdenticalRequestsOnAColdCacheMakeOneCallPerGateway) {
  auto gate = std::make_shared<Gate>();
  for (const auto* id : {"a", "b", "c", "d", "e"}) {
    add_gateway(id, {make_balance("USDT", "1.5")})->behave(Behaviour::at_gate(gate));
  }
  start();
  constexpr int clients = 1000;
  std::vector<std::unique_ptr<RawConnection>> connections;
  connections.reserve(clients);
  for (int i = 0; i < clients; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server_->port()));
    connections.back()->send(get_request("/v1/balances?asset=usdt"));
  }
  ASSERT_TRUE(eventually([&] { return views_->cache_stats().misses == clients; }));
  for (const auto& fake : fakes_) EXPECT_EQ(fake->calls(), 1);
  gate->open();
  std::string first_body;
  for (auto& connection : connections) {
    auto response = connection->read_response();
    ASSERT_TRUE(response);
    ASSERT_EQ(response->result_int(), 200u);
    if (first_body.empty()) first_body = response->body();
    EXPECT_EQ(response->body(), first_body);
  }
  EXPECT_EQ(boost::json::parse(first_body).at("totals").at(0).at("total").as_string(), "7.5");
  for (const auto& fake : fakes_) EXPECT_EQ(fake->calls(), 1);
  EXPECT_EQ(views_->cache_stats().fan_outs, 1u);
}

TEST_F(ViewRoutesTest, StaleAnswerComesAtOnceWhileTheRefreshIsStillRunning) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  start();
  get("/v1/balances");
  auto gate = std::make_shared<Gate>();
  gateway->behave(Behaviour::at_gate(gate));
  clock_.advance(7000ms);
  auto stale = get("/v1/balances");  // the refresh is held at the gate: this cannot have waited
  ASSERT_EQ(stale.result_int(), 200u);
  EXPECT_EQ(header(stale, "Age"), "7");
  const auto body = boost::json::parse(stale.body());
  EXPECT_EQ(body.at("gateways").at(0).at("cached").as_bool(), true);
  EXPECT_EQ(body.at("gateways").at(0).at("age_ms").as_int64(), 7000);
  // The refresh starts on the views' own threads; it reaches the gateway once.
  ASSERT_TRUE(eventually([&] { return gateway->calls() == 2; }));
  gate->open();
  ASSERT_TRUE(eventually([&] { return gateway->finished() == 2; }));
  EXPECT_EQ(gateway->calls(), 2);
  EXPECT_EQ(views_->cache_stats().fan_outs, 2u);
}

TEST_F(ViewRoutesTest, PricesCoinsAndGatewaysAnswer) {
  auto a = add_gateway("a", {make_balance("BTC", "1")});
  a->snapshot.prices = {make_price("BTC", "64000")};
  a->coins_supported = true;
  Coin coin;
  coin.coin_id = "1155";
  coin.asset = "BTC";
  coin.name = "Bitcoin";
  a->coin_list = {coin};
  add_gateway("b")->behave(Behaviour::fail(make_error(ErrorCode::auth_failed, "rejected")));
  start();

  auto prices = get("/v1/prices?asset=BTC");
  ASSERT_EQ(prices.result_int(), 200u);
  auto body = boost::json::parse(prices.body());
  EXPECT_EQ(body.at("prices").at(0).at("usd").as_string(), "64000");
  EXPECT_EQ(body.at("complete").as_bool(), false);

  auto coins = get("/v1/coins");
  ASSERT_EQ(coins.result_int(), 200u);
  body = boost::json::parse(coins.body());
  EXPECT_EQ(body.at("coins").at(0).at("name").as_string(), "Bitcoin");
  EXPECT_EQ(body.at("gateways").as_array().size(), 1u);

  auto gateways = get("/v1/gateways");
  ASSERT_EQ(gateways.result_int(), 200u);
  EXPECT_EQ(header(gateways, "Content-Type"), "application/json");
  body = boost::json::parse(gateways.body());
  EXPECT_EQ(body.at("gateways").at(0).at("id").as_string(), "a");
  EXPECT_EQ(body.at("gateways").at(0).at("health").as_string(), "healthy");
  EXPECT_EQ(body.at("gateways").at(1).at("health").as_string(), "unhealthy");
  EXPECT_EQ(body.at("gateways").at(1).at("last_error").at("code").as_string(), "auth_failed");
}

// max_age_ms=0 means "fresh from the gateways", always: the manual clock does not move between
// these requests, so each arrives at the very time point the previous fan-out finished.
TEST_F(ViewRoutesTest, MaxAgeZeroForcesAFanOutEvenAtTheInstantTheLastOneFinished) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  start();
  ASSERT_EQ(get("/v1/balances").result_int(), 200u);
  EXPECT_EQ(gateway->calls(), 1);
  for (int i = 2; i <= 3; ++i) {
    auto forced = get("/v1/balances?max_age_ms=0");
    ASSERT_EQ(forced.result_int(), 200u);
    EXPECT_TRUE(header(forced, "Age").empty());
    EXPECT_EQ(gateway->calls(), i);
    const auto body = boost::json::parse(forced.body());
    EXPECT_EQ(body.at("gateways").at(0).at("cached").as_bool(), false);
  }
  // Without max_age the same instant is a plain cache hit.
  auto cached = get("/v1/balances");
  EXPECT_EQ(header(cached, "Age"), "0");
  EXPECT_EQ(gateway->calls(), 3);
}

TEST_F(ViewRoutesTest, ConcurrentMaxAgeZeroRequestsShareOneCallButNeverAStoredAnswer) {
  auto gate = std::make_shared<Gate>();
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  gateway->behave(Behaviour::at_gate(gate));
  start();
  std::vector<std::unique_ptr<RawConnection>> forced;
  for (std::uint64_t i = 1; i <= 5; ++i) {
    forced.push_back(std::make_unique<RawConnection>(server_->port()));
    forced.back()->send(get_request("/v1/balances?max_age_ms=0"));
    // Each request has been decided (joined or started the fan-out) before the next arrives.
    ASSERT_TRUE(eventually([&] { return views_->cache_stats().misses == i; }));
    clock_.advance(1ms);
  }
  gate->open();
  for (auto& connection : forced) {
    auto response = connection->read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_TRUE(header(*response, "Age").empty());
  }
  // The one call in flight answered after every one of them arrived.
  EXPECT_EQ(gateway->calls(), 1);
  // Once that answer is stored, max_age_ms=0 calls the gateway again.
  EXPECT_EQ(get("/v1/balances?max_age_ms=0").result_int(), 200u);
  EXPECT_EQ(gateway->calls(), 2);
}

// Data older than max_age_ms is never served, not even as a failing gateway's fallback.
TEST_F(ViewRoutesTest, MaxAgeZeroShowsNoEarlierDataOfAFailingGateway) {
  add_gateway("good", {make_balance("BTC", "1")});
  auto flaky = add_gateway("flaky", {make_balance("BTC", "2")});
  start();
  ASSERT_EQ(get("/v1/balances").result_int(), 200u);
  flaky->behave(Behaviour::fail(make_error(ErrorCode::unreachable, "connect refused")));
  clock_.advance(1000ms);
  auto forced = get("/v1/balances?max_age_ms=0");
  ASSERT_EQ(forced.result_int(), 200u);
  const auto body = boost::json::parse(forced.body());
  EXPECT_EQ(body.at("complete").as_bool(), false);
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "1");  // flaky's old "2" is not shown
  const auto& status = body.at("gateways").at(1);
  EXPECT_EQ(status.at("id").as_string(), "flaky");
  EXPECT_EQ(status.at("status").as_string(), "error");
  EXPECT_EQ(status.at("cached").as_bool(), false);
  EXPECT_TRUE(status.at("age_ms").is_null());
}

TEST_F(ViewRoutesTest, EveryGatewayFailingUnderMaxAgeIs502EvenWithOlderDataAtHand) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  start();
  ASSERT_EQ(get("/v1/balances").result_int(), 200u);
  gateway->behave(Behaviour::fail(make_error(ErrorCode::timeout, "no answer")));
  clock_.advance(1000ms);
  for (const auto* target : {"/v1/balances?max_age_ms=0", "/v1/balances?max_age_ms=999"}) {
    auto response = get(target);
    EXPECT_EQ(response.result_int(), 502u) << target;
    EXPECT_EQ(header(response, "Content-Type"), "application/problem+json") << target;
    const auto body = boost::json::parse(response.body());
    EXPECT_EQ(body.at("code").as_string(), "all_gateways_failed") << target;
    EXPECT_EQ(body.at("gateways").at(0).at("error").at("code").as_string(), "timeout") << target;
  }
  // Data within the bound may still be served, and without max_age_ms the stale-if-error
  // fallback stays: the 502s above did not replace the shared answer.
  auto bounded = get("/v1/balances?max_age_ms=1000");
  EXPECT_EQ(bounded.result_int(), 200u);
  auto plain = get("/v1/balances");
  ASSERT_EQ(plain.result_int(), 200u);
  EXPECT_EQ(boost::json::parse(plain.body()).at("totals").at(0).at("total").as_string(), "1");
}

}  // namespace
}  // namespace coinfan::aggregate::testing_support
