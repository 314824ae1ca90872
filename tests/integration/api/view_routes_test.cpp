// The read endpoints through the production HTTP server on loopback: status codes, content
// types, problem bodies, the cache seen from outside, and 1000 concurrent identical requests.

#include "api/view_routes.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "integration/aggregate/fake_gateway.hpp"
#include "support/gunzip.hpp"
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
    api::add_view_routes(*router, views_, representations_);
    server_ = std::make_unique<HttpTestServer>(server_options_, router);
  }

  using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

  HttpResponse get(std::string_view target, std::string_view extra_headers = {}) {
    RawConnection connection(server_->port());
    connection.send(get_request(target, extra_headers));
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
  std::shared_ptr<api::Representations> representations_ = std::make_shared<api::Representations>();
  http::ServerOptions server_options_;
  std::unique_ptr<HttpTestServer> server_;
};

// Enough balances for a body above the gzip threshold.
std::vector<Balance> many_balances(int count, std::string_view amount) {
  std::vector<Balance> out;
  for (int i = 0; i < count; ++i) out.push_back(make_balance("ASSET" + std::to_string(i), amount));
  return out;
}

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

TEST_F(ViewRoutesTest, GzipWhenAskedAndTheCachedBodyIsCompressedOnceForEveryCaller) {
  add_gateway("a", many_balances(40, "1.25"));
  start();
  const auto plain = get("/v1/balances");
  ASSERT_EQ(plain.result_int(), 200u);
  ASSERT_GE(plain.body().size(), api::gzip_min_bytes);
  EXPECT_TRUE(header(plain, "Content-Encoding").empty());
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");

  std::vector<std::string> compressed;
  for (int i = 0; i < 3; ++i) {
    auto response = get("/v1/balances", "Accept-Encoding: gzip, deflate, br\r\n");
    ASSERT_EQ(response.result_int(), 200u);
    EXPECT_EQ(header(response, "Content-Encoding"), "gzip");
    EXPECT_EQ(header(response, "Vary"), "Accept-Encoding");
    EXPECT_EQ(header(response, "Content-Length"), std::to_string(response.body().size()));
    EXPECT_LT(response.body().size(), plain.body().size() / 3);
    EXPECT_EQ(coinfan::testing::gunzip(response.body()), plain.body());
    compressed.push_back(response.body());
  }
  EXPECT_EQ(compressed[1], compressed[0]);
  EXPECT_EQ(compressed[2], compressed[0]);
  EXPECT_EQ(representations_->stats().compressions, 1u) << "cached bytes are compressed once";
  EXPECT_EQ(fakes_[0]->calls(), 1);

  // A refusal of gzip, or none asked, gets the identity bytes.
  for (const auto* refusal : {"Accept-Encoding: gzip;q=0\r\n", "Accept-Encoding: identity\r\n", ""}) {
    auto response = get("/v1/balances", refusal);
    EXPECT_TRUE(header(response, "Content-Encoding").empty()) << refusal;
    EXPECT_EQ(response.body(), plain.body()) << refusal;
  }
}

TEST_F(ViewRoutesTest, StrongEtagOfTheCachedAnswerAnd304OnIfNoneMatchUntilTheDataChanges) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  start({5000ms, 60000ms});
  const auto first = get("/v1/balances");
  const auto etag = header(first, "ETag");
  ASSERT_EQ(etag.size(), 34u);
  ASSERT_EQ(etag.front(), '"');
  clock_.advance(1000ms);
  const auto again = get("/v1/balances");
  EXPECT_EQ(header(again, "ETag"), etag) << "the same bytes, the same tag";

  auto revalidated = get("/v1/balances", "If-None-Match: \"other\", " + etag + "\r\n");
  EXPECT_EQ(revalidated.result_int(), 304u);
  EXPECT_TRUE(revalidated.body().empty());
  EXPECT_EQ(header(revalidated, "ETag"), etag);
  EXPECT_EQ(header(revalidated, "Cache-Control"), "private, max-age=5, stale-while-revalidate=55");
  EXPECT_EQ(header(revalidated, "Age"), "1");
  EXPECT_TRUE(header(revalidated, "Content-Type").empty());
  EXPECT_EQ(representations_->stats().not_modified, 1u);

  // Once the cached answer is replaced by new data, the old tag no longer matches.
  gateway->snapshot.balances = {make_balance("BTC", "2")};
  clock_.advance(70000ms);
  auto changed = get("/v1/balances?max_age_ms=0", "If-None-Match: " + etag + "\r\n");
  ASSERT_EQ(changed.result_int(), 200u);
  EXPECT_NE(header(changed, "ETag"), etag);
  EXPECT_EQ(boost::json::parse(changed.body()).at("totals").at(0).at("total").as_string(), "2");
}

TEST_F(ViewRoutesTest, CacheControlFollowsTheCachePolicyAndErrorsAreNeverStored) {
  add_gateway("a", {make_balance("BTC", "1")});
  start({2000ms, 30000ms});
  EXPECT_EQ(header(get("/v1/balances"), "Cache-Control"), "private, max-age=2, stale-while-revalidate=28");
  EXPECT_EQ(header(get("/v1/prices"), "Cache-Control"), "private, max-age=2, stale-while-revalidate=28");
  const auto health = get("/v1/gateways");
  EXPECT_EQ(header(health, "Cache-Control"), "private, no-cache");
  EXPECT_FALSE(header(health, "ETag").empty());
  const auto problem = get("/v1/balances?gateway=nope");
  EXPECT_EQ(problem.result_int(), 400u);
  EXPECT_EQ(header(problem, "Cache-Control"), "no-store");
  EXPECT_TRUE(header(problem, "ETag").empty());
  const auto missing = get("/v1/nothing-here");
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(header(missing, "Cache-Control"), "no-store");
}

TEST_F(ViewRoutesTest, BrowsersMayReadAgeAndEtagAcrossOrigins) {
  add_gateway("a", many_balances(40, "3"));
  server_options_.cors_allowed_origins = {"https://dash.example"};
  start();
  get("/v1/balances");
  clock_.advance(1000ms);
  auto response = get("/v1/balances", "Origin: https://dash.example\r\nAccept-Encoding: gzip\r\n");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://dash.example");
  const auto exposed = header(response, "Access-Control-Expose-Headers");
  for (const auto* name : {"X-Request-Id", "Age", "ETag", "Location", "Retry-After", "Idempotent-Replayed"}) {
    EXPECT_NE(exposed.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(header(response, "Vary"), "Accept-Encoding, Origin");
}

}  // namespace
}  // namespace coinfan::aggregate::testing_support
