// The JSON of each view: field names, decimal strings, nulls, times and status entries.

#include "coinfan/aggregate/render.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace coinfan::aggregate {
namespace {

namespace json = boost::json;

Decimal dec(std::string_view text) {
  auto value = Decimal::parse(text);
  if (!value) throw std::invalid_argument("bad decimal in test: " + std::string(text));
  return std::move(value).value();
}

// 2026-11-21T10:00:00.123Z
TimePointMs sample_time() {
  using namespace std::chrono;
  return TimePointMs(sys_days(year(2026) / November / 21) + hours(10) + milliseconds(123));
}

GatewayStatus ok_status() {
  GatewayStatus s;
  s.id = "ccp-main";
  s.type = "ccpayment-v2";
  s.ok = true;
  s.latency_ms = 42;
  s.age_ms = 0;
  return s;
}

GatewayStatus failed_status() {
  GatewayStatus s;
  s.id = "kuna";
  s.type = "kuna";
  s.ok = false;
  s.latency_ms = 5000;
  s.error = Error{ErrorCode::provider_error, "provider said no", "10002", "Invalid sign"};
  return s;
}

BalanceView sample_balance_view() {
  Balance usdt;
  usdt.gateway = "ccp-main";
  usdt.asset = "USDT";
  usdt.network = "TRC20";
  usdt.total = dec("123456789012345678.901234");
  usdt.available = dec("123456789012345678.9");
  usdt.locked = dec("0.001234");
  usdt.usd_price = dec("1");
  usdt.usd_value = dec("123456789012345678.901234");
  usdt.raw_asset = "1280";
  Balance odd;
  odd.gateway = "ccp-main";
  odd.asset = "ZZZ";
  odd.total = dec("5");
  odd.available = dec("5");
  odd.raw_asset = "zzz";
  const Price quote{"USDT", dec("1"), "ccp-main", "USDT", "1280", std::nullopt, false};
  return build_balance_view({{"ccp-main", {usdt, odd}, {quote}}}, {ok_status(), failed_status()}, {}, sample_time());
}

TEST(RenderBalances, HasEveryFieldWithDecimalStringsAndNulls) {
  const auto text = render_balance_view(sample_balance_view());
  const auto doc = json::parse(text).as_object();
  EXPECT_EQ(doc.at("as_of").as_string(), "2026-11-21T10:00:00.123Z");
  EXPECT_EQ(doc.at("complete").as_bool(), false);
  EXPECT_EQ(doc.at("usd_total").as_string(), "123456789012345678.901234");
  EXPECT_EQ(doc.at("unpriced_assets").as_array().size(), 1u);
  EXPECT_EQ(doc.at("unpriced_assets").as_array()[0].as_string(), "ZZZ");

  const auto& balances = doc.at("balances").as_array();
  ASSERT_EQ(balances.size(), 2u);
  const auto& usdt = balances[0].as_object();
  EXPECT_EQ(usdt.at("gateway").as_string(), "ccp-main");
  EXPECT_EQ(usdt.at("asset").as_string(), "USDT");
  EXPECT_EQ(usdt.at("network").as_string(), "TRC20");
  EXPECT_EQ(usdt.at("total").as_string(), "123456789012345678.901234");
  EXPECT_EQ(usdt.at("available").as_string(), "123456789012345678.9");
  EXPECT_EQ(usdt.at("locked").as_string(), "0.001234");
  EXPECT_EQ(usdt.at("usd_price").as_string(), "1");
  EXPECT_EQ(usdt.at("raw_asset").as_string(), "1280");
  const auto& odd = balances[1].as_object();
  EXPECT_TRUE(odd.at("network").is_null());
  EXPECT_TRUE(odd.at("usd_price").is_null());
  EXPECT_TRUE(odd.at("usd_value").is_null());
  EXPECT_EQ(odd.at("locked").as_string(), "0");

  const auto& totals = doc.at("totals").as_array();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].at("asset").as_string(), "USDT");
  EXPECT_EQ(totals[0].at("usd_value").as_string(), "123456789012345678.901234");
  EXPECT_EQ(totals[0].at("usd_price").as_string(), "1");
  ASSERT_EQ(totals[0].at("price_sources").as_array().size(), 1u);
  EXPECT_EQ(totals[0].at("price_sources").at(0).as_string(), "ccp-main USDT");
  EXPECT_TRUE(totals[1].at("usd_value").is_null());
  EXPECT_TRUE(totals[1].at("usd_price").is_null());
  EXPECT_TRUE(totals[1].at("price_sources").as_array().empty());

  const auto& gateways = doc.at("gateways").as_array();
  ASSERT_EQ(gateways.size(), 2u);
  const auto& ok = gateways[0].as_object();
  EXPECT_EQ(ok.at("id").as_string(), "ccp-main");
  EXPECT_EQ(ok.at("type").as_string(), "ccpayment-v2");
  EXPECT_EQ(ok.at("status").as_string(), "ok");
  EXPECT_EQ(ok.at("latency_ms").as_int64(), 42);
  EXPECT_EQ(ok.at("cached").as_bool(), false);
  EXPECT_EQ(ok.at("age_ms").as_int64(), 0);
  EXPECT_FALSE(ok.contains("error"));
  const auto& failed = gateways[1].as_object();
  EXPECT_EQ(failed.at("status").as_string(), "error");
  EXPECT_TRUE(failed.at("age_ms").is_null());
  EXPECT_EQ(failed.at("error").at("code").as_string(), "provider_error");
  EXPECT_EQ(failed.at("error").at("detail").as_string(), "provider said no");
  EXPECT_EQ(failed.at("error").at("provider_code").as_string(), "10002");
  EXPECT_EQ(failed.at("error").at("provider_message").as_string(), "Invalid sign");
}

