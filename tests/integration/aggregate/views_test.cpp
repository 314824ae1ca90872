// The views over fake gateways on a real io_context: concurrent fan-out with per-gateway
// deadlines, 502 when nobody answers, coalescing, the response cache with
// stale-while-revalidate and its fallbacks. Time is moved with a manual clock; only the
// deadline tests wait for real timers (that is what they prove).

#include "coinfan/aggregate/views.hpp"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "api/view_query.hpp"
#include "integration/aggregate/fake_gateway.hpp"
#include "support/log_capture.hpp"

namespace coinfan::aggregate::testing_support {
namespace {

using namespace std::chrono_literals;

class ViewsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& gateway : fakes_) gateway->forget_hung();
  }

  std::shared_ptr<FakeGateway> add_gateway(std::string id, std::vector<Balance> balances = {},
                                           std::vector<Price> prices = {},
                                           std::chrono::milliseconds timeout = 5000ms) {
    auto gateway = std::make_shared<FakeGateway>(std::move(id));
    gateway->snapshot.balances = std::move(balances);
    gateway->snapshot.prices = std::move(prices);
    fakes_.push_back(gateway);
    timeouts_.push_back(timeout);
    return gateway;
  }

  std::shared_ptr<Views> build(config::CacheConfig cache = {5000ms, 60000ms}) {
    std::vector<ViewGateway> list;
    for (std::size_t i = 0; i < fakes_.size(); ++i) list.push_back({fakes_[i], timeouts_[i]});
    views_ = make_views(std::move(list), cache, io_.get_executor(), clock_.view_clock());
    return views_;
  }

  // Starts a get and runs whatever is ready (no timers).
  std::shared_ptr<PendingAnswer> get_now(ViewKind kind = ViewKind::balances, ViewQuery query = {}) {
    auto pending = start_get(io_, views_, kind, std::move(query));
    run_ready(io_);
    return pending;
  }

  ViewAnswer get_done(ViewKind kind = ViewKind::balances, ViewQuery query = {}) {
    auto pending = get_now(kind, std::move(query));
    EXPECT_TRUE(pending->done());
    if (!pending->done()) return {};
    if (pending->failure) std::rethrow_exception(pending->failure);
    return *pending->answer;
  }

  ViewQuery query(std::string_view raw) {
    auto parsed = api::parse_view_query(raw, views_->gateway_ids());
    EXPECT_TRUE(parsed.ok()) << raw;
    return parsed.ok() ? parsed.value() : ViewQuery{};
  }

  // Declared first: destroyed last, after every coroutine and timer that uses it.
  asio::io_context io_;
  ManualClock clock_;
  std::vector<std::shared_ptr<FakeGateway>> fakes_;
  std::vector<std::chrono::milliseconds> timeouts_;
  std::shared_ptr<Views> views_;
};

const boost::json::object& status_of(const boost::json::value& body, std::string_view id) {
  for (const auto& entry : body.at("gateways").as_array()) {
    if (entry.at("id").as_string() == id) return entry.as_object();
  }
  throw std::out_of_range("no status for gateway " + std::string(id));
}

TEST_F(ViewsTest, MergesEveryGatewayWithExactTotals) {
  add_gateway("ccp-main", {make_balance("USDT", "0.1", "TRC20")}, {make_price("USDT", "1")});
  add_gateway("ccp-second", {make_balance("USDT", "0.2", "TRC20")});
  add_gateway("cloud", {make_balance("USDT", "", "ERC20"), make_balance("BTC", "123456789012.345678901234")});
  build();
  const auto answer = get_done();
  EXPECT_TRUE(answer.ok());
  const auto body = body_json(answer);
  EXPECT_EQ(body.at("complete").as_bool(), true);
  const auto& totals = body.at("totals").as_array();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].at("asset").as_string(), "BTC");
  EXPECT_EQ(totals[0].at("total").as_string(), "123456789012.345678901234");
  EXPECT_EQ(totals[1].at("asset").as_string(), "USDT");
  EXPECT_EQ(totals[1].at("total").as_string(), "0.3");
  EXPECT_EQ(totals[1].at("usd_value").as_string(), "0.3");
  EXPECT_EQ(body.at("usd_total").as_string(), "0.3");
  // Two accounts of one provider: each balance keeps its own gateway id.
  const auto& balances = body.at("balances").as_array();
  ASSERT_EQ(balances.size(), 4u);
  EXPECT_EQ(balances[1].at("gateway").as_string(), "ccp-main");
  EXPECT_EQ(balances[2].at("gateway").as_string(), "ccp-second");
  EXPECT_EQ(balances[2].at("usd_price").as_string(), "1");
  for (const auto& id : {"ccp-main", "ccp-second", "cloud"}) {
    const auto& status = status_of(body, id);
    EXPECT_EQ(status.at("status").as_string(), "ok");
    EXPECT_EQ(status.at("cached").as_bool(), false);
    EXPECT_EQ(status.at("age_ms").as_int64(), 0);
    EXPECT_EQ(status.at("type").as_string(), "ccpayment-v2");
  }
}

