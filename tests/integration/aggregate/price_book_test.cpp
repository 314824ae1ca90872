// The price book end to end: the real adapters against the simulated providers, over HTTP on
// loopback. One balance call per gateway feeds both /v1/balances and /v1/prices, and both value
// every asset at the same merged price.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <set>
#include <string>

#include "coinfan/core/decimal.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "integration/aggregate/simulated_fleet.hpp"

namespace coinfan::aggregate {
namespace {

namespace json = boost::json;
using namespace testing_support;

Decimal dec(json::string_view text) { return *Decimal::parse(std::string_view(text.data(), text.size())); }

std::map<std::string, std::string> merged_prices(const json::object& prices_body) {
  std::map<std::string, std::string> out;
  for (const auto& price : prices_body.at("prices").as_array()) {
    out[std::string(price.at("asset").as_string())] = std::string(price.at("usd").as_string());
  }
  return out;
}

// Significant digits of a canonical decimal string, from the first non-zero digit to the last
// ("0.000123" -> 3, "1200" -> 2, "1.05" -> 3).
std::size_t significant_digits(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  const auto first = digits.find_first_not_of('0');
  return first == std::string::npos ? 0 : digits.find_last_not_of('0') - first + 1;
}

TEST(SimulatedPriceBook, ACcpaymentV2OnlyMerchantHasEveryHeldCoinPricedAndAnExactTotal) {
  SimulatedFleet fleet({}, {}, {{"ccp-main", gateways::ccpayment_v2::type}});
  const auto body = fleet.get("/v1/balances");
  std::map<std::string, Decimal> catalogue;  // symbol -> what getCoinUSDTPrice answers
  for (const auto& coin : sim::demo_ccpayment_v2_account().coins) catalogue[coin.symbol] = coin.usdt_price;

  EXPECT_TRUE(body.at("unpriced_assets").as_array().empty()) << json::serialize(body);
  Decimal sum;
  std::set<std::string> seen;
  for (const auto& item : body.at("balances").as_array()) {
    const auto& balance = item.as_object();
    const std::string asset(balance.at("asset").as_string());
    seen.insert(asset);
    ASSERT_TRUE(balance.at("usd_price").is_string()) << asset;
    EXPECT_EQ(dec(balance.at("usd_price").as_string()), catalogue.at(asset)) << asset;
    const Decimal value = (dec(balance.at("total").as_string()) * catalogue.at(asset)).round_half_even(8);
    EXPECT_EQ(dec(balance.at("usd_value").as_string()), value) << asset;
    sum += value;
  }
  EXPECT_TRUE(seen.count("USDT"));
  EXPECT_EQ(dec(body.at("usd_total").as_string()), sum);
  for (const auto& total : body.at("totals").as_array()) {
    ASSERT_EQ(total.at("price_sources").as_array().size(), 1u) << json::serialize(total);
    EXPECT_EQ(total.at("price_sources").at(0).as_string(), "ccp-main " + std::string(total.at("asset").as_string()));
  }
}

TEST(SimulatedPriceBook, BalancesAndPricesShowTheSamePriceFromOneUpstreamCallPerGateway) {
  SimulatedFleet fleet;
  const auto balances = fleet.get("/v1/balances");
  const auto prices = fleet.get("/v1/prices");
  const auto merged = merged_prices(prices);
  ASSERT_FALSE(merged.empty());
  std::size_t compared = 0;
  for (const auto& item : balances.at("balances").as_array()) {
    const std::string asset(item.at("asset").as_string());
    const auto it = merged.find(asset);
    if (it == merged.end()) {
      EXPECT_TRUE(item.at("usd_price").is_null()) << asset;
      continue;
    }
    EXPECT_EQ(item.at("usd_price").as_string(), it->second) << asset << " of " << item.at("gateway").as_string();
    ++compared;
  }
  for (const auto& total : balances.at("totals").as_array()) {
    const std::string asset(total.at("asset").as_string());
    if (merged.count(asset)) {
      EXPECT_EQ(total.at("usd_price").as_string(), merged.at(asset)) << asset;
    }
  }
  EXPECT_GT(compared, 10u);
  // In the demo, XRP, LINK and MATIC are priced only by CCPayment v2: valued, not unpriced.
  for (const char* asset : {"XRP", "LINK", "MATIC"}) EXPECT_TRUE(merged.count(asset)) << asset;
  for (const auto& asset : balances.at("unpriced_assets").as_array()) {
    EXPECT_FALSE(merged.count(std::string(asset.as_string()))) << asset;
  }

  // One balance call per gateway (after TruBit's and Kuna's token), one price call for the
  // CCPayment v2 account; the prices view asked no gateway again.
  EXPECT_EQ(fleet.simulator("ccp-main").requests("/ccpayment/v2/getAppCoinAssetList"), 1u);
  EXPECT_EQ(fleet.simulator("ccp-main").requests("/ccpayment/v2/getCoinUSDTPrice"), 1u);
  EXPECT_EQ(fleet.simulator("ccp-main").requests(), 2u);
  EXPECT_EQ(fleet.simulator("ccp-legacy").requests(), 1u);
  EXPECT_EQ(fleet.simulator("cloud").requests(), 1u);
  EXPECT_EQ(fleet.simulator("trubit").requests("/v2/user/account/assets"), 1u);
  EXPECT_EQ(fleet.simulator("trubit").requests(), 2u);
  EXPECT_EQ(fleet.simulator("kuna").requests("/v2/balance"), 1u);
  EXPECT_EQ(fleet.simulator("kuna").requests(), 2u);
  // Gateways without prices are not part of the prices view.
  std::set<std::string> asked;
  for (const auto& status : prices.at("gateways").as_array()) asked.insert(std::string(status.at("id").as_string()));
  EXPECT_EQ(asked, (std::set<std::string>{"ccp-main", "ccp-legacy", "cloud"}));
}

TEST(SimulatedPriceBook, PricesTheOtherWayRoundShareTheBalanceCallsToo) {
  SimulatedFleet fleet;
  const auto prices = fleet.get("/v1/prices");
  const auto balances = fleet.get("/v1/balances");
  const auto merged = merged_prices(prices);
  for (const auto& total : balances.at("totals").as_array()) {
    const std::string asset(total.at("asset").as_string());
    if (merged.count(asset)) {
      EXPECT_EQ(total.at("usd_price").as_string(), merged.at(asset)) << asset;
    }
  }
  EXPECT_EQ(fleet.simulator("ccp-main").requests(), 2u);
  EXPECT_EQ(fleet.simulator("ccp-legacy").requests(), 1u);
  EXPECT_EQ(fleet.simulator("cloud").requests(), 1u);
}

TEST(SimulatedPriceBook, DerivedPricesKeepAtMostTwelveSignificantDigitsAndNoExponent) {
  SimulatedFleet fleet;
  const auto prices = fleet.get("/v1/prices");
  std::size_t derived = 0;
  for (const auto& price : prices.at("prices").as_array()) {
    for (const auto& source : price.at("sources").as_array()) {
      const std::string usd(source.at("usd").as_string());
      EXPECT_EQ(usd.find_first_of("eE"), std::string::npos) << usd;
      if (!source.at("derived").as_bool()) continue;
      ++derived;
      EXPECT_EQ(source.at("gateway").as_string(), "cloud");
      EXPECT_LE(significant_digits(usd), derived_price_digits) << usd;
    }
  }
  EXPECT_GE(derived, 4u);
  // TRX: CryptoCloud's 335.55 USD for 1234.567891 TRX, at 12 significant digits.
  const auto balances = fleet.get("/v1/balances?gateway=cloud&asset=TRX");
  EXPECT_EQ(balances.at("totals").at(0).at("usd_price").as_string(), "0.271795502253");
}

TEST(SimulatedPriceBook, OneGatewaysPerNetworkQuotesAreNamedApart) {
  SimulatedFleet fleet;
  const auto prices = fleet.get("/v1/prices?asset=USDT");
  std::map<std::string, std::string> by_name;  // name -> network
  for (const auto& source : prices.at("prices").at(0).at("sources").as_array()) {
    const auto& network = source.at("network");
    by_name[std::string(source.at("name").as_string())] = network.is_null() ? "" : std::string(network.as_string());
  }
  EXPECT_EQ(by_name.at("cloud USDT/TRC20"), "TRC20");
  EXPECT_EQ(by_name.at("cloud USDT/ERC20"), "ERC20");
  EXPECT_EQ(by_name.at("ccp-main USDT"), "");
}

TEST(SimulatedPriceBook, AQuoteFarFromTheOthersIsFlaggedAndLeftOutOfTheMedian) {
  SimulatedFleet fleet;
  // BTC: CCPayment v2 67321.55, CryptoCloud 83.11 / 0.00123456; CCPayment v1 now 20 % high.
  auto& v1 = fleet.provider<sim::CcpaymentV1Provider>("ccp-legacy");
  ASSERT_TRUE(v1.set_price("f36ad1cf-222a-4933-9ad0-86df8069f916", *Decimal::parse("80785.86")));
  const auto prices = fleet.get("/v1/prices?asset=BTC");
  const auto& btc = prices.at("prices").at(0).as_object();
  std::map<std::string, const json::object*> by_name;
  for (const auto& source : btc.at("sources").as_array()) by_name[std::string(source.at("name").as_string())] = &source.as_object();
  ASSERT_EQ(by_name.size(), 3u);
  const auto& outlier = *by_name.at("ccp-legacy BTC");
  EXPECT_TRUE(outlier.at("outlier").as_bool());
  EXPECT_NE(std::string(outlier.at("outlier_reason").as_string()).find("% from the median 67321.55 of 3 sources"),
            std::string::npos)
      << outlier.at("outlier_reason");
  EXPECT_FALSE(by_name.at("ccp-main BTC")->at("outlier").as_bool());
  EXPECT_FALSE(by_name.at("cloud BTC")->at("outlier").as_bool());
  // The merged price is the exact mean of the two left.
  const Decimal expected = *Decimal::divide(dec(by_name.at("ccp-main BTC")->at("usd").as_string()) +
                                                dec(by_name.at("cloud BTC")->at("usd").as_string()),
                                            Decimal::from_int(2), 20);
  EXPECT_EQ(dec(btc.at("usd").as_string()), expected);
  // /v1/balances names only the sources the price was made of.
  const auto balances = fleet.get("/v1/balances?asset=BTC");
  const auto& sources = balances.at("totals").at(0).at("price_sources").as_array();
  EXPECT_EQ(sources, (json::array{"ccp-main BTC", "cloud BTC"}));
  EXPECT_EQ(balances.at("totals").at(0).at("usd_price"), btc.at("usd"));
}

TEST(SimulatedPriceBook, AFailedPriceCallShowsInThePricesViewWhileItsBalancesStay) {
  SimulatedFleet fleet;
  fleet.simulator("ccp-main").inject(sim::Fault::http_status_of(503).on("/ccpayment/v2/getCoinUSDTPrice"));
  const auto balances = fleet.get("/v1/balances?gateway=ccp-main,cloud");
  EXPECT_EQ(status_of(balances, "ccp-main").at("status").as_string(), "ok");
  bool held = false;
  for (const auto& balance : balances.at("balances").as_array()) held = held || balance.at("gateway").as_string() == "ccp-main";
  EXPECT_TRUE(held);
  const auto prices = fleet.get("/v1/prices?gateway=ccp-main,cloud");
  EXPECT_FALSE(prices.at("complete").as_bool());
  const auto& status = status_of(prices, "ccp-main");
  EXPECT_EQ(status.at("status").as_string(), "error");
  EXPECT_EQ(status.at("error").at("code").as_string(), "http_status");
  for (const auto& price : prices.at("prices").as_array()) {
    for (const auto& source : price.at("sources").as_array()) EXPECT_EQ(source.at("gateway").as_string(), "cloud");
  }
  // One balance call served both views.
  EXPECT_EQ(fleet.simulator("ccp-main").requests("/ccpayment/v2/getAppCoinAssetList"), 1u);
}

TEST(SimulatedPriceBook, AGatewayWithoutPricesCannotBeAskedForThem) {
  SimulatedFleet fleet;
  const auto body = fleet.get("/v1/prices?gateway=trubit", 400);
  EXPECT_NE(std::string(body.at("detail").as_string()).find("'trubit' quotes no prices"), std::string::npos);
  EXPECT_EQ(fleet.simulator("trubit").requests(), 0u);
}

}  // namespace
}  // namespace coinfan::aggregate
