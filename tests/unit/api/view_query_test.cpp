// The read views' query parameters: filters, normalisation and every malformed form.

#include "api/view_query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coinfan::api {
namespace {

using aggregate::cache_key;
using aggregate::ViewKind;
using aggregate::ViewQuery;
using aggregate::max_query_assets;

const std::vector<std::string> known = {"ccp-main", "ccp-old", "cloud", "kuna"};

ViewQuery parse_ok(std::string_view raw) {
  auto query = parse_view_query(raw, known);
  EXPECT_TRUE(query.ok()) << raw << ": " << (query.ok() ? "" : query.error().detail);
  return query.ok() ? query.value() : ViewQuery{};
}

std::string parse_error(std::string_view raw, bool filters_allowed = true) {
  auto query = parse_view_query(raw, known, filters_allowed);
  EXPECT_FALSE(query.ok()) << raw;
  if (query.ok()) return {};
  EXPECT_EQ(query.error().code, ErrorCode::invalid_argument);
  return query.error().detail;
}

TEST(ViewQuery, EmptyMeansEverythingAndNoAgeLimit) {
  auto query = parse_ok("");
  EXPECT_TRUE(query.gateways.empty());
  EXPECT_TRUE(query.assets.empty());
  EXPECT_FALSE(query.max_age.has_value());
}

TEST(ViewQuery, ListsAreCommaSeparatedOrRepeatedSortedAndUnique) {
  auto query = parse_ok("gateway=kuna,ccp-main&gateway=cloud&gateway=kuna&asset=usdt,%20btc%20&asset=USDT");
  EXPECT_EQ(query.gateways, (std::vector<std::string>{"ccp-main", "cloud", "kuna"}));
  EXPECT_EQ(query.assets, (std::vector<std::string>{"BTC", "USDT"}));
}

TEST(ViewQuery, MaxAgeIsMilliseconds) {
  EXPECT_EQ(parse_ok("max_age_ms=0").max_age, std::chrono::milliseconds(0));
  EXPECT_EQ(parse_ok("max_age_ms=1500").max_age, std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_ok("max_age_ms=000000000007").max_age, std::chrono::milliseconds(7));
}

TEST(ViewQuery, UnknownGatewayIdIsRejectedByName) {
  EXPECT_NE(parse_error("gateway=ccp-main,nope").find("unknown gateway id 'nope'"), std::string::npos);
  // Ids are case-sensitive, as configured.
  parse_error("gateway=KUNA");
}

TEST(ViewQuery, MalformedParametersAreRejected) {
  EXPECT_NE(parse_error("max_age_ms=-1").find("max_age_ms"), std::string::npos);
  parse_error("max_age_ms=abc");
  parse_error("max_age_ms=1.5");
  parse_error("max_age_ms=");
  parse_error("max_age_ms=+5");
  parse_error("max_age_ms=1e3");
  parse_error("max_age_ms=1234567890123");  // 13 digits
  parse_error("max_age_ms=1&max_age_ms=2");
  parse_error("gateway=");
  parse_error("gateway=,,");
  parse_error("asset=");
  parse_error("asset=US%24T");
  parse_error("asset=" + std::string(33, 'A'));
  parse_error("asset=%zz");
  EXPECT_NE(parse_error("currency=BTC").find("unknown query parameter 'currency'"), std::string::npos);
}

TEST(ViewQuery, TooManyAssetsAreRejected) {
  std::string raw = "asset=";
  for (std::size_t i = 0; i <= max_query_assets; ++i) raw += "A" + std::to_string(i) + ",";
  EXPECT_NE(parse_error(raw).find("more than"), std::string::npos);
}

TEST(ViewQuery, EchoedInputIsShortAndPrintable) {
  const std::string detail = parse_error("gateway=" + std::string(200, 'x') + "%01");
  EXPECT_LT(detail.size(), 120u);
  EXPECT_EQ(detail.find('\x01'), std::string::npos);
}

TEST(ViewQuery, NoParametersWhenFiltersAreNotAllowed) {
  EXPECT_TRUE(parse_view_query("", known, false).ok());
  parse_error("gateway=kuna", false);
}

TEST(CacheKey, EqualSelectionsGiveEqualKeys) {
  auto a = parse_ok("gateway=kuna,cloud&asset=btc,usdt");
  auto b = parse_ok("asset=USDT&asset=BTC&gateway=cloud&gateway=kuna&max_age_ms=10");
  EXPECT_EQ(cache_key(ViewKind::balances, a.gateways, a.assets), cache_key(ViewKind::balances, b.gateways, b.assets));
  EXPECT_NE(cache_key(ViewKind::balances, a.gateways, a.assets), cache_key(ViewKind::prices, a.gateways, a.assets));
  EXPECT_NE(cache_key(ViewKind::balances, {"a", "b"}, {}), cache_key(ViewKind::balances, {"a"}, {"B"}));
}

}  // namespace
}  // namespace coinfan::api