TEST_F(ViewsTest, CallsEveryGatewayConcurrently) {
  for (const auto* id : {"a", "b", "c", "d"}) {
    add_gateway(id, {make_balance("BTC", "1")})->behave(Behaviour::after(200ms));
  }
  build();
  auto pending = start_get(io_, views_, ViewKind::balances);
  ASSERT_TRUE(run_until(io_, [&] { return pending->done(); }));
  // In sequence this would take 800 ms.
  EXPECT_GE(pending->elapsed(), 200ms);
  EXPECT_LT(pending->elapsed(), 600ms);
  EXPECT_EQ(body_json(*pending->answer).at("totals").at(0).at("total").as_string(), "4");
}

TEST_F(ViewsTest, HangingGatewaysCostOnlyTheirOwnTimeout) {
  add_gateway("fast", {make_balance("BTC", "1")});
  add_gateway("stuck", {make_balance("BTC", "2")}, {}, 150ms)->behave(Behaviour::after(3600s));
  add_gateway("deaf", {make_balance("BTC", "4")}, {}, 250ms)->behave(Behaviour::hang_ignoring_cancellation());
  build();
  auto pending = start_get(io_, views_, ViewKind::balances);
  ASSERT_TRUE(run_until(io_, [&] { return pending->done(); }));
  EXPECT_GE(pending->elapsed(), 250ms);
  EXPECT_LT(pending->elapsed(), 750ms);
  ASSERT_TRUE(pending->answer->ok());
  const auto body = body_json(*pending->answer);
  EXPECT_EQ(body.at("complete").as_bool(), false);
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "1");
  EXPECT_EQ(status_of(body, "fast").at("status").as_string(), "ok");
  for (const auto* id : {"stuck", "deaf"}) {
    const auto& status = status_of(body, id);
    EXPECT_EQ(status.at("status").as_string(), "error");
    EXPECT_EQ(status.at("error").at("code").as_string(), "timeout");
    EXPECT_TRUE(status.at("age_ms").is_null());
  }
  EXPECT_GE(status_of(body, "stuck").at("latency_ms").as_int64(), 150);
  // The late adapter call was cancelled at its deadline; the deaf one hangs and does not matter.
  EXPECT_TRUE(run_until(io_, [&] { return fakes_[1]->cancelled() == 1; }));
}

TEST_F(ViewsTest, EveryGatewayFailingIs502WithEveryError) {
  add_gateway("a")->behave(Behaviour::fail(make_error(ErrorCode::unreachable, "connect to a:443 refused")));
  add_gateway("b")->behave(Behaviour::fail(Error{ErrorCode::auth_failed, "token rejected", "401", "bad key"}));
  build();
  const auto answer = get_done();
  EXPECT_EQ(answer.error, ViewError::no_gateway_answered);
  EXPECT_FALSE(answer.body);
  ASSERT_TRUE(answer.gateways);
  ASSERT_EQ(answer.gateways->size(), 2u);
  EXPECT_EQ(answer.gateways->at(0).id, "a");
  EXPECT_EQ(answer.gateways->at(0).error->code, ErrorCode::unreachable);
  EXPECT_EQ(answer.gateways->at(1).error->code, ErrorCode::auth_failed);
  EXPECT_EQ(answer.gateways->at(1).error->provider_code, "401");
}

TEST_F(ViewsTest, AnAdapterThatThrowsIsAnInternalErrorForThatGatewayOnly) {
  add_gateway("good", {make_balance("ETH", "1")});
  add_gateway("buggy")->behave(Behaviour::throws());
  build();
  const auto answer = get_done();
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(status_of(body_json(answer), "buggy").at("error").at("code").as_string(), "internal");
}