TEST(RenderBalances, AmountsAreNeverJsonNumbers) {
  const auto text = render_balance_view(sample_balance_view());
  EXPECT_NE(text.find(R"("total":"123456789012345678.901234")"), std::string::npos);
  EXPECT_EQ(text.find("e+"), std::string::npos);
}

TEST(RenderBalances, StatusesCanBeShownInsteadOfTheViewsOwn) {
  auto view = sample_balance_view();
  auto marked = view.gateways;
  marked[0].cached = true;
  marked[0].age_ms = 6000;
  const auto doc = json::parse(render_balance_view(view, &marked)).as_object();
  EXPECT_EQ(doc.at("gateways").at(0).at("cached").as_bool(), true);
  EXPECT_EQ(doc.at("gateways").at(0).at("age_ms").as_int64(), 6000);
}

TEST(RenderPrices, ListsTheMedianAndEverySourceByName) {
  PriceView view = build_price_view({Price{"BTC", dec("64000.5"), "ccp-old", "USD", "BTC", std::nullopt, false},
                                     Price{"BTC", dec("63999.5"), "cloud", "USDT", "BTC_BTC", "BTC", true}},
                                    {ok_status()}, {}, sample_time());
  const auto doc = json::parse(render_price_view(view)).as_object();
  const auto& btc = doc.at("prices").at(0).as_object();
  EXPECT_EQ(btc.at("asset").as_string(), "BTC");
  EXPECT_EQ(btc.at("usd").as_string(), "64000");
  ASSERT_EQ(btc.at("sources").as_array().size(), 2u);
  const auto& source = btc.at("sources").at(0).as_object();
  EXPECT_EQ(source.at("gateway").as_string(), "ccp-old");
  EXPECT_EQ(source.at("usd").as_string(), "64000.5");
  EXPECT_EQ(source.at("quote").as_string(), "USD");
  EXPECT_EQ(source.at("raw_id").as_string(), "BTC");
  EXPECT_EQ(source.at("name").as_string(), "ccp-old BTC");
  EXPECT_TRUE(source.at("network").is_null());
  EXPECT_EQ(source.at("derived").as_bool(), false);
  EXPECT_EQ(source.at("outlier").as_bool(), false);
  EXPECT_TRUE(source.at("outlier_reason").is_null());
  const auto& derived = btc.at("sources").at(1).as_object();
  EXPECT_EQ(derived.at("name").as_string(), "cloud BTC/BTC");
  EXPECT_EQ(derived.at("network").as_string(), "BTC");
  EXPECT_EQ(derived.at("derived").as_bool(), true);
  EXPECT_EQ(doc.at("complete").as_bool(), true);
  EXPECT_EQ(doc.at("gateways").as_array().size(), 1u);
}

