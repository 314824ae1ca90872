// Merging balances, totals, median prices and USD values: exact decimal arithmetic only.

#include "coinfan/aggregate/merge.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace coinfan::aggregate {
namespace {

Decimal dec(std::string_view text) {
  auto value = Decimal::parse(text);
  if (!value) throw std::invalid_argument("bad decimal in test: " + std::string(text));
  return std::move(value).value();
}

// A provider amount as the parsers read it: "" is an empty balance.
Decimal amount(std::string_view text) {
  auto value = Decimal::parse_amount(text, true);
  if (!value) throw std::invalid_argument("bad amount in test: " + std::string(text));
  return std::move(value).value();
}

Balance balance(std::string gateway, std::string asset, std::string_view total,
                std::optional<std::string> network = std::nullopt) {
  Balance b;
  b.gateway = std::move(gateway);
  b.asset = asset;
  b.network = std::move(network);
  b.total = amount(total);
  b.available = amount(total);
  b.raw_asset = asset;
  return b;
}

Price price(std::string gateway, std::string asset, std::string_view usd, std::string raw_id = "") {
  return Price{std::move(asset), dec(usd), std::move(gateway), "USDT", std::move(raw_id), std::nullopt, false};
}

GatewayStatus ok_status(std::string id) {
  GatewayStatus s;
  s.id = std::move(id);
  s.type = "ccpayment-v2";
  s.ok = true;
  s.age_ms = 0;
  return s;
}

TEST(UsdValue, IsAmountTimesPriceRoundedHalfEvenToEightPlaces) {
  EXPECT_EQ(usd_value(dec("2"), dec("1.5"))->to_string(), "3");
  // Exactly half-way: to the even neighbour.
  EXPECT_EQ(usd_value(dec("1"), dec("0.000000005"))->to_string(), "0");
  EXPECT_EQ(usd_value(dec("1"), dec("0.000000015"))->to_string(), "0.00000002");
  EXPECT_EQ(usd_value(dec("3"), dec("0.123456785"))->to_string(), "0.37037036");  // 0.370370355
  EXPECT_EQ(usd_value(dec("3"), dec("0.123456781666666667"))->to_string(), "0.37037035");
  EXPECT_EQ(usd_value(dec("0.1"), dec("0.000000045"))->to_string(), "0");  // 0.0000000045
  EXPECT_EQ(usd_value(dec("-1"), dec("0.000000025"))->to_string(), "-0.00000002");
  EXPECT_EQ(usd_value_places, 8u);
}

TEST(UsdValue, IsUnknownWithoutAPrice) { EXPECT_FALSE(usd_value(dec("5"), std::nullopt).has_value()); }

TEST(Median, OddCountIsTheMiddleValue) {
  EXPECT_EQ(median({dec("3"), dec("1"), dec("2")})->to_string(), "2");
  EXPECT_EQ(median({dec("42.5")})->to_string(), "42.5");
}

TEST(Median, EvenCountIsTheExactMeanOfTheMiddleTwo) {
  EXPECT_EQ(median({dec("0.2"), dec("0.1")})->to_string(), "0.15");
  EXPECT_EQ(median({dec("1"), dec("2"), dec("100"), dec("0")})->to_string(), "1.5");
  EXPECT_EQ(median({dec("0.000000000000000001"), dec("0.000000000000000002")})->to_string(),
            "0.0000000000000000015");
}

TEST(Median, OfNothingIsUnknown) { EXPECT_FALSE(median({}).has_value()); }

TEST(PriceBook, MedianPerAssetWithEverySourceListed) {
  PriceBook book({price("b", "BTC", "64000.5", "1"), price("a", "BTC", "64001", "BTC"),
                  price("c", "BTC", "63000", "x"), price("a", "ETH", "3000.1", "ETH")});
  const auto& merged = book.prices();
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].asset, "BTC");
  EXPECT_EQ(merged[0].usd.to_string(), "64000.5");
  ASSERT_EQ(merged[0].sources.size(), 3u);
  EXPECT_EQ(merged[0].sources[0].quote.gateway, "a");
  EXPECT_EQ(merged[0].sources[0].name, "a BTC");
  EXPECT_EQ(merged[0].sources[1].quote.gateway, "b");
  EXPECT_EQ(merged[0].sources[2].quote.gateway, "c");
  for (const auto& source : merged[0].sources) EXPECT_FALSE(source.outlier) << source.name;
  EXPECT_EQ(merged[1].asset, "ETH");
  EXPECT_EQ(merged[1].usd.to_string(), "3000.1");
  ASSERT_NE(book.find("ETH"), nullptr);
  EXPECT_EQ(book.find("ETH")->usd.to_string(), "3000.1");
  EXPECT_EQ(book.find("XRP"), nullptr);
}