TEST_F(ViewsTest, ThousandConcurrentIdenticalRequestsMakeOneCallPerGateway) {
  auto gate = std::make_shared<Gate>();
  for (const auto* id : {"a", "b", "c"}) add_gateway(id, {make_balance("BTC", "1")})->behave(Behaviour::at_gate(gate));
  build();
  std::vector<std::shared_ptr<PendingAnswer>> pending;
  for (int i = 0; i < 1000; ++i) pending.push_back(start_get(io_, views_, ViewKind::balances));
  run_ready(io_);
  for (const auto& fake : fakes_) EXPECT_EQ(fake->calls(), 1);
  EXPECT_EQ(views_->cache_stats().fan_outs, 1u);
  EXPECT_EQ(views_->cache_stats().misses, 1000u);
  EXPECT_EQ(views_->cache_stats().coalesced, 999u);  // all but the first joined its fan-out
  // The same per view (for /metrics): all of it is the balances view's.
  const auto balances = views_->cache_stats(ViewKind::balances);
  EXPECT_EQ(balances.misses, 1000u);
  EXPECT_EQ(balances.coalesced, 999u);
  EXPECT_EQ(balances.fan_outs, 1u);
  EXPECT_EQ(views_->cache_stats(ViewKind::prices).misses, 0u);
  gate->open();
  run_ready(io_);
  for (const auto& answer : pending) {
    ASSERT_TRUE(answer->done());
    ASSERT_TRUE(answer->answer);
    EXPECT_EQ(answer->answer->body, pending[0]->answer->body);  // the very same bytes
  }
  for (const auto& fake : fakes_) EXPECT_EQ(fake->calls(), 1);
}

TEST_F(ViewsTest, FreshAnswerIsServedFromCacheAsTheSameBytes) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  build();
  const auto first = get_done();
  clock_.advance(4999ms);
  const auto second = get_done();
  EXPECT_EQ(gateway->calls(), 1);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.source, ViewAnswer::Source::cache);
  EXPECT_EQ(second.age, 4999ms);
  EXPECT_EQ(views_->cache_stats().hits, 1u);
  EXPECT_EQ(views_->cache_stats(ViewKind::balances).hits, 1u);
  EXPECT_EQ(views_->cache_stats(ViewKind::balances).misses, 1u);
  EXPECT_EQ(views_->cache_stats(ViewKind::coins).hits, 0u);
}

TEST_F(ViewsTest, StaleAnswerIsServedAtOnceWhileOneRefreshRuns) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  build();
  get_done();
  auto gate = std::make_shared<Gate>();
  gateway->behave(Behaviour::at_gate(gate));
  gateway->snapshot.balances = {make_balance("BTC", "2")};
  clock_.advance(6000ms);

  // Answered from the cache while the refresh waits at the gate.
  for (int i = 0; i < 10; ++i) {
    const auto stale = get_done();
    EXPECT_EQ(stale.source, ViewAnswer::Source::stale);
    const auto body = body_json(stale);
    EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "1");
    EXPECT_EQ(status_of(body, "a").at("cached").as_bool(), true);
    EXPECT_EQ(status_of(body, "a").at("age_ms").as_int64(), 6000);
  }
  EXPECT_EQ(gateway->calls(), 2);  // the first fan-out and exactly one refresh
  EXPECT_EQ(views_->cache_stats().stale_hits, 10u);
  EXPECT_EQ(views_->cache_stats(ViewKind::balances).stale_hits, 10u);
  EXPECT_EQ(views_->cache_stats(ViewKind::balances).fan_outs, 2u);  // the first and the refresh

  gate->open();
  run_ready(io_);
  const auto refreshed = get_done();
  EXPECT_EQ(refreshed.source, ViewAnswer::Source::cache);
  const auto body = body_json(refreshed);
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "2");
  EXPECT_EQ(status_of(body, "a").at("cached").as_bool(), false);
  EXPECT_EQ(gateway->calls(), 2);
}

