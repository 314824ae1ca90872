#include "coinfan/aggregate/render.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>


namespace coinfan::aggregate {

namespace json = boost::json;

namespace {

json::value decimal_or_null(const std::optional<Decimal>& value) {
  if (!value) return nullptr;
  return json::value(value->to_string());
}

json::value string_or_null(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return json::value(*value);
}

json::value time_or_null(const std::optional<TimePointMs>& time) {
  if (!time) return nullptr;
  return json::value(format_rfc3339_utc(*time));
}

json::object balance_json(const Balance& balance) {
  json::object out;
  out.reserve(9);
  out["gateway"] = balance.gateway;
  out["asset"] = balance.asset;
  out["network"] = string_or_null(balance.network);
  out["total"] = balance.total.to_string();
  out["available"] = balance.available.to_string();
  out["locked"] = balance.locked.to_string();
  out["usd_price"] = decimal_or_null(balance.usd_price);
  out["usd_value"] = decimal_or_null(balance.usd_value);
  out["raw_asset"] = balance.raw_asset;
  return out;
}

json::object network_json(const CoinNetwork& network) {
  json::object out;
  out["chain"] = network.chain;
  out["name"] = network.name;
  out["contract"] = network.contract;
  if (network.precision) {
    out["precision"] = *network.precision;
  } else {
    out["precision"] = nullptr;
  }
  out["can_deposit"] = network.can_deposit;
  out["can_withdraw"] = network.can_withdraw;
  out["memo_required"] = network.memo_required;
  out["min_deposit"] = decimal_or_null(network.min_deposit);
  out["min_withdraw"] = decimal_or_null(network.min_withdraw);
  out["max_withdraw"] = decimal_or_null(network.max_withdraw);
  out["withdraw_fee"] = decimal_or_null(network.withdraw_fee);
  return out;
}

// The fields every fan-out view starts with.
json::object view_head(TimePointMs as_of, bool complete) {
  json::object out;
  out["as_of"] = format_rfc3339_utc(as_of);
  out["complete"] = complete;
  return out;
}

}  // namespace

std::string render_balance_view(const BalanceView& view, const std::vector<GatewayStatus>* statuses) {
  json::object out = view_head(view.as_of, view.complete);
  out["usd_total"] = view.usd_total.to_string();
  json::array unpriced;
  for (const auto& asset : view.unpriced_assets) unpriced.emplace_back(asset);
  out["unpriced_assets"] = std::move(unpriced);
  json::array balances;
  balances.reserve(view.balances.size());
  for (const auto& balance : view.balances) balances.push_back(balance_json(balance));
  out["balances"] = std::move(balances);
  json::array totals;
  totals.reserve(view.totals.size());
  for (const auto& total : view.totals) {
    json::object entry;
    entry["asset"] = total.asset;
    entry["total"] = total.total.to_string();
    entry["available"] = total.available.to_string();
    entry["locked"] = total.locked.to_string();
    entry["usd_value"] = decimal_or_null(total.usd_value);
    totals.push_back(std::move(entry));
  }
  out["totals"] = std::move(totals);
  out["gateways"] = gateway_statuses_json(statuses ? *statuses : view.gateways);
  return json::serialize(out);
}

std::string render_price_view(const PriceView& view, const std::vector<GatewayStatus>* statuses) {
  json::object out = view_head(view.as_of, view.complete);
  json::array prices;
  prices.reserve(view.prices.size());
  for (const auto& price : view.prices) {
    json::object entry;
    entry["asset"] = price.asset;
    entry["usd"] = price.usd.to_string();
    json::array sources;
    for (const auto& source : price.sources) {
      json::object s;
      s["gateway"] = source.gateway;
      s["usd"] = source.usd.to_string();
      s["quote"] = source.quote;
      s["raw_id"] = source.raw_id;
      sources.push_back(std::move(s));
    }
    entry["sources"] = std::move(sources);
    prices.push_back(std::move(entry));
  }
  out["prices"] = std::move(prices);
  out["gateways"] = gateway_statuses_json(statuses ? *statuses : view.gateways);
  return json::serialize(out);
}

std::string render_coin_view(const CoinView& view, const std::vector<GatewayStatus>* statuses) {
  json::object out = view_head(view.as_of, view.complete);
  json::array coins;
  coins.reserve(view.coins.size());
  for (const auto& coin : view.coins) {
    json::object entry;
    entry["gateway"] = coin.gateway;
    entry["coin_id"] = coin.coin_id;
    entry["asset"] = coin.asset;
    entry["name"] = coin.name;
    entry["status"] = coin.status;
    entry["logo_url"] = coin.logo;
    json::array networks;
    for (const auto& network : coin.networks) networks.push_back(network_json(network));
    entry["networks"] = std::move(networks);
    coins.push_back(std::move(entry));
  }
  out["coins"] = std::move(coins);
  out["gateways"] = gateway_statuses_json(statuses ? *statuses : view.gateways);
  return json::serialize(out);
}

std::string render_gateway_health(const std::vector<GatewayHealth>& gateways, TimePointMs as_of) {
  json::object out;
  out["as_of"] = format_rfc3339_utc(as_of);
  json::array list;
  list.reserve(gateways.size());
  for (const auto& gateway : gateways) {
    json::object entry;
    entry["id"] = gateway.id;
    entry["type"] = gateway.type;
    entry["health"] = gateway.health;
    entry["circuit"] = gateway.circuit;
    entry["last_success_at"] = time_or_null(gateway.last_success_at);
    if (gateway.last_error) {
      json::object error = error_json(*gateway.last_error);
      error["at"] = time_or_null(gateway.last_error_at);
      entry["last_error"] = std::move(error);
    } else {
      entry["last_error"] = nullptr;
    }
    if (gateway.last_latency_ms) {
      entry["last_latency_ms"] = *gateway.last_latency_ms;
    } else {
      entry["last_latency_ms"] = nullptr;
    }
    entry["requests"] = gateway.requests;
    entry["in_flight"] = gateway.in_flight;
    list.push_back(std::move(entry));
  }
  out["gateways"] = std::move(list);
  return json::serialize(out);
}

}  // namespace coinfan::aggregate