TEST(PriceBook, DropsZeroAndNegativePrices) {
  PriceBook book({price("a", "BTC", "0"), price("b", "BTC", "-1"), price("a", "ETH", "2")});
  ASSERT_EQ(book.prices().size(), 1u);
  EXPECT_EQ(book.prices()[0].asset, "ETH");
}

TEST(PriceBook, MedianOfTwoIsExact) {
  PriceBook book({price("a", "BTC", "67321.55"), price("b", "BTC", "67320.540422498704")});
  EXPECT_EQ(book.find("BTC")->usd.to_string(), "67321.045211249352");
}

TEST(PriceBook, ASourceMoreThanFivePercentFromTheMedianOfThreeIsAnOutlier) {
  // Median of 100, 104, 120 is 104; 120 is 15.38 % away, 100 is 3.85 % away.
  PriceBook book({price("a", "ETH", "100"), price("b", "ETH", "104"), price("c", "ETH", "120")});
  const MergedPrice& eth = *book.find("ETH");
  ASSERT_EQ(eth.sources.size(), 3u);
  EXPECT_FALSE(eth.sources[0].outlier);
  EXPECT_FALSE(eth.sources[1].outlier);
  ASSERT_TRUE(eth.sources[2].outlier);
  EXPECT_EQ(*eth.sources[2].outlier, "15.38% from the median 104 of 3 sources (more than 5% is left out)");
  // The merged price is the median of the two left: (100 + 104) / 2.
  EXPECT_EQ(eth.usd.to_string(), "102");
}

TEST(PriceBook, ExactlyFivePercentIsNoOutlierAndTwoSourcesNeverAre) {
  PriceBook at_limit({price("a", "ETH", "95"), price("b", "ETH", "100"), price("c", "ETH", "105")});
  for (const auto& source : at_limit.find("ETH")->sources) EXPECT_FALSE(source.outlier) << source.name;
  EXPECT_EQ(at_limit.find("ETH")->usd.to_string(), "100");
  PriceBook beyond({price("a", "ETH", "94.99"), price("b", "ETH", "100"), price("c", "ETH", "105")});
  EXPECT_TRUE(beyond.find("ETH")->sources[0].outlier);
  PriceBook two({price("a", "ETH", "100"), price("b", "ETH", "200")});
  for (const auto& source : two.find("ETH")->sources) EXPECT_FALSE(source.outlier) << source.name;
  EXPECT_EQ(two.find("ETH")->usd.to_string(), "150");
}

TEST(PriceBook, WhenEverySourceIsFarFromTheMedianNoneIsLeftOut) {
  // Median of 1, 1, 2, 2 is 1.5: every quote is 33 % away; dropping all would price nothing.
  PriceBook book({price("a", "X", "1"), price("b", "X", "1"), price("c", "X", "2"), price("d", "X", "2")});
  for (const auto& source : book.find("X")->sources) EXPECT_FALSE(source.outlier) << source.name;
  EXPECT_EQ(book.find("X")->usd.to_string(), "1.5");
}

TEST(PriceBook, PerNetworkQuotesOfOneGatewayAreNamedApart) {
  Price trc20 = price("cloud", "USDT", "1.0002", "USDT_TRC20");
  trc20.network = "TRC20";
  Price erc20 = price("cloud", "USDT", "0.9998", "USDT_ERC20");
  erc20.network = "ERC20";
  PriceBook book({trc20, erc20, price("ccp-main", "USDT", "1", "1280")});
  const MergedPrice& usdt = *book.find("USDT");
  ASSERT_EQ(usdt.sources.size(), 3u);
  EXPECT_EQ(usdt.sources[0].name, "ccp-main USDT");
  EXPECT_EQ(usdt.sources[1].name, "cloud USDT/ERC20");
  EXPECT_EQ(usdt.sources[2].name, "cloud USDT/TRC20");
  EXPECT_EQ(usdt.usd.to_string(), "1");
}