TEST_F(ViewsTest, FailedRefreshKeepsStaleDataUntilStaleMs) {
  auto good = add_gateway("good", {make_balance("BTC", "1")});
  auto flaky = add_gateway("flaky", {make_balance("BTC", "2")});
  build();
  get_done();
  flaky->behave(Behaviour::fail(make_error(ErrorCode::bad_response, "body is not JSON")));
  clock_.advance(6000ms);
  get_done();  // stale, and starts the refresh, which fails for `flaky`
  run_ready(io_);

  auto answer = get_done();
  ASSERT_TRUE(answer.ok());
  auto body = body_json(answer);
  EXPECT_EQ(body.at("complete").as_bool(), false);
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "3");  // flaky's data is kept
  const auto& flaky_status = status_of(body, "flaky");
  EXPECT_EQ(flaky_status.at("status").as_string(), "error");
  EXPECT_EQ(flaky_status.at("error").at("code").as_string(), "bad_response");
  EXPECT_EQ(flaky_status.at("cached").as_bool(), true);
  EXPECT_EQ(flaky_status.at("age_ms").as_int64(), 6000);
  EXPECT_EQ(status_of(body, "good").at("cached").as_bool(), false);

  // Past stale_ms the old data is gone; the status still says what failed.
  clock_.advance(55000ms);  // flaky's data is now 61 s old
  answer = get_done();
  body = body_json(answer);
  EXPECT_EQ(answer.source, ViewAnswer::Source::fan_out);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "1");
  EXPECT_TRUE(status_of(body, "flaky").at("age_ms").is_null());
  EXPECT_EQ(status_of(body, "flaky").at("error").at("code").as_string(), "bad_response");

  // Every gateway failing with nothing young enough to show: 502.
  good->behave(Behaviour::fail(make_error(ErrorCode::timeout, "no answer")));
  clock_.advance(61000ms);
  answer = get_done();
  EXPECT_EQ(answer.error, ViewError::no_gateway_answered);
}

TEST_F(ViewsTest, StaleDataIsNotServedPastStaleMs) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  build({1000ms, 3000ms});
  get_done();
  auto gate = std::make_shared<Gate>();
  gateway->behave(Behaviour::at_gate(gate));
  clock_.advance(3001ms);
  auto pending = get_now();
  EXPECT_FALSE(pending->done());  // waits for the fan-out instead
  gate->open();
  run_ready(io_);
  ASSERT_TRUE(pending->done());
  EXPECT_EQ(pending->answer->source, ViewAnswer::Source::fan_out);
}

TEST_F(ViewsTest, MaxAgeZeroForcesAFanOutAndLargerMaxAgeUsesTheCache) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  build();
  get_done();
  clock_.advance(3000ms);
  EXPECT_EQ(get_done(ViewKind::balances, query("max_age_ms=4000")).source, ViewAnswer::Source::cache);
  EXPECT_EQ(gateway->calls(), 1);
  const auto forced = get_done(ViewKind::balances, query("max_age_ms=0"));
  EXPECT_EQ(forced.source, ViewAnswer::Source::fan_out);
  EXPECT_EQ(gateway->calls(), 2);
  EXPECT_EQ(status_of(body_json(forced), "a").at("cached").as_bool(), false);
  clock_.advance(1500ms);
  get_done(ViewKind::balances, query("max_age_ms=1000"));
  EXPECT_EQ(gateway->calls(), 3);
  // The forced answers refreshed the shared entry too.
  EXPECT_EQ(get_done().source, ViewAnswer::Source::cache);
  EXPECT_EQ(gateway->calls(), 3);
}

TEST_F(ViewsTest, FiltersSelectGatewaysAndAssetsAndNormaliseTheKey) {
  auto a = add_gateway("a", {make_balance("BTC", "1"), make_balance("USDT", "5")});
  auto b = add_gateway("b", {make_balance("BTC", "2")});
  auto c = add_gateway("c", {make_balance("BTC", "4")});
  build();
  const auto first = get_done(ViewKind::balances, query("gateway=b,a&asset=btc"));
  EXPECT_EQ(c->calls(), 0);
  const auto body = body_json(first);
  EXPECT_EQ(body.at("gateways").as_array().size(), 2u);
  EXPECT_EQ(body.at("gateways").at(0).at("id").as_string(), "a");  // configuration order
  EXPECT_EQ(body.at("balances").as_array().size(), 2u);
  EXPECT_EQ(body.at("totals").at(0).at("total").as_string(), "3");
  const auto same = get_done(ViewKind::balances, query("asset=BTC&gateway=a&gateway=b"));
  EXPECT_EQ(same.body, first.body);
  // Another selection reuses the gateways' fresh answers: no new calls, marked cached.
  const auto usdt = get_done(ViewKind::balances, query("gateway=a&asset=USDT"));
  EXPECT_EQ(a->calls(), 1);
  EXPECT_EQ(status_of(body_json(usdt), "a").at("cached").as_bool(), true);
  EXPECT_EQ(body_json(usdt).at("totals").at(0).at("total").as_string(), "5");
}

