#pragma once
// The merged views as plain values, and the pure functions that build them from what each
// gateway answered: balances with USD values, totals per asset, median prices with their
// sources, the coin catalogue. No I/O and no clocks: the async layer passes times in.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/aggregate/gateway_status.hpp"
#include "coinfan/core/decimal.hpp"
#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::aggregate {

// USD values (amount × price) are rounded half-even to this many fractional digits; amounts
// are never rounded, prices only when obtained by division (derived_price_digits).
inline constexpr unsigned usd_value_places = 8;

// The outlier rule: with at least outlier_min_sources quotes for an asset, a quote more than
// outlier_max_deviation (a fraction: 0.05 = 5 %) away from the median of them all is flagged
// and left out of the merged price, unless that would leave no quote at all.
inline constexpr std::size_t outlier_min_sources = 3;
inline constexpr std::string_view outlier_max_deviation = "0.05";

// What one gateway's balance call yielded: its balances and its quotes for the price book.
struct GatewayBalances {
  std::string gateway;
  std::vector<Balance> balances;
  std::vector<Price> prices;
};

// One quote as the price book used it.
struct PriceSource {
  Price quote;
  std::string name;                    // source_name(quote): "cloud USDT/TRC20"
  std::optional<std::string> outlier;  // why it was left out of the median; nullopt: counted

  friend bool operator==(const PriceSource&, const PriceSource&) = default;
};

struct MergedPrice {
  std::string asset;
  Decimal usd;                       // median of the sources not flagged as outliers
  std::vector<PriceSource> sources;  // every source, sorted by gateway, network, raw id

  friend bool operator==(const MergedPrice&, const MergedPrice&) = default;
};

// One fan-out's prices: every source's quote for every asset, and one merged USD price per
// asset. Every view of that fan-out values an asset with this one price.
class PriceBook {
 public:
  PriceBook() = default;
  // From every positive quote (zero and negative ones mean "unknown" to the providers).
  explicit PriceBook(const std::vector<Price>& quotes);

  // Sorted by asset.
  const std::vector<MergedPrice>& prices() const noexcept { return prices_; }
  const MergedPrice* find(std::string_view asset) const;

 private:
  std::vector<MergedPrice> prices_;
};

struct AssetTotal {
  std::string asset;
  Decimal total;
  Decimal available;
  Decimal locked;
  std::optional<Decimal> usd_price;      // the price book's; nullopt when no source prices it
  std::optional<Decimal> usd_value;      // sum of the balances' USD values; nullopt when unpriced
  std::vector<std::string> price_sources;  // names of the sources the price is the median of

  friend bool operator==(const AssetTotal&, const AssetTotal&) = default;
};

struct BalanceView {
  TimePointMs as_of{};
  bool complete = true;
  std::vector<Balance> balances;
  std::vector<AssetTotal> totals;
  Decimal usd_total;                        // sum of every known usd_value
  std::vector<std::string> unpriced_assets;  // assets no source has a price for
  std::vector<GatewayStatus> gateways;
};

struct PriceView {
  TimePointMs as_of{};
  bool complete = true;
  std::vector<MergedPrice> prices;
  std::vector<GatewayStatus> gateways;
};

struct CoinView {
  TimePointMs as_of{};
  bool complete = true;
  std::vector<Coin> coins;
  std::vector<GatewayStatus> gateways;
};

// amount × price rounded half-even to usd_value_places; nullopt when the price is unknown.
std::optional<Decimal> usd_value(const Decimal& amount, const std::optional<Decimal>& usd_price);

// The median of `values` (the mean of the two middle ones for an even count, exact);
// nullopt when empty.
std::optional<Decimal> median(std::vector<Decimal> values);

// Every quote of every source, each tagged with its source's gateway id.
std::vector<Price> quotes_of(const std::vector<GatewayBalances>& sources);

// Every balance of every source, each keeping its gateway id (the source's, whatever the
// balance said), sorted by asset, gateway, network (none first) and raw asset; only `assets`
// when not empty. usd_price is the book's price for the asset (the same for every balance of
// it); usd_value = total × usd_price, rounded.
std::vector<Balance> merge_balances(const std::vector<GatewayBalances>& sources, const PriceBook& book,
                                    const std::vector<std::string>& assets = {});

// Sums per asset (sorted by asset), with the book's price and the sources it came from.
// usd_value is the sum of the balances' rounded values, nullopt when the asset is unpriced.
std::vector<AssetTotal> totals_per_asset(const std::vector<Balance>& balances, const PriceBook& book);

// The whole balance view over one price book (built from the sources' own quotes): merged
// balances, totals, usd_total and the assets no source prices. `complete` is true when every
// status is ok.
BalanceView build_balance_view(const std::vector<GatewayBalances>& sources,
                               std::vector<GatewayStatus> statuses,
                               const std::vector<std::string>& assets, TimePointMs as_of);

// The price book of `quotes`, only `assets` when not empty.
PriceView build_price_view(const std::vector<Price>& quotes, std::vector<GatewayStatus> statuses,
                           const std::vector<std::string>& assets, TimePointMs as_of);

// Every coin of every source (gateway set from the source), sorted by asset, gateway and
// coin id; only `assets` when not empty.
struct GatewayCoins {
  std::string gateway;
  std::vector<Coin> coins;
};
CoinView build_coin_view(const std::vector<GatewayCoins>& sources,
                         std::vector<GatewayStatus> statuses,
                         const std::vector<std::string>& assets, TimePointMs as_of);

}  // namespace coinfan::aggregate
