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
  out["precision"] = network.precision ? json::value(*network.precision) : json::value(nullptr);
  out["can_deposit"] = network.can_deposit;
  out["can_withdraw"] = network.can_withdraw;
  out["memo_required"] = network.memo_required;
  out["min_deposit"] = decimal_or_null(network.min_deposit);
  out["min_withdraw"] = decimal_or_null(network.min_withdraw);
  out["max_withdraw"] = decimal_or_null(network.max_withdraw);
  out["withdraw_fee"] = decimal_or_null(network.withdraw_fee);
  return out;
}

// `[to_json(item), ...]`.
template <typename T, typename ToJson>
json::array array_of(const std::vector<T>& items, ToJson to_json) {
  json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

json::value string_json(const std::string& text) { return json::value(text); }

json::object total_json(const AssetTotal& total) {
  return {{"asset", total.asset},
          {"total", total.total.to_string()},
          {"available", total.available.to_string()},
          {"locked", total.locked.to_string()},
          {"usd_price", decimal_or_null(total.usd_price)},
          {"usd_value", decimal_or_null(total.usd_value)},
          {"price_sources", array_of(total.price_sources, string_json)}};
}

json::object price_source_json(const PriceSource& source) {
  return {{"name", source.name},
          {"gateway", source.quote.gateway},
          {"network", string_or_null(source.quote.network)},
          {"usd", source.quote.usd.to_string()},
          {"quote", source.quote.quote},
          {"raw_id", source.quote.raw_id},
          {"derived", source.quote.derived},
          {"outlier", source.outlier.has_value()},
          {"outlier_reason", string_or_null(source.outlier)}};
}

json::object price_json(const MergedPrice& price) {
  return {{"asset", price.asset}, {"usd", price.usd.to_string()}, {"sources", array_of(price.sources, price_source_json)}};
}

json::object coin_json(const Coin& coin) {
  return {{"gateway", coin.gateway}, {"coin_id", coin.coin_id}, {"asset", coin.asset},
          {"name", coin.name},       {"status", coin.status},   {"logo_url", coin.logo},
          {"networks", array_of(coin.networks, network_json)}};
}

json::object health_json(const GatewayHealth& gateway) {
  json::object entry;
  entry["id"] = gateway.id;
  entry["type"] = gateway.type;
  entry["health"] = gateway.health;
  entry["circuit"] = gateway.circuit;
  entry["last_success_at"] = time_or_null(gateway.last_success_at);
  entry["last_error"] = nullptr;
  if (gateway.last_error) {
    json::object error = error_json(*gateway.last_error);
    error["at"] = time_or_null(gateway.last_error_at);
    entry["last_error"] = std::move(error);
  }
  entry["last_latency_ms"] = gateway.last_latency_ms ? json::value(*gateway.last_latency_ms) : json::value(nullptr);
  entry["requests"] = gateway.requests;
  entry["in_flight"] = gateway.in_flight;
  return entry;
}

// Every fan-out view: `as_of`, `complete`, its own members, then `gateways` (the view's own
// statuses, or `statuses` when given).
template <typename View, typename Members>
std::string render_view(const View& view, const std::vector<GatewayStatus>* statuses, Members members) {
  json::object out;
  out["as_of"] = format_rfc3339_utc(view.as_of);
  out["complete"] = view.complete;
  members(out);
  out["gateways"] = gateway_statuses_json(statuses ? *statuses : view.gateways);
  return json::serialize(out);
}

}  // namespace

std::string render_balance_view(const BalanceView& view, const std::vector<GatewayStatus>* statuses) {
  return render_view(view, statuses, [&](json::object& out) {
    out["usd_total"] = view.usd_total.to_string();
    out["unpriced_assets"] = array_of(view.unpriced_assets, string_json);
    out["balances"] = array_of(view.balances, balance_json);
    out["totals"] = array_of(view.totals, total_json);
  });
}

std::string render_price_view(const PriceView& view, const std::vector<GatewayStatus>* statuses) {
  return render_view(view, statuses, [&](json::object& out) { out["prices"] = array_of(view.prices, price_json); });
}

std::string render_coin_view(const CoinView& view, const std::vector<GatewayStatus>* statuses) {
  return render_view(view, statuses, [&](json::object& out) { out["coins"] = array_of(view.coins, coin_json); });
}

std::string render_gateway_health(const std::vector<GatewayHealth>& gateways, TimePointMs as_of) {
  json::object out;
  out["as_of"] = format_rfc3339_utc(as_of);
  out["gateways"] = array_of(gateways, health_json);
  return json::serialize(out);
}

}  // namespace coinfan::aggregate