TEST_F(ViewsTest, TheNumberOfCachedQueriesIsBounded) {
  auto gateway = add_gateway("a", {make_balance("BTC", "1")});
  build();
  for (std::size_t i = 0; i < max_cached_views + 100; ++i) {
    ASSERT_TRUE(get_done(ViewKind::balances, query("asset=A" + std::to_string(i))).ok());
  }
  EXPECT_LE(views_->cache_stats().entries, max_cached_views);
  EXPECT_EQ(gateway->calls(), 1);  // every query after the first reused the gateway's answer
}

TEST_F(ViewsTest, UnknownGatewayInAQueryIsAnUnknownGatewayAnswer) {
  add_gateway("a");
  build();
  ViewQuery bad;
  bad.gateways = {"nope"};
  const auto answer = get_done(ViewKind::balances, bad);
  EXPECT_EQ(answer.error, ViewError::unknown_gateway);
  EXPECT_EQ(answer.detail, "gateway: unknown gateway id 'nope'");
  EXPECT_FALSE(api::parse_view_query("gateway=nope", views_->gateway_ids()).ok());
}

TEST_F(ViewsTest, PricesAreTheMedianOfEverySource) {
  add_gateway("a", {}, {make_price("BTC", "60000")});
  add_gateway("b", {}, {make_price("BTC", "61000.5"), make_price("ETH", "3000")});
  add_gateway("c", {}, {make_price("BTC", "62000")});
  add_gateway("d")->behave(Behaviour::fail(make_error(ErrorCode::circuit_open, "circuit open")));
  build();
  const auto answer = get_done(ViewKind::prices);
  ASSERT_TRUE(answer.ok());
  const auto body = body_json(answer);
  EXPECT_EQ(body.at("complete").as_bool(), false);
  const auto& btc = body.at("prices").at(0);
  EXPECT_EQ(btc.at("usd").as_string(), "61000.5");
  EXPECT_EQ(btc.at("sources").as_array().size(), 3u);
  EXPECT_EQ(btc.at("sources").at(1).at("gateway").as_string(), "b");
  EXPECT_EQ(status_of(body, "d").at("error").at("code").as_string(), "circuit_open");
  const auto eth = body_json(get_done(ViewKind::prices, query("asset=eth")));
  EXPECT_EQ(eth.at("prices").as_array().size(), 1u);
}

TEST_F(ViewsTest, CoinsComeOnlyFromGatewaysWithACatalogue) {
  auto with = add_gateway("ccp");
  with->coins_supported = true;
  Coin coin;
  coin.coin_id = "1280";
  coin.asset = "USDT";
  with->coin_list = {coin};
  auto without = add_gateway("kuna");
  build();
  const auto answer = get_done(ViewKind::coins);
  ASSERT_TRUE(answer.ok());
  const auto body = body_json(answer);
  EXPECT_EQ(body.at("coins").as_array().size(), 1u);
  EXPECT_EQ(body.at("coins").at(0).at("gateway").as_string(), "ccp");
  EXPECT_EQ(body.at("gateways").as_array().size(), 1u);
  EXPECT_EQ(without->calls(), 0);
  EXPECT_EQ(get_done(ViewKind::coins, query("gateway=kuna")).error, ViewError::no_coin_catalogue);
}

TEST_F(ViewsTest, GatewaysViewShowsHealthCircuitAndLastError) {
  add_gateway("ok", {make_balance("BTC", "1")});
  auto bad = add_gateway("bad");
  bad->behave(Behaviour::fail(make_error(ErrorCode::rate_limited, "429 from upstream")));
  bad->breaker = upstream::BreakerState::open;
  add_gateway("idle");
  build();
  get_done(ViewKind::balances, query("gateway=ok,bad"));
  const auto body = body_json(views_->gateways());
  const auto& list = body.at("gateways").as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].at("health").as_string(), "healthy");
  EXPECT_TRUE(list[0].at("last_success_at").is_string());
  EXPECT_TRUE(list[0].at("last_error").is_null());
  EXPECT_EQ(list[1].at("health").as_string(), "unhealthy");
  EXPECT_EQ(list[1].at("circuit").as_string(), "open");
  EXPECT_EQ(list[1].at("last_error").at("code").as_string(), "rate_limited");
  EXPECT_EQ(list[2].at("health").as_string(), "unknown");
  EXPECT_EQ(list[2].at("type").as_string(), "ccpayment-v2");
}

