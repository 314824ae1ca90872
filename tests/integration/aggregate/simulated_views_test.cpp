// The merged views end to end: real adapters and upstream clients against the five simulated
// providers, answered over real HTTP on loopback. Upstream calls are counted by the simulators.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "api/view_query.hpp"
#include "api/view_routes.hpp"
#include "coinfan/aggregate/merge.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/providers.hpp"
#include "integration/aggregate/simulated_fleet.hpp"

namespace coinfan::aggregate {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using config::GatewayType;
using sim::Fault;
using namespace testing_support;

TEST(SimulatedViews, FloatsAndAnEmptyStringTotalExactly) {
  SimulatedFleet fleet;
  // CryptoCloud sends USDT as JSON floats 0.1 (ERC20) and 0.2 (TRC20); CCPayment v2 sends "".
  ASSERT_TRUE(fleet.provider<sim::CryptoCloudProvider>("cloud").set_balance("USDT_TRC20", "0.2", "0.2", "0.2", "0.2"));
  auto& v2 = fleet.provider<sim::CcpaymentV2Provider>("ccp-main");
  v2.set_available(v2.app_id(), 1280, std::nullopt);
  const auto body = fleet.get("/v1/balances?gateway=cloud,ccp-main&asset=USDT");
  const auto* usdt = find_total(body, "USDT");
  ASSERT_NE(usdt, nullptr) << json::serialize(body);
  EXPECT_EQ(usdt->at("total").as_string(), "0.3");
  EXPECT_TRUE(body.at("complete").as_bool());
}

TEST(SimulatedViews, TwentyFourDigitAmountsSurviveAndUsdValuesAreRoundedHalfEven) {
  SimulatedFleet fleet;
  auto& v2 = fleet.provider<sim::CcpaymentV2Provider>("ccp-main");
  v2.set_available(v2.app_id(), 1155, *Decimal::parse("1.000000000000000000000001"));
  const auto body = fleet.get("/v1/balances?gateway=ccp-main,ccp-legacy&asset=BTC");
  // Worked by hand from the demo data (BTC at 67321.55 on both), 8 places, half-even:
  //   1.000000000000000000000001 x 67321.55 = 67321.55000000000000000006732155 -> 67321.55
  //   0.00523418 x 67321.55 = 352.3731105790 -> 352.37311058
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"ccp-main", {"1.000000000000000000000001", "67321.55"}}, {"ccp-legacy", {"0.00523418", "352.37311058"}}};
  std::set<std::string> checked;
  for (const auto& item : body.at("balances").as_array()) {
    const auto& balance = item.as_object();
    const std::string gateway(balance.at("gateway").as_string());
    const auto it = expected.find(gateway);
    ASSERT_NE(it, expected.end()) << gateway;
    EXPECT_EQ(balance.at("total").as_string(), it->second.first) << gateway;
    EXPECT_EQ(balance.at("usd_price").as_string(), "67321.55") << gateway;
    EXPECT_EQ(balance.at("usd_value").as_string(), it->second.second) << gateway;
    checked.insert(gateway);
  }
  EXPECT_EQ(checked, (std::set<std::string>{"ccp-main", "ccp-legacy"})) << json::serialize(body);
}

TEST(SimulatedViews, OneHangingGatewayCostsOnlyItsOwnTimeout) {
  SimulatedFleet fleet({{"kuna", std::chrono::milliseconds(400)}});
  fleet.simulator("kuna").inject(Fault::latency_of(std::chrono::seconds(5)).before_handling());
  const auto started = std::chrono::steady_clock::now();
  const auto body = fleet.get("/v1/balances");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, std::chrono::milliseconds(400 + 600));
  EXPECT_FALSE(body.at("complete").as_bool());
  const auto& kuna = status_of(body, "kuna");
  EXPECT_EQ(kuna.at("status").as_string(), "error");
  EXPECT_EQ(kuna.at("error").at("code").as_string(), "timeout");
  std::set<std::string> answered;
  for (const auto& balance : body.at("balances").as_array()) answered.insert(std::string(balance.at("gateway").as_string()));
  EXPECT_EQ(answered, (std::set<std::string>{"ccp-main", "ccp-legacy", "cloud", "trubit"}));
}

