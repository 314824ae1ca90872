#pragma once
// The merged views as plain values, and the pure functions that build them from what each
// gateway answered: balances with USD values, totals per asset, median prices with their
// sources, the coin catalogue. No I/O and no clocks: the async layer passes times in.

#include <chrono>
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

// USD values (amount × price) are rounded half-even to this many fractional digits; prices
// and amounts themselves are never rounded.
inline constexpr unsigned usd_value_places = 8;

// What one gateway's balance call yielded (its own prices come with it).
struct GatewayBalances {
  std::string gateway;
  std::vector<Balance> balances;
  std::vector<Price> prices;
};

struct AssetTotal {
  std::string asset;
  Decimal total;
  Decimal available;
  Decimal locked;
  std::optional<Decimal> usd_value;  // sum of the balances' USD values; nullopt when unpriced

  friend bool operator==(const AssetTotal&, const AssetTotal&) = default;
};

struct MergedPrice {
  std::string asset;
  Decimal usd;                // median of the sources' prices
  std::vector<Price> sources;  // every source, sorted by gateway then raw id

  friend bool operator==(const MergedPrice&, const MergedPrice&) = default;
};

struct BalanceView {
  TimePointMs as_of{};
  bool complete = true;
  std::vector<Balance> balances;
  std::vector<AssetTotal> totals;
  Decimal usd_total;                        // sum of every known usd_value
  std::vector<std::string> unpriced_assets;  // assets left out of usd_total
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

// One MergedPrice per asset (sorted by asset) from every positive price; zero and negative
// prices mean "unknown" to the providers and are dropped. `assets` (normalised symbols)
// keeps only those assets when not empty.
std::vector<MergedPrice> merge_prices(const std::vector<Price>& prices,
                                      const std::vector<std::string>& assets = {});

// Every balance of every source, each keeping its gateway id (the source's, whatever the
// balance said), sorted by asset, gateway, network (none first) and raw asset; only `assets`
// when not empty. usd_price is the gateway's own price: the one on the balance when the adapter
// set one, else the median of the prices the gateway sent for the asset; without one, the
// median over every source's prices. usd_value = total × usd_price, rounded.
std::vector<Balance> merge_balances(const std::vector<GatewayBalances>& sources,
                                    const std::vector<std::string>& assets = {});

// Sums per asset (sorted by asset). usd_value is the sum of the balances' rounded values,
// nullopt when none of them is priced.
std::vector<AssetTotal> totals_per_asset(const std::vector<Balance>& balances);

// The whole balance view: merged balances, totals, usd_total and the assets left out of it.
// `complete` is true when every status is ok.
BalanceView build_balance_view(const std::vector<GatewayBalances>& sources,
                               std::vector<GatewayStatus> statuses,
                               const std::vector<std::string>& assets, TimePointMs as_of);

PriceView build_price_view(const std::vector<Price>& prices, std::vector<GatewayStatus> statuses,
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
