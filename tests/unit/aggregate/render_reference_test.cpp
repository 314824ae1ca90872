// The views' JSON is written directly as text; it must stay byte for byte what serializing the
// boost::json DOM made of them. The DOM rendering is kept here as the reference, and both are
// compared on hand-picked views (escapes, UTF-8, absent and present optionals, empty arrays)
// and on random ones from a fixed seed.

#include "coinfan/aggregate/render.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace coinfan::aggregate {
namespace {

namespace json = boost::json;

// ---- The reference: the DOM rendering the direct writer replaced, unchanged. ----
namespace reference {

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

template <typename View, typename Members>
std::string render_view(const View& view, const std::vector<GatewayStatus>* statuses, Members members) {
  json::object out;
  out["as_of"] = format_rfc3339_utc(view.as_of);
  out["complete"] = view.complete;
  members(out);
  out["gateways"] = gateway_statuses_json(statuses ? *statuses : view.gateways);
  return json::serialize(out);
}

std::string render_balance_view(const BalanceView& view, const std::vector<GatewayStatus>* statuses = nullptr) {
  return render_view(view, statuses, [&](json::object& out) {
    out["usd_total"] = view.usd_total.to_string();
    out["unpriced_assets"] = array_of(view.unpriced_assets, string_json);
    out["balances"] = array_of(view.balances, balance_json);
    out["totals"] = array_of(view.totals, total_json);
  });
}

std::string render_price_view(const PriceView& view, const std::vector<GatewayStatus>* statuses = nullptr) {
  return render_view(view, statuses, [&](json::object& out) { out["prices"] = array_of(view.prices, price_json); });
}

std::string render_coin_view(const CoinView& view, const std::vector<GatewayStatus>* statuses = nullptr) {
  return render_view(view, statuses, [&](json::object& out) { out["coins"] = array_of(view.coins, coin_json); });
}

std::string render_gateway_health(const std::vector<GatewayHealth>& gateways, TimePointMs as_of) {
  json::object out;
  out["as_of"] = format_rfc3339_utc(as_of);
  out["gateways"] = array_of(gateways, health_json);
  return json::serialize(out);
}

}  // namespace reference

// ---- Inputs. ----

Decimal dec(std::string_view text) {
  auto value = Decimal::parse(text);
  if (!value) throw std::invalid_argument("bad decimal in test: " + std::string(text));
  return std::move(value).value();
}

TimePointMs at_ms(std::int64_t ms) { return TimePointMs(std::chrono::milliseconds(ms)); }

// Every byte that needs an escape, and some that must not get one.
const std::vector<std::string> awkward_texts = {
    "",
    "plain",
    "quote \" inside",
    "back\\slash",
    "slash / stays",
    std::string("nul \0 byte", 10),
    "\b\f\n\r\t",
    "\x01\x02\x0b\x0e\x1a\x1f",
    "\x7f del",
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xb0",  // UTF-8: é, €, 💰
    "\xff\xfe not UTF-8 \x80",
    "\"\\\"\\\\\"",
    "</script>",
    "ends with \\",
};

GatewayStatus status_with(std::string id, bool ok, std::optional<Error> error) {
  GatewayStatus s;
  s.id = std::move(id);
  s.type = "type \"x\"\n";
  s.ok = ok;
  s.latency_ms = ok ? 7 : -3;
  s.cached = !ok;
  if (ok) s.age_ms = std::numeric_limits<std::int64_t>::max();
  s.error = std::move(error);
  return s;
}

std::vector<GatewayStatus> awkward_statuses() {
  std::vector<GatewayStatus> out;
  out.push_back(status_with("ok \xc3\xa9", true, std::nullopt));
  out.push_back(status_with("bare error", false, Error{ErrorCode::timeout, "no answer\twithin 5000 ms", "", ""}));
  out.push_back(status_with("provider", false,
                            Error{ErrorCode::provider_error, "said \"no\"", "10002", "Invalid\\sign\x01"}));
  out.push_back(status_with("message only", false, Error{ErrorCode::bad_response, "", "", "msg"}));
  out.push_back(status_with("code only", false, Error{ErrorCode::internal, "d", "c", ""}));
  return out;
}

BalanceView awkward_balance_view() {
  BalanceView view;
  view.as_of = at_ms(1764684000123);
  view.complete = false;
  for (std::size_t i = 0; i < awkward_texts.size(); ++i) {
    Balance b;
    b.gateway = awkward_texts[i];
    b.asset = awkward_texts[(i + 1) % awkward_texts.size()];
    if (i % 2 == 0) b.network = awkward_texts[(i + 2) % awkward_texts.size()];
    b.total = dec(i % 3 == 0 ? "-123456789012345678901234567890.000000000000000001" : "0");
    b.available = dec("1e-30");
    b.locked = dec("1000e3");
    if (i % 3 != 1) b.usd_price = dec("0.5");
    if (i % 4 != 1) b.usd_value = dec("-7.25");
    b.raw_asset = awkward_texts[(i + 3) % awkward_texts.size()];
    view.balances.push_back(std::move(b));
  }
  AssetTotal empty;
  AssetTotal full;
  full.asset = "\"USDT\"";
  full.total = dec("12.5");
  full.usd_price = dec("1");
  full.usd_value = dec("12.5");
  full.price_sources = awkward_texts;
  view.totals = {empty, full};
  view.usd_total = dec("99999999999999999999.99999999");
  view.unpriced_assets = awkward_texts;
  view.gateways = awkward_statuses();
  return view;
}

PriceView awkward_price_view() {
  PriceView view;
  view.as_of = at_ms(0);
  MergedPrice none;  // no sources at all
  none.asset = "NONE";
  view.prices.push_back(none);
  for (std::size_t i = 0; i < awkward_texts.size(); ++i) {
    MergedPrice p;
    p.asset = awkward_texts[i];
    p.usd = dec("64000.5");
    for (std::size_t j = 0; j <= i % 3; ++j) {
      PriceSource s;
      s.quote = Price{awkward_texts[j], dec("0.000001"), awkward_texts[(i + j) % awkward_texts.size()],
                      "USD\u00e9", awkward_texts[(i + 2 * j) % awkward_texts.size()], std::nullopt, j == 1};
      if (j == 2) s.quote.network = awkward_texts[i];
      s.name = source_name(s.quote);
      if ((i + j) % 2 == 1) s.outlier = awkward_texts[(i + j) % awkward_texts.size()];
      p.sources.push_back(std::move(s));
    }
    view.prices.push_back(std::move(p));
  }
  view.gateways = awkward_statuses();
  return view;
}

CoinView awkward_coin_view() {
  CoinView view;
  view.as_of = at_ms(-86400001);  // before 1970
  view.complete = true;
  Coin bare;  // every string empty, no networks
  view.coins.push_back(bare);
  for (std::size_t i = 0; i < awkward_texts.size(); ++i) {
    Coin c;
    c.gateway = awkward_texts[i];
    c.coin_id = std::to_string(i);
    c.asset = awkward_texts[(i + 1) % awkward_texts.size()];
    c.name = awkward_texts[(i + 2) % awkward_texts.size()];
    c.status = "Normal";
    c.logo = "https://example.com/a/b.png?x=\"1\"";
    for (std::size_t j = 0; j < i % 3; ++j) {
      CoinNetwork n;
      n.chain = awkward_texts[j];
      n.name = awkward_texts[(i + j) % awkward_texts.size()];
      n.contract = awkward_texts[(i * j) % awkward_texts.size()];
      if (j == 0) n.precision = std::numeric_limits<std::int64_t>::min();
      if (j == 1) n.precision = 18;
      n.can_deposit = (i + j) % 2 == 0;
      n.can_withdraw = j % 2 == 0;
      n.memo_required = i % 2 == 0;
      if (j == 1) {
        n.min_deposit = dec("0.1");
        n.min_withdraw = dec("0");
        n.max_withdraw = dec("1e40");
        n.withdraw_fee = dec("-0.0000000001");
      }
      c.networks.push_back(std::move(n));
    }
    view.coins.push_back(std::move(c));
  }
  return view;  // no gateways: an empty array
}

std::vector<GatewayHealth> awkward_health() {
  std::vector<GatewayHealth> out;
  GatewayHealth unknown;  // nothing seen yet
  out.push_back(unknown);
  GatewayHealth healthy;
  healthy.id = "ccp \"main\"";
  healthy.type = "ccpayment-v2";
  healthy.health = "healthy";
  healthy.circuit = "closed";
  healthy.last_success_at = at_ms(1764684000123);
  healthy.last_latency_ms = 12;
  healthy.requests = std::numeric_limits<std::uint64_t>::max();
  healthy.in_flight = 3;
  out.push_back(healthy);
  GatewayHealth failing = healthy;
  failing.health = "unhealthy";
  failing.circuit = "open";
  failing.last_error = Error{ErrorCode::provider_error, "no\nway", "E\x02", "\xe2\x82\xac"};
  failing.last_error_at = at_ms(1);
  failing.last_latency_ms.reset();
  out.push_back(failing);
  GatewayHealth error_without_time = failing;  // an error whose time is not known
  error_without_time.last_error_at.reset();
  error_without_time.last_error = Error{ErrorCode::timeout, "", "", ""};
  out.push_back(error_without_time);
  return out;
}

// ---- Hand-picked views. ----

TEST(RenderReference, BalanceViewMatchesTheDomRendering) {
  const auto view = awkward_balance_view();
  EXPECT_EQ(render_balance_view(view), reference::render_balance_view(view));
  const auto marked = awkward_statuses();
  EXPECT_EQ(render_balance_view(view, &marked), reference::render_balance_view(view, &marked));
  const std::vector<GatewayStatus> none;
  EXPECT_EQ(render_balance_view(view, &none), reference::render_balance_view(view, &none));
  EXPECT_EQ(render_balance_view(BalanceView{}), reference::render_balance_view(BalanceView{}));
}

TEST(RenderReference, PriceViewMatchesTheDomRendering) {
  const auto view = awkward_price_view();
  EXPECT_EQ(render_price_view(view), reference::render_price_view(view));
  EXPECT_EQ(render_price_view(PriceView{}), reference::render_price_view(PriceView{}));
}

TEST(RenderReference, CoinViewMatchesTheDomRendering) {
  const auto view = awkward_coin_view();
  EXPECT_EQ(render_coin_view(view), reference::render_coin_view(view));
  const auto statuses = awkward_statuses();
  EXPECT_EQ(render_coin_view(view, &statuses), reference::render_coin_view(view, &statuses));
}

TEST(RenderReference, GatewayHealthMatchesTheDomRendering) {
  const auto health = awkward_health();
  EXPECT_EQ(render_gateway_health(health, at_ms(1764684000123)),
            reference::render_gateway_health(health, at_ms(1764684000123)));
  EXPECT_EQ(render_gateway_health({}, at_ms(0)), reference::render_gateway_health({}, at_ms(0)));
}

TEST(RenderReference, EveryByteValueIsEscapedAsTheSerializerDoes) {
  BalanceView view;
  view.unpriced_assets.reserve(256);
  std::string all;
  for (int c = 0; c < 256; ++c) {
    view.unpriced_assets.emplace_back(1, static_cast<char>(c));
    all.push_back(static_cast<char>(c));
  }
  view.unpriced_assets.push_back(all);
  const auto text = render_balance_view(view);
  EXPECT_EQ(text, reference::render_balance_view(view));
  EXPECT_NE(text.find(R"("\u0000","\u0001")"), std::string::npos);
  EXPECT_NE(text.find(R"("\b","\t","\n","\u000b","\f","\r")"), std::string::npos);
  EXPECT_NE(text.find(R"("\"")"), std::string::npos);
  EXPECT_NE(text.find(R"("\\")"), std::string::npos);
  EXPECT_NE(text.find(R"("/")"), std::string::npos);
}

TEST(RenderReference, OutputGrowingInTheMiddleOfAStringOrAnEscapeMatches) {
  // Each render is larger than any before it, so the buffer grows inside these strings.
  for (std::size_t n = 1000; n <= 400000; n *= 3) {
    BalanceView view;
    view.unpriced_assets = {std::string(n, '\x01') + "x" + std::string(n, '"'), std::string(n, 'a'),
                            std::string(n / 2, '\n') + std::string(n, 'b')};
    ASSERT_EQ(render_balance_view(view), reference::render_balance_view(view)) << n;
  }
}

TEST(RenderReference, MergedViewsMatchTheDomRendering) {
  Balance usdt;
  usdt.gateway = "ccp-main";
  usdt.asset = "USDT";
  usdt.network = "TRC20";
  usdt.total = dec("123456789012345678.901234");
  usdt.available = dec("123456789012345678.9");
  usdt.locked = dec("0.001234");
  usdt.raw_asset = "1280";
  Balance odd;
  odd.gateway = "cloud";
  odd.asset = "ZZZ";
  odd.total = dec("5");
  odd.available = dec("5");
  odd.raw_asset = "zzz";
  const std::vector<Price> quotes{{"USDT", dec("1"), "ccp-main", "USDT", "1280", std::nullopt, false},
                                  {"USDT", dec("1.0001"), "cloud", "USD", "USDT_TRC20", "TRC20", true},
                                  {"USDT", dec("1.5"), "kuna", "USD", "usdt", std::nullopt, false}};
  const auto statuses = awkward_statuses();
  const auto balances = build_balance_view({{"ccp-main", {usdt}, {quotes[0]}}, {"cloud", {odd}, {quotes[1]}},
                                            {"kuna", {usdt, odd}, {quotes[2]}}},
                                           statuses, {}, at_ms(1764684000123));
  EXPECT_EQ(render_balance_view(balances), reference::render_balance_view(balances));
  const auto prices = build_price_view(quotes, statuses, {}, at_ms(1764684000123));
  EXPECT_EQ(render_price_view(prices), reference::render_price_view(prices));
}

// ---- Random views from a fixed seed. ----

class RandomViews {
 public:
  explicit RandomViews(std::uint32_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool coin() { return below(2) == 0; }

  std::string text() {
    switch (below(4)) {
      case 0: return awkward_texts[below(awkward_texts.size())];
      case 1: return "";
      default: {
        std::string out(below(24), '\0');
        for (auto& c : out) {
          // Mostly printable ASCII, with control, escape-worthy and high bytes mixed in.
          switch (below(6)) {
            case 0: c = static_cast<char>(below(0x20)); break;
            case 1: c = "\"\\/"[below(3)]; break;
            case 2: c = static_cast<char>(0x80 + below(0x80)); break;
            default: c = static_cast<char>(0x20 + below(0x5f)); break;
          }
        }
        return out;
      }
    }
  }
  std::optional<std::string> maybe_text() { return coin() ? std::optional<std::string>(text()) : std::nullopt; }

  Decimal decimal() {
    std::string digits = below(4) == 0 ? "-" : "";
    const std::size_t whole = 1 + below(30);
    for (std::size_t i = 0; i < whole; ++i) digits.push_back(static_cast<char>('0' + below(10)));
    if (coin()) {
      digits.push_back('.');
      const std::size_t fraction = 1 + below(30);
      for (std::size_t i = 0; i < fraction; ++i) digits.push_back(static_cast<char>('0' + below(10)));
    }
    return dec(digits);
  }
  std::optional<Decimal> maybe_decimal() { return coin() ? std::optional<Decimal>(decimal()) : std::nullopt; }

  std::int64_t integer() {
    switch (below(4)) {
      case 0: return std::numeric_limits<std::int64_t>::min();
      case 1: return std::numeric_limits<std::int64_t>::max();
      default: return std::uniform_int_distribution<std::int64_t>(-100000, 100000)(rng_);
    }
  }
  std::optional<std::int64_t> maybe_integer() {
    return coin() ? std::optional<std::int64_t>(integer()) : std::nullopt;
  }
  TimePointMs time() { return at_ms(std::uniform_int_distribution<std::int64_t>(-1000000000000, 4102444800000)(rng_)); }

  template <typename T, typename Make>
  std::vector<T> some(std::size_t max, Make make) {
    std::vector<T> out(below(max + 1));
    for (auto& item : out) item = make();
    return out;
  }

  std::optional<Error> maybe_error() {
    if (coin()) return std::nullopt;
    static constexpr ErrorCode codes[] = {ErrorCode::timeout, ErrorCode::provider_error, ErrorCode::bad_response,
                                          ErrorCode::internal};
    return Error{codes[below(4)], text(), coin() ? text() : "", coin() ? text() : ""};
  }

  std::vector<GatewayStatus> statuses() {
    return some<GatewayStatus>(4, [&] {
      GatewayStatus s;
      s.id = text();
      s.type = text();
      s.ok = coin();
      s.latency_ms = integer();
      s.cached = coin();
      s.age_ms = maybe_integer();
      s.error = maybe_error();
      return s;
    });
  }

  BalanceView balance_view() {
    BalanceView view;
    view.as_of = time();
    view.complete = coin();
    view.balances = some<Balance>(6, [&] {
      Balance b;
      b.gateway = text();
      b.asset = text();
      b.network = maybe_text();
      b.total = decimal();
      b.available = decimal();
      b.locked = decimal();
      b.usd_price = maybe_decimal();
      b.usd_value = maybe_decimal();
      b.raw_asset = text();
      return b;
    });
    view.totals = some<AssetTotal>(4, [&] {
      AssetTotal t;
      t.asset = text();
      t.total = decimal();
      t.available = decimal();
      t.locked = decimal();
      t.usd_price = maybe_decimal();
      t.usd_value = maybe_decimal();
      t.price_sources = some<std::string>(3, [&] { return text(); });
      return t;
    });
    view.usd_total = decimal();
    view.unpriced_assets = some<std::string>(3, [&] { return text(); });
    view.gateways = statuses();
    return view;
  }

  PriceView price_view() {
    PriceView view;
    view.as_of = time();
    view.complete = coin();
    view.prices = some<MergedPrice>(4, [&] {
      MergedPrice p;
      p.asset = text();
      p.usd = decimal();
      p.sources = some<PriceSource>(3, [&] {
        PriceSource s;
        s.quote = Price{text(), decimal(), text(), text(), text(), maybe_text(), coin()};
        s.name = text();
        s.outlier = maybe_text();
        return s;
      });
      return p;
    });
    view.gateways = statuses();
    return view;
  }

  CoinView coin_view() {
    CoinView view;
    view.as_of = time();
    view.complete = coin();
    view.coins = some<Coin>(4, [&] {
      Coin c;
      c.gateway = text();
      c.coin_id = text();
      c.asset = text();
      c.name = text();
      c.status = text();
      c.logo = text();
      c.networks = some<CoinNetwork>(3, [&] {
        CoinNetwork n;
        n.chain = text();
        n.name = text();
        n.contract = text();
        n.precision = maybe_integer();
        n.can_deposit = coin();
        n.can_withdraw = coin();
        n.memo_required = coin();
        n.min_deposit = maybe_decimal();
        n.min_withdraw = maybe_decimal();
        n.max_withdraw = maybe_decimal();
        n.withdraw_fee = maybe_decimal();
        return n;
      });
      return c;
    });
    view.gateways = statuses();
    return view;
  }

  std::vector<GatewayHealth> health() {
    return some<GatewayHealth>(4, [&] {
      GatewayHealth h;
      h.id = text();
      h.type = text();
      h.health = text();
      h.circuit = text();
      if (coin()) h.last_success_at = time();
      h.last_error = maybe_error();
      if (coin()) h.last_error_at = time();
      h.last_latency_ms = maybe_integer();
      h.requests = std::uniform_int_distribution<std::uint64_t>()(rng_);
      h.in_flight = below(100);
      return h;
    });
  }

 private:
  std::mt19937 rng_;
};

TEST(RenderReference, RandomViewsMatchTheDomRendering) {
  RandomViews random(20261203u);
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto balances = random.balance_view();
    const auto others = random.statuses();
    ASSERT_EQ(render_balance_view(balances), reference::render_balance_view(balances));
    ASSERT_EQ(render_balance_view(balances, &others), reference::render_balance_view(balances, &others));
    const auto prices = random.price_view();
    ASSERT_EQ(render_price_view(prices), reference::render_price_view(prices));
    const auto coins = random.coin_view();
    ASSERT_EQ(render_coin_view(coins), reference::render_coin_view(coins));
    const auto health = random.health();
    const auto as_of = random.time();
    ASSERT_EQ(render_gateway_health(health, as_of), reference::render_gateway_health(health, as_of));
  }
}

}  // namespace
}  // namespace coinfan::aggregate