TEST(SimulatedViews, EveryGatewayFailingIs502ListingAllFiveErrors) {
  SimulatedFleet fleet;
  for (const auto& [id, type] : fleet_members) fleet.simulator(id).inject(Fault::http_status_of(500));
  const auto body = fleet.get("/v1/balances", 502);
  EXPECT_EQ(body.at("status").as_int64(), 502);
  ASSERT_EQ(body.at("gateways").as_array().size(), 5u);
  for (const auto& status : body.at("gateways").as_array()) {
    EXPECT_EQ(status.at("status").as_string(), "error");
    EXPECT_TRUE(status.as_object().contains("error"));
  }
}

TEST(SimulatedViews, ThousandConcurrentIdenticalRequestsOnAColdCacheCallEachGatewayOnce) {
  SimulatedFleet fleet;
  auto query = api::parse_view_query("", fleet.views().gateway_ids());
  ASSERT_TRUE(query.ok());
  std::vector<std::future<ViewAnswer>> answers;
  answers.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    answers.push_back(asio::co_spawn(fleet.io(), fleet.views().get(ViewKind::balances, *query), asio::use_future));
  }
  std::shared_ptr<const std::string> first;
  for (auto& answer : answers) {
    auto value = answer.get();
    EXPECT_TRUE(value.ok());
    if (!first) first = value.body;
  }
  for (const auto& [id, type] : fleet_members) {
    // TruBit and Kuna need their token first, CCPayment v2 prices what it holds: two calls.
    const bool two = type == gateways::trubit::type || type == gateways::kuna::type || type == gateways::ccpayment_v2::type;
    EXPECT_EQ(fleet.upstream_calls(id), two ? 2u : 1u) << id;
  }
}

TEST(SimulatedViews, AfterFreshMsTheCacheAnswersAtOnceAndRefreshesOnce) {
  config::CacheConfig cache{std::chrono::milliseconds(5000), std::chrono::milliseconds(60000)};
  SimulatedFleet fleet({}, cache);
  fleet.get("/v1/balances?gateway=cloud");
  ASSERT_EQ(fleet.upstream_calls("cloud"), 1u);
  fleet.get("/v1/balances?gateway=cloud");
  EXPECT_EQ(fleet.upstream_calls("cloud"), 1u);  // fresh: no upstream call

  fleet.advance(std::chrono::milliseconds(6000));
  // The refresh is slow; the stale answer must not wait for it.
  fleet.simulator("cloud").inject(Fault::latency_of(std::chrono::milliseconds(800)).times(1));
  const auto started = std::chrono::steady_clock::now();
  const auto stale = fleet.get("/v1/balances?gateway=cloud");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(400));
  EXPECT_TRUE(status_of(stale, "cloud").at("cached").as_bool());
  fleet.get("/v1/balances?gateway=cloud");  // a second stale hit shares the refresh in flight
  // Wait for the one background refresh to reach the simulator.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fleet.upstream_calls("cloud") < 2 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  EXPECT_EQ(fleet.upstream_calls("cloud"), 2u);

  // Let the refresh land (the cached bytes change) so nothing is left in flight at teardown.
  auto query = api::parse_view_query("gateway=cloud", fleet.views().gateway_ids());
  ASSERT_TRUE(query.ok());
  auto ask = [&] { return asio::co_spawn(fleet.io(), fleet.views().get(ViewKind::balances, *query), asio::use_future).get(); };
  const auto stale_bytes = ask().body;
  while (ask().body == stale_bytes && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  EXPECT_NE(ask().body, stale_bytes);
  EXPECT_EQ(fleet.upstream_calls("cloud"), 2u);  // still exactly one refresh
}

TEST(SimulatedViews, FiltersAndBadParameters) {
  SimulatedFleet fleet;
  const auto body = fleet.get("/v1/balances?gateway=kuna&asset=btc");
  for (const auto& balance : body.at("balances").as_array()) {
    EXPECT_EQ(balance.at("gateway").as_string(), "kuna");
    EXPECT_EQ(balance.at("asset").as_string(), "BTC");
  }
  EXPECT_EQ(body.at("gateways").as_array().size(), 1u);
  EXPECT_EQ(fleet.upstream_calls("cloud"), 0u);
  EXPECT_EQ(fleet.get("/v1/balances?gateway=nope", 400).at("status").as_int64(), 400);
  EXPECT_EQ(fleet.get("/v1/balances?max_age_ms=soon", 400).at("status").as_int64(), 400);
  EXPECT_EQ(fleet.get("/v1/balances?max_age_ms=-1", 400).at("status").as_int64(), 400);
}

}  // namespace
}  // namespace coinfan::aggregate