// A caller that gives up (the server's request timeout) leaves at once; the fan-out goes on
// and still fills the cache for everyone else.
asio::awaitable<void> get_with_limit(std::shared_ptr<Views> views, std::shared_ptr<PendingAnswer> out) {
  using namespace boost::asio::experimental::awaitable_operators;
  asio::steady_timer limit(co_await asio::this_coro::executor, 50ms);
  // Named first: g++ 12 mishandles temporaries with destructors inside a co_await expression.
  auto get = views->get(ViewKind::balances, ViewQuery{});
  auto expire = limit.async_wait(asio::use_awaitable);
  auto result = co_await (std::move(get) || std::move(expire));
  if (result.index() == 0) out->answer = std::get<0>(std::move(result));
  out->finished = std::chrono::steady_clock::now();
}

TEST_F(ViewsTest, ACancelledWaiterLeavesWithoutStoppingTheFanOut) {
  auto gate = std::make_shared<Gate>();
  add_gateway("a", {make_balance("BTC", "1")})->behave(Behaviour::at_gate(gate));
  build();
  auto impatient = std::make_shared<PendingAnswer>();
  asio::co_spawn(io_, get_with_limit(views_, impatient), asio::detached);
  auto patient = start_get(io_, views_, ViewKind::balances);
  ASSERT_TRUE(run_until(io_, [&] { return impatient->finished != std::chrono::steady_clock::time_point{}; }));
  EXPECT_FALSE(impatient->answer.has_value());
  EXPECT_LT(impatient->elapsed(), 1000ms);
  EXPECT_FALSE(patient->done());
  gate->open();
  run_ready(io_);
  ASSERT_TRUE(patient->done());
  EXPECT_TRUE(patient->answer->ok());
}

// The operator's log: a gateway that keeps failing is announced once with its code, repeated
// at most once a minute with the failures counted, and its recovery once.
TEST_F(ViewsTest, AFailingGatewayIsLoggedOnceNotOncePerRequest) {
  add_gateway("good", {make_balance("ETH", "1")});
  auto down = add_gateway("down");
  down->behave(Behaviour::fail(make_error(ErrorCode::unreachable, "connect failed")));
  build();
  ViewQuery uncached;
  uncached.max_age = std::chrono::milliseconds(0);  // every request calls the gateways
  coinfan::testing::LogCapture log;
  for (int i = 0; i < 20; ++i) {
    get_done(ViewKind::balances, uncached);
    clock_.advance(1000ms);
  }
  auto failing = log.lines_with_message("gateway failing");
  ASSERT_EQ(failing.size(), 1u) << log.text_so_far();
  EXPECT_NE(failing[0].find(R"("level":"warning")"), std::string::npos) << failing[0];
  EXPECT_NE(failing[0].find(R"("gateway":"down")"), std::string::npos) << failing[0];
  EXPECT_NE(failing[0].find(R"("code":"unreachable")"), std::string::npos) << failing[0];
  EXPECT_TRUE(log.lines_with_message("gateway still failing").empty());

  clock_.advance(40000ms);  // a minute after the first failure
  get_done(ViewKind::balances, uncached);
  const auto still = log.lines_with_message("gateway still failing");
  ASSERT_EQ(still.size(), 1u) << log.text_so_far();
  EXPECT_NE(still[0].find(R"("failures":20)"), std::string::npos) << still[0];

  down->behave(Behaviour::answer());
  get_done(ViewKind::balances, uncached);
  get_done(ViewKind::balances, uncached);
  const auto recovered = log.lines_with_message("gateway recovered");
  ASSERT_EQ(recovered.size(), 1u) << log.text_so_far();
  EXPECT_NE(recovered[0].find(R"("gateway":"down")"), std::string::npos) << recovered[0];
  EXPECT_NE(recovered[0].find(R"("failures":21)"), std::string::npos) << recovered[0];
  EXPECT_EQ(log.lines_with_message("gateway failing").size(), 1u);
  for (const auto& line : log.lines_with_message("gateway failing")) {
    EXPECT_EQ(line.find("\"gateway\":\"good\""), std::string::npos);
  }
}

}  // namespace
}  // namespace coinfan::aggregate::testing_support