TEST(RenderCoins, HasNetworksWithFlagsAndNullableLimits) {
  Coin coin;
  coin.coin_id = "1280";
  coin.asset = "USDT";
  coin.name = "Tether USD";
  coin.status = "Normal";
  coin.logo = "https://example.com/usdt.png";
  CoinNetwork network;
  network.chain = "TRX";
  network.name = "Tron";
  network.contract = "TR7";
  network.precision = 6;
  network.can_deposit = true;
  network.can_withdraw = false;
  network.min_withdraw = dec("1.5");
  coin.networks.push_back(network);
  CoinView view = build_coin_view({{"ccp-main", {coin}}}, {ok_status()}, {}, sample_time());
  const auto doc = json::parse(render_coin_view(view)).as_object();
  const auto& c = doc.at("coins").at(0).as_object();
  EXPECT_EQ(c.at("gateway").as_string(), "ccp-main");
  EXPECT_EQ(c.at("coin_id").as_string(), "1280");
  EXPECT_EQ(c.at("logo_url").as_string(), "https://example.com/usdt.png");
  const auto& n = c.at("networks").at(0).as_object();
  EXPECT_EQ(n.at("chain").as_string(), "TRX");
  EXPECT_EQ(n.at("precision").as_int64(), 6);
  EXPECT_EQ(n.at("can_deposit").as_bool(), true);
  EXPECT_EQ(n.at("can_withdraw").as_bool(), false);
  EXPECT_EQ(n.at("memo_required").as_bool(), false);
  EXPECT_TRUE(n.at("min_deposit").is_null());
  EXPECT_EQ(n.at("min_withdraw").as_string(), "1.5");
  EXPECT_TRUE(n.at("withdraw_fee").is_null());
}

TEST(RenderGatewayHealth, ShowsCircuitLastSuccessAndLastError) {
  GatewayHealth healthy;
  healthy.id = "ccp-main";
  healthy.type = "ccpayment-v2";
  healthy.health = "healthy";
  healthy.circuit = "closed";
  healthy.last_success_at = sample_time();
  healthy.last_latency_ms = 12;
  healthy.requests = 7;
  GatewayHealth failing;
  failing.id = "kuna";
  failing.type = "kuna";
  failing.health = "unhealthy";
  failing.circuit = "open";
  failing.last_error = make_error(ErrorCode::timeout, "no answer within 5000 ms");
  failing.last_error_at = sample_time();
  const auto doc = json::parse(render_gateway_health({healthy, failing}, sample_time())).as_object();
  const auto& a = doc.at("gateways").at(0).as_object();
  EXPECT_EQ(a.at("health").as_string(), "healthy");
  EXPECT_EQ(a.at("circuit").as_string(), "closed");
  EXPECT_EQ(a.at("last_success_at").as_string(), "2026-11-21T10:00:00.123Z");
  EXPECT_TRUE(a.at("last_error").is_null());
  EXPECT_EQ(a.at("last_latency_ms").as_int64(), 12);
  EXPECT_EQ(a.at("requests").as_int64(), 7);
  const auto& b = doc.at("gateways").at(1).as_object();
  EXPECT_TRUE(b.at("last_success_at").is_null());
  EXPECT_EQ(b.at("circuit").as_string(), "open");
  EXPECT_EQ(b.at("last_error").at("code").as_string(), "timeout");
  EXPECT_EQ(b.at("last_error").at("at").as_string(), "2026-11-21T10:00:00.123Z");
  EXPECT_TRUE(b.at("last_latency_ms").is_null());
}

}  // namespace
}  // namespace coinfan::aggregate
