// The merge sorts pointers and sums sorted runs; its results must stay exactly those of the
// straightforward version (copies sorted stably, per-asset maps), kept here as the reference
// and compared on random sources from a fixed seed, with many ties and unsorted input.

#include "coinfan/aggregate/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace coinfan::aggregate {
namespace {

namespace reference {

bool wanted(const std::vector<std::string>& assets, std::string_view asset) {
  return assets.empty() || std::find(assets.begin(), assets.end(), asset) != assets.end();
}

const Decimal& max_deviation() {
  static const Decimal value = *Decimal::parse(outlier_max_deviation);
  return value;
}

// "7.25% from the median 1.05 of 4 sources" (the percentage rounded to two places).
std::string outlier_reason(const Decimal& deviation, const Decimal& reference, std::size_t count) {
  const auto percent = Decimal::divide(deviation * Decimal::from_int(100), reference, 2);
  return (percent ? percent->to_string() : std::string("?")) + "% from the median " + reference.to_string() + " of " +
         std::to_string(count) + " sources (more than " + (max_deviation() * Decimal::from_int(100)).to_string() +
         "% is left out)";
}

// Flags the quotes too far from the median of them all; leaves every quote in when the rule
// would leave none.
void flag_outliers(std::vector<PriceSource>& sources, const Decimal& reference) {
  if (sources.size() < outlier_min_sources) return;
  std::vector<std::optional<std::string>> flags(sources.size());
  std::size_t flagged = 0;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Decimal deviation = (sources[i].quote.usd - reference).abs();
    if (deviation > reference * max_deviation()) {
      flags[i] = outlier_reason(deviation, reference, sources.size());
      ++flagged;
    }
  }
  if (flagged == sources.size()) return;
  for (std::size_t i = 0; i < sources.size(); ++i) sources[i].outlier = std::move(flags[i]);
}

std::vector<MergedPrice> price_book(const std::vector<Price>& quotes) {
  std::vector<MergedPrice> prices_;
  std::map<std::string, std::vector<PriceSource>, std::less<>> by_asset;
  for (const auto& quote : quotes) {
    if (!quote.usd.is_positive()) continue;
    by_asset[quote.asset].push_back(PriceSource{quote, source_name(quote), std::nullopt});
  }
  prices_.reserve(by_asset.size());
  for (auto& [asset, sources] : by_asset) {
    std::stable_sort(sources.begin(), sources.end(), [](const PriceSource& a, const PriceSource& b) {
      return std::tie(a.quote.gateway, a.quote.network, a.quote.raw_id) <
             std::tie(b.quote.gateway, b.quote.network, b.quote.raw_id);
    });
    std::vector<Decimal> values;
    values.reserve(sources.size());
    for (const auto& source : sources) values.push_back(source.quote.usd);
    flag_outliers(sources, *median(values));
    values.clear();
    for (const auto& source : sources) {
      if (!source.outlier) values.push_back(source.quote.usd);
    }
    prices_.push_back(MergedPrice{asset, *median(std::move(values)), std::move(sources)});
  }
  return prices_;
}

std::vector<Balance> merge_balances(const std::vector<GatewayBalances>& sources, const PriceBook& book,
                                    const std::vector<std::string>& assets) {
  std::vector<Balance> out;
  for (const auto& source : sources) {
    for (const auto& balance : source.balances) {
      if (!wanted(assets, balance.asset)) continue;
      Balance merged = balance;
      merged.gateway = source.gateway;
      const MergedPrice* price = book.find(balance.asset);
      merged.usd_price = price ? std::optional<Decimal>(price->usd) : std::nullopt;
      merged.usd_value = usd_value(merged.total, merged.usd_price);
      out.push_back(std::move(merged));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Balance& a, const Balance& b) {
    // nullopt orders before any network.
    return std::tie(a.asset, a.gateway, a.network, a.raw_asset) <
           std::tie(b.asset, b.gateway, b.network, b.raw_asset);
  });
  return out;
}

std::vector<AssetTotal> totals_per_asset(const std::vector<Balance>& balances, const PriceBook& book) {
  std::map<std::string, AssetTotal, std::less<>> by_asset;
  for (const auto& balance : balances) {
    auto [it, inserted] = by_asset.try_emplace(balance.asset);
    AssetTotal& total = it->second;
    if (inserted) {
      total.asset = balance.asset;
      if (const MergedPrice* price = book.find(balance.asset)) {
        total.usd_price = price->usd;
        for (const auto& source : price->sources) {
          if (!source.outlier) total.price_sources.push_back(source.name);
        }
      }
    }
    total.total += balance.total;
    total.available += balance.available;
    total.locked += balance.locked;
    if (balance.usd_value) total.usd_value = total.usd_value.value_or(Decimal{}) + *balance.usd_value;
  }
  std::vector<AssetTotal> out;
  out.reserve(by_asset.size());
  for (auto& [asset, total] : by_asset) out.push_back(std::move(total));
  return out;
}

}  // namespace reference