TEST(MergeBalances, SumsExactlyAcrossGateways) {
  // 0.1 + 0.2 + "" must be 0.3, which binary floating point cannot say.
  std::vector<GatewayBalances> sources = {
      {"a", {balance("a", "USDT", "0.1")}, {}},
      {"b", {balance("b", "USDT", "0.2")}, {}},
      {"c", {balance("c", "USDT", "")}, {}},
  };
  auto merged = merge_balances(sources, PriceBook{});
  ASSERT_EQ(merged.size(), 3u);
  auto totals = totals_per_asset(merged, PriceBook{});
  ASSERT_EQ(totals.size(), 1u);
  EXPECT_EQ(totals[0].asset, "USDT");
  EXPECT_EQ(totals[0].total.to_string(), "0.3");
  EXPECT_EQ(totals[0].available.to_string(), "0.3");
  EXPECT_EQ(totals[0].locked.to_string(), "0");
  EXPECT_FALSE(totals[0].usd_value.has_value());
}

TEST(MergeBalances, TwentyFourDigitAmountsPassUnchanged) {
  const std::string big = "123456789012345678.901234";
  const std::string tiny = "0.000000000000000000000001";
  std::vector<GatewayBalances> sources = {{"a", {balance("a", "ETH", big), balance("a", "BTC", tiny)}, {}}};
  auto merged = merge_balances(sources, PriceBook{});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].asset, "BTC");
  EXPECT_EQ(merged[0].total.to_string(), tiny);
  EXPECT_EQ(merged[1].total.to_string(), big);
  auto totals = totals_per_asset(merged, PriceBook{});
  EXPECT_EQ(totals[1].total.to_string(), big);
  EXPECT_EQ((dec(big) + dec(big)).to_string(), "246913578024691357.802468");
}

TEST(MergeBalances, EveryBalanceOfAnAssetIsValuedAtTheOneBookPrice) {
  std::vector<GatewayBalances> sources = {
      {"a", {balance("a", "BTC", "2")}, {price("a", "BTC", "60000")}},
      {"b", {balance("b", "BTC", "1")}, {price("b", "BTC", "62000")}},
      {"c", {balance("c", "BTC", "1")}, {price("c", "BTC", "63000")}},
      {"d", {balance("d", "BTC", "0.5")}, {}},
  };
  const PriceBook book(quotes_of(sources));
  auto merged = merge_balances(sources, book);
  ASSERT_EQ(merged.size(), 4u);
  for (const auto& balance : merged) EXPECT_EQ(balance.usd_price->to_string(), "62000") << balance.gateway;
  EXPECT_EQ(merged[0].usd_value->to_string(), "124000");
  EXPECT_EQ(merged[3].usd_value->to_string(), "31000");
  auto totals = totals_per_asset(merged, book);
  EXPECT_EQ(totals[0].total.to_string(), "4.5");
  EXPECT_EQ(totals[0].usd_price->to_string(), "62000");
  EXPECT_EQ(totals[0].usd_value->to_string(), "279000");
  EXPECT_EQ(totals[0].price_sources, (std::vector<std::string>{"a BTC", "b BTC", "c BTC"}));
}

TEST(MergeBalances, APriceOnTheBalanceIsReplacedByTheBooksAndOutliersAreNotSources) {
  Balance own = balance("a", "USDT", "10", "TRC20");
  own.usd_price = dec("0.5");
  std::vector<GatewayBalances> sources = {
      {"a", {own}, {price("a", "USDT", "1")}}, {"b", {}, {price("b", "USDT", "1.01")}}, {"c", {}, {price("c", "USDT", "2")}}};
  auto view = build_balance_view(sources, {ok_status("a"), ok_status("b"), ok_status("c")}, {}, TimePointMs{});
  ASSERT_EQ(view.balances.size(), 1u);
  EXPECT_EQ(view.balances[0].usd_price->to_string(), "1.005");
  EXPECT_EQ(view.balances[0].usd_value->to_string(), "10.05");
  EXPECT_EQ(view.totals[0].price_sources, (std::vector<std::string>{"a USDT", "b USDT"}));
}

