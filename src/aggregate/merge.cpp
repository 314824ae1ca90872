#include "coinfan/aggregate/merge.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace coinfan::aggregate {

namespace {

bool wanted(const std::vector<std::string>& assets, std::string_view asset) {
  return assets.empty() || std::find(assets.begin(), assets.end(), asset) != assets.end();
}

bool all_ok(const std::vector<GatewayStatus>& statuses) {
  return std::all_of(statuses.begin(), statuses.end(), [](const GatewayStatus& s) { return s.ok; });
}

}  // namespace

std::optional<Decimal> usd_value(const Decimal& amount, const std::optional<Decimal>& usd_price) {
  if (!usd_price) return std::nullopt;
  return (amount * *usd_price).round_half_even(usd_value_places);
}

std::optional<Decimal> median(std::vector<Decimal> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  // Halving adds at most one fractional digit, so this division is exact.
  const Decimal sum = values[middle - 1] + values[middle];
  auto half = Decimal::divide(sum, Decimal::from_int(2), sum.scale() + 1);
  return half.ok() ? std::optional<Decimal>(half.value()) : std::nullopt;
}

namespace {

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

}  // namespace

PriceBook::PriceBook(const std::vector<Price>& quotes) {
  // The positive quotes in order of asset, then gateway, network and raw id, ties kept in
  // input order: each asset's run is what a per-asset list sorted stably by the last three
  // would hold. Sorting pointers moves no quote; each is copied once, into its source.
  std::vector<const Price*> order;
  order.reserve(quotes.size());
  for (const auto& quote : quotes) {
    if (quote.usd.is_positive()) order.push_back(&quote);
  }
  std::stable_sort(order.begin(), order.end(), [](const Price* a, const Price* b) {
    return std::tie(a->asset, a->gateway, a->network, a->raw_id) <
           std::tie(b->asset, b->gateway, b->network, b->raw_id);
  });
  std::vector<Decimal> values;
  for (auto run = order.begin(); run != order.end();) {
    const std::string& asset = (*run)->asset;
    auto run_end = std::find_if(run, order.end(), [&](const Price* quote) { return quote->asset != asset; });
    std::vector<PriceSource> sources;
    sources.reserve(static_cast<std::size_t>(run_end - run));
    for (auto it = run; it != run_end; ++it) sources.push_back(PriceSource{**it, source_name(**it), std::nullopt});
    values.clear();
    for (const auto& source : sources) values.push_back(source.quote.usd);
    flag_outliers(sources, *median(values));
    values.clear();
    for (const auto& source : sources) {
      if (!source.outlier) values.push_back(source.quote.usd);
    }
    prices_.push_back(MergedPrice{asset, *median(values), std::move(sources)});
    run = run_end;
  }
}

const MergedPrice* PriceBook::find(std::string_view asset) const {
  const auto it = std::lower_bound(prices_.begin(), prices_.end(), asset,
                                   [](const MergedPrice& price, std::string_view key) { return price.asset < key; });
  return it != prices_.end() && it->asset == asset ? &*it : nullptr;
}

std::vector<Price> quotes_of(const std::vector<GatewayBalances>& sources) {
  std::vector<Price> quotes;
  for (const auto& source : sources) {
    for (Price quote : source.prices) {
      quote.gateway = source.gateway;
      quotes.push_back(std::move(quote));
    }
  }
  return quotes;
}

std::vector<Balance> merge_balances(const std::vector<GatewayBalances>& sources, const PriceBook& book,
                                    const std::vector<std::string>& assets) {
  // Sorted as pointers (stably, so the order is the one sorting the merged copies gave), then
  // each balance is copied once, straight into its place.
  struct Item {
    const Balance* balance;
    const std::string* gateway;  // the source's id, which the merged balance carries
  };
  std::vector<Item> items;
  for (const auto& source : sources) {
    for (const auto& balance : source.balances) {
      if (wanted(assets, balance.asset)) items.push_back(Item{&balance, &source.gateway});
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    // nullopt orders before any network.
    return std::tie(a.balance->asset, *a.gateway, a.balance->network, a.balance->raw_asset) <
           std::tie(b.balance->asset, *b.gateway, b.balance->network, b.balance->raw_asset);
  });
  std::vector<Balance> out;
  out.reserve(items.size());
  const std::string* priced_asset = nullptr;  // the asset `price` was looked up for
  const MergedPrice* price = nullptr;
  for (const auto& item : items) {
    const Balance& balance = *item.balance;
    if (priced_asset == nullptr || *priced_asset != balance.asset) {
      price = book.find(balance.asset);
      priced_asset = &balance.asset;
    }
    Balance& merged = out.emplace_back(balance);
    merged.gateway = *item.gateway;
    merged.usd_price = price ? std::optional<Decimal>(price->usd) : std::nullopt;
    merged.usd_value = usd_value(merged.total, merged.usd_price);
  }
  return out;
}