Decimal dec(std::string_view text) {
  auto value = Decimal::parse(text);
  if (!value) throw std::invalid_argument("bad decimal in test: " + std::string(text));
  return std::move(value).value();
}

class RandomSources {
 public:
  explicit RandomSources(std::uint32_t seed) : rng_(seed) {}
  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  // Few distinct values, so that keys tie often.
  std::string pick(std::initializer_list<const char*> names) { return *(names.begin() + below(names.size())); }
  std::optional<std::string> maybe(std::initializer_list<const char*> names) {
    return below(3) == 0 ? std::nullopt : std::optional<std::string>(pick(names));
  }
  Decimal amount() {
    static const char* values[] = {"0", "1", "2.5", "-3", "0.00000001", "123456789.123456789", "1.05", "0.95", "100"};
    return dec(values[below(std::size(values))]);
  }
  Price quote() {
    return Price{pick({"BTC", "ETH", "USDT", "ZZZ"}), amount(), pick({"a", "b", "c"}), pick({"USD", "USDT"}),
                 pick({"1", "2", ""}), maybe({"TRC20", "ERC20"}), below(2) == 0};
  }
  Balance balance() {
    Balance b;
    b.gateway = pick({"x", "y"});  // the merge replaces it with the source's id
    b.asset = pick({"BTC", "ETH", "USDT", "ZZZ", "QQQ"});
    b.network = maybe({"TRC20", "ERC20", "BSC"});
    b.total = amount();
    b.available = amount();
    b.locked = amount();
    b.usd_price = below(2) == 0 ? std::optional<Decimal>(amount()) : std::nullopt;  // overwritten
    b.raw_asset = pick({"r1", "r2", ""});
    return b;
  }
  std::vector<GatewayBalances> sources() {
    std::vector<GatewayBalances> out(below(5));
    for (auto& source : out) {
      source.gateway = pick({"a", "b", "c", "b"});
      source.balances.resize(below(12));
      for (auto& b : source.balances) b = balance();
      source.prices.resize(below(8));
      for (auto& p : source.prices) p = quote();
    }
    return out;
  }
  std::vector<std::string> assets() {
    if (below(2) == 0) return {};
    return {pick({"BTC", "ETH"}), pick({"USDT", "NONE"})};
  }

 private:
  std::mt19937 rng_;
};

TEST(MergeReference, RandomSourcesMergeAsTheStraightforwardVersionDid) {
  RandomSources random(20261203u);
  for (int round = 0; round < 2000; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto sources = random.sources();
    const auto assets = random.assets();
    const auto quotes = quotes_of(sources);
    const PriceBook book(quotes);
    ASSERT_EQ(book.prices(), reference::price_book(quotes));
    const auto merged = merge_balances(sources, book, assets);
    ASSERT_EQ(merged, reference::merge_balances(sources, book, assets));
    ASSERT_EQ(totals_per_asset(merged, book), reference::totals_per_asset(merged, book));
    // Balances in no particular order take the other path.
    auto shuffled = merged;
    for (const auto& source : sources) shuffled.insert(shuffled.end(), source.balances.begin(), source.balances.end());
    std::reverse(shuffled.begin(), shuffled.end());
    ASSERT_EQ(totals_per_asset(shuffled, book), reference::totals_per_asset(shuffled, book));
  }
}

}  // namespace
}  // namespace coinfan::aggregate