TEST(MergeBalances, UnpricedAssetStaysNullAndLeavesTheTotal) {
  std::vector<GatewayBalances> sources = {
      {"a", {balance("a", "BTC", "1"), balance("a", "ZZZ", "5")}, {price("a", "BTC", "100.123456789")}}};
  auto view = build_balance_view(sources, {ok_status("a")}, {}, TimePointMs{});
  ASSERT_EQ(view.balances.size(), 2u);
  EXPECT_FALSE(view.balances[1].usd_price.has_value());
  EXPECT_FALSE(view.balances[1].usd_value.has_value());
  EXPECT_EQ(view.usd_total.to_string(), "100.12345679");
  EXPECT_EQ(view.unpriced_assets, std::vector<std::string>{"ZZZ"});
  EXPECT_TRUE(view.complete);
  EXPECT_FALSE(view.totals[1].usd_price.has_value());
  EXPECT_TRUE(view.totals[1].price_sources.empty());
}

TEST(MergeBalances, SeveralAccountsOfOneProviderKeepTheirIds) {
  // The balances claim another gateway id; the source's id is the truth.
  std::vector<GatewayBalances> sources = {
      {"ccp-main", {balance("whatever", "USDT", "1.5")}, {}},
      {"ccp-second", {balance("", "USDT", "2.25")}, {}},
  };
  auto merged = merge_balances(sources, PriceBook{});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].gateway, "ccp-main");
  EXPECT_EQ(merged[1].gateway, "ccp-second");
  EXPECT_EQ(totals_per_asset(merged, PriceBook{})[0].total.to_string(), "3.75");
}

TEST(MergeBalances, SortsByAssetGatewayAndNetworkAndFiltersAssets) {
  std::vector<GatewayBalances> sources = {
      {"b", {balance("b", "USDT", "1", "TRC20"), balance("b", "USDT", "2"), balance("b", "BTC", "3")}, {}},
      {"a", {balance("a", "USDT", "4", "ERC20"), balance("a", "ETH", "5")}, {}},
  };
  auto merged = merge_balances(sources, PriceBook{}, {"USDT", "BTC"});
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].asset, "BTC");
  EXPECT_EQ(merged[1].gateway, "a");
  EXPECT_EQ(merged[2].gateway, "b");
  EXPECT_FALSE(merged[2].network.has_value());
  EXPECT_EQ(merged[3].network, "TRC20");
}

TEST(BalanceView, IsIncompleteWhenAnyGatewayFailed) {
  GatewayStatus failed = ok_status("b");
  failed.ok = false;
  failed.error = make_error(ErrorCode::timeout, "no answer within 5000 ms");
  auto view = build_balance_view({{"a", {balance("a", "BTC", "1")}, {}}}, {ok_status("a"), failed}, {}, TimePointMs{});
  EXPECT_FALSE(view.complete);
  EXPECT_EQ(view.gateways.size(), 2u);
  EXPECT_EQ(view.usd_total.to_string(), "0");
}

TEST(PriceView, MergesAndFilters) {
  auto view = build_price_view({price("a", "BTC", "1"), price("b", "BTC", "3"), price("a", "ETH", "2")},
                               {ok_status("a"), ok_status("b")}, {"BTC"}, TimePointMs{});
  ASSERT_EQ(view.prices.size(), 1u);
  EXPECT_EQ(view.prices[0].usd.to_string(), "2");
  EXPECT_TRUE(view.complete);
}

TEST(CoinView, SetsGatewaySortsAndFilters) {
  Coin usdt;
  usdt.coin_id = "1280";
  usdt.asset = "USDT";
  Coin btc;
  btc.coin_id = "1155";
  btc.asset = "BTC";
  auto view = build_coin_view({{"b", {usdt, btc}}, {"a", {usdt}}}, {}, {"USDT"}, TimePointMs{});
  ASSERT_EQ(view.coins.size(), 2u);
  EXPECT_EQ(view.coins[0].gateway, "a");
  EXPECT_EQ(view.coins[1].gateway, "b");
}

}  // namespace
}  // namespace coinfan::aggregate
