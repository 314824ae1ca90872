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

std::vector<MergedPrice> merge_prices(const std::vector<Price>& prices,
                                      const std::vector<std::string>& assets) {
  std::map<std::string, std::vector<Price>, std::less<>> by_asset;
  for (const auto& price : prices) {
    if (!price.usd.is_positive() || !wanted(assets, price.asset)) continue;
    by_asset[price.asset].push_back(price);
  }
  std::vector<MergedPrice> merged;
  merged.reserve(by_asset.size());
  for (auto& [asset, sources] : by_asset) {
    std::stable_sort(sources.begin(), sources.end(), [](const Price& a, const Price& b) {
      return std::tie(a.gateway, a.raw_id) < std::tie(b.gateway, b.raw_id);
    });
    std::vector<Decimal> values;
    values.reserve(sources.size());
    for (const auto& source : sources) values.push_back(source.usd);
    merged.push_back(MergedPrice{asset, *median(std::move(values)), std::move(sources)});
  }
  return merged;
}

std::vector<Balance> merge_balances(const std::vector<GatewayBalances>& sources,
                                    const std::vector<std::string>& assets) {
  // Every source's prices, tagged with the source that sent them.
  std::vector<Price> all_prices;
  std::map<std::pair<std::string, std::string>, std::vector<Decimal>> own_prices;
  for (const auto& source : sources) {
    for (Price price : source.prices) {
      if (!price.usd.is_positive()) continue;
      price.gateway = source.gateway;
      own_prices[{source.gateway, price.asset}].push_back(price.usd);
      all_prices.push_back(std::move(price));
    }
  }
  std::map<std::string, Decimal, std::less<>> merged_prices;
  for (auto& merged : merge_prices(all_prices)) merged_prices.emplace(merged.asset, merged.usd);

  std::vector<Balance> out;
  for (const auto& source : sources) {
    for (const auto& balance : source.balances) {
      if (!wanted(assets, balance.asset)) continue;
      Balance merged = balance;
      merged.gateway = source.gateway;
      // A price the adapter put on the balance itself is the most specific one there is.
      if (merged.usd_price && !merged.usd_price->is_positive()) merged.usd_price.reset();
      if (!merged.usd_price) {
        if (auto own = own_prices.find({source.gateway, balance.asset}); own != own_prices.end()) {
          merged.usd_price = median(own->second);
        } else if (auto it = merged_prices.find(balance.asset); it != merged_prices.end()) {
          merged.usd_price = it->second;
        }
      }
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

std::vector<AssetTotal> totals_per_asset(const std::vector<Balance>& balances) {
  std::map<std::string, AssetTotal, std::less<>> by_asset;
  for (const auto& balance : balances) {
    auto [it, inserted] = by_asset.try_emplace(balance.asset);
    AssetTotal& total = it->second;
    if (inserted) total.asset = balance.asset;
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
  view.balances = merge_balances(sources, assets);
  view.totals = totals_per_asset(view.balances);
  for (const auto& total : view.totals) {
    if (total.usd_value) {
      view.usd_total += *total.usd_value;
    } else {
      view.unpriced_assets.push_back(total.asset);
    }
  }
  return view;
}

PriceView build_price_view(const std::vector<Price>& prices, std::vector<GatewayStatus> statuses,
                           const std::vector<std::string>& assets, TimePointMs as_of) {
  auto view = view_of<PriceView>(as_of, std::move(statuses));
  view.prices = merge_prices(prices, assets);
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