namespace {

// A new total for `asset`, with the book's price and the sources it is the median of.
AssetTotal start_total(const std::string& asset, const PriceBook& book) {
  AssetTotal total;
  total.asset = asset;
  if (const MergedPrice* price = book.find(asset)) {
    total.usd_price = price->usd;
    for (const auto& source : price->sources) {
      if (!source.outlier) total.price_sources.push_back(source.name);
    }
  }
  return total;
}

void add_to_total(AssetTotal& total, const Balance& balance) {
  total.total += balance.total;
  total.available += balance.available;
  total.locked += balance.locked;
  if (balance.usd_value) total.usd_value = total.usd_value.value_or(Decimal{}) + *balance.usd_value;
}

}  // namespace

std::vector<AssetTotal> totals_per_asset(const std::vector<Balance>& balances, const PriceBook& book) {
  std::vector<AssetTotal> out;
  const auto by_asset = [](const Balance& a, const Balance& b) { return a.asset < b.asset; };
  if (std::is_sorted(balances.begin(), balances.end(), by_asset)) {
    // Merged balances come sorted by asset: each asset's balances are one run.
    for (const auto& balance : balances) {
      if (out.empty() || out.back().asset != balance.asset) out.push_back(start_total(balance.asset, book));
      add_to_total(out.back(), balance);
    }
    return out;
  }
  std::map<std::string, AssetTotal, std::less<>> totals;
  for (const auto& balance : balances) {
    auto [it, inserted] = totals.try_emplace(balance.asset);
    if (inserted) it->second = start_total(balance.asset, book);
    add_to_total(it->second, balance);
  }
  out.reserve(totals.size());
  for (auto& [asset, total] : totals) out.push_back(std::move(total));
  return out;
}

namespace {

// A view's common part: when, whether every gateway answered, and their statuses.
template <typename View>
View view_of(TimePointMs as_of, std::vector<GatewayStatus> statuses) {
  View view;
  view.as_of = as_of;
  view.complete = all_ok(statuses);
  view.gateways = std::move(statuses);
  return view;
}

}  // namespace

BalanceView build_balance_view(const std::vector<GatewayBalances>& sources,
                               std::vector<GatewayStatus> statuses,
                               const std::vector<std::string>& assets, TimePointMs as_of) {
  auto view = view_of<BalanceView>(as_of, std::move(statuses));
  const PriceBook book(quotes_of(sources));
  view.balances = merge_balances(sources, book, assets);
  view.totals = totals_per_asset(view.balances, book);
  for (const auto& total : view.totals) {
    if (total.usd_value) {
      view.usd_total += *total.usd_value;
    } else {
      view.unpriced_assets.push_back(total.asset);
    }
  }
  return view;
}

PriceView build_price_view(const std::vector<Price>& quotes, std::vector<GatewayStatus> statuses,
                           const std::vector<std::string>& assets, TimePointMs as_of) {
  auto view = view_of<PriceView>(as_of, std::move(statuses));
  const PriceBook book(quotes);
  for (const auto& price : book.prices()) {
    if (wanted(assets, price.asset)) view.prices.push_back(price);
  }
  return view;
}

CoinView build_coin_view(const std::vector<GatewayCoins>& sources,
                         std::vector<GatewayStatus> statuses,
                         const std::vector<std::string>& assets, TimePointMs as_of) {
  auto view = view_of<CoinView>(as_of, std::move(statuses));
  for (const auto& source : sources) {
    for (const auto& coin : source.coins) {
      if (!wanted(assets, coin.asset)) continue;
      Coin copy = coin;
      copy.gateway = source.gateway;
      view.coins.push_back(std::move(copy));
    }
  }
  std::stable_sort(view.coins.begin(), view.coins.end(), [](const Coin& a, const Coin& b) {
    return std::tie(a.asset, a.gateway, a.coin_id) < std::tie(b.asset, b.gateway, b.coin_id);
  });
  return view;
}

}  // namespace coinfan::aggregate
