// The /v1/records query and the record lookups: defaults, normalisation and every rejection.

#include <gtest/gtest.h>

#include "api/record_query.hpp"

namespace coinfan::api {
namespace {

using records::RecordGatewayInfo;
using records::RecordKind;
using records::RecordQuery;
using records::default_limit;
using records::max_cursor_chars;
using records::max_limit;

const std::vector<RecordGatewayInfo> configured = {
    {"ccp-a", "ccpayment-v2", true},
    {"cloud", "cryptocloud", false},
    {"ccp-b", "ccpayment-v2", true},
};

RecordQuery parse_ok(std::string_view raw) {
  auto query = parse_record_query(raw, configured);
  EXPECT_TRUE(query.ok()) << raw << ": " << (query.ok() ? "" : query.error().detail);
  return query.ok() ? *query : RecordQuery{};
}

std::string rejection(std::string_view raw) {
  auto query = parse_record_query(raw, configured);
  EXPECT_FALSE(query.ok()) << raw;
  if (query.ok()) return {};
  EXPECT_EQ(query.error().code, ErrorCode::invalid_argument);
  return query.error().detail;
}

TEST(RecordQuery, DefaultsToSwapsOfEveryGatewayWithRecords) {
  const auto query = parse_ok("");
  EXPECT_EQ(query.kinds, (std::vector<RecordKind>{RecordKind::swap}));
  EXPECT_EQ(query.gateways, (std::vector<std::string>{"ccp-a", "ccp-b"}));
  EXPECT_EQ(query.limit, default_limit);
  EXPECT_FALSE(query.user_id || query.since || query.until || query.cursor);
}

TEST(RecordQuery, UserIdAddsTransfersWhenKindIsNotGiven) {
  const auto query = parse_ok("user_id=user-alice-1001");
  EXPECT_EQ(query.kinds, (std::vector<RecordKind>{RecordKind::transfer, RecordKind::swap}));
  EXPECT_EQ(query.user_id, std::optional<std::string>("user-alice-1001"));
}

TEST(RecordQuery, KindsAreSortedAndUnique) {
  const auto query = parse_ok("kind=swap,transfer&kind=swap&user_id=user-alice-1001");
  EXPECT_EQ(query.kinds, (std::vector<RecordKind>{RecordKind::transfer, RecordKind::swap}));
  EXPECT_EQ(parse_ok("kind=swap&user_id=user-alice-1001").kinds, (std::vector<RecordKind>{RecordKind::swap}));
}

TEST(RecordQuery, TransfersWithoutUserIdAreRejected) {
  EXPECT_NE(rejection("kind=transfer").find("user_id"), std::string::npos);
  EXPECT_NE(rejection("kind=swap,transfer").find("user_id"), std::string::npos);
}

TEST(RecordQuery, GatewaysKeepConfigurationOrder) {
  EXPECT_EQ(parse_ok("gateway=ccp-b,ccp-a").gateways, (std::vector<std::string>{"ccp-a", "ccp-b"}));
  EXPECT_EQ(parse_ok("gateway=ccp-b&gateway=ccp-b").gateways, (std::vector<std::string>{"ccp-b"}));
  // Equal selections, equal values: the cursor fingerprint relies on it.
  EXPECT_EQ(parse_ok("gateway=ccp-a,ccp-b"), parse_ok(""));
}

TEST(RecordQuery, UnknownGatewayOrGatewayWithoutRecordsIsRejected) {
  EXPECT_NE(rejection("gateway=nope").find("not configured"), std::string::npos);
  EXPECT_NE(rejection("gateway=cloud").find("cryptocloud"), std::string::npos);
  rejection("gateway=");
  rejection("gateway=,");
}

TEST(RecordQuery, TimesAreRfc3339AndOrdered) {
  const auto query = parse_ok("since=2025-03-01T00:00:00Z&until=2025-03-01T01:00:00.500%2B01:00");
  ASSERT_TRUE(query.since && query.until);
  EXPECT_EQ(format_rfc3339_utc(*query.since), "2025-03-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_utc(*query.until), "2025-03-01T00:00:00.500Z");
  parse_ok("since=2025-03-01T00:00:00Z&until=2025-03-01T00:00:00Z");  // empty window, not an error
  EXPECT_NE(rejection("since=2025-03-02T00:00:00Z&until=2025-03-01T00:00:00Z").find("after"), std::string::npos);
  rejection("since=yesterday");
  rejection("until=2025-03-01");
  rejection("since=1969-12-31T23:59:59Z");
}

TEST(RecordQuery, LimitIsOneToTwoHundred) {
  EXPECT_EQ(parse_ok("limit=1").limit, 1u);
  EXPECT_EQ(parse_ok("limit=200").limit, 200u);
  EXPECT_EQ(parse_ok("limit=007").limit, 7u);
  for (const auto* bad : {"limit=0", "limit=201", "limit=-1", "limit=1e2", "limit=", "limit=abc", "limit=1000",
                          "limit=99999999999999999999"}) {
    rejection(bad);
  }
}

TEST(RecordQuery, UserIdFollowsTheProviderRule) {
  rejection("user_id=abcd");
  rejection("user_id=sysadmin");
  rejection("user_id=has%20space");
  rejection("user_id=" + std::string(65, 'a'));
  parse_ok("user_id=" + std::string(64, 'a'));
}

TEST(RecordQuery, UnknownRepeatedOrEmptyParametersAreRejected) {
  EXPECT_NE(rejection("page=2").find("page"), std::string::npos);
  EXPECT_NE(rejection("limit=5&limit=6").find("more than once"), std::string::npos);
  rejection("cursor=");
  rejection("kind=");
  rejection("kind=deposit");
  rejection("user_id=user-alice-1001&user_id=user-bob-2002");
  rejection("cursor=" + std::string(max_cursor_chars + 1, 'A'));
  rejection("since=%zz");
}

TEST(RecordLookup, RecordIdTakesNoParameters) {
  auto lookup = parse_record_lookup("", std::string("20240722021342166923068583059456"));
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup->record_id, std::optional<std::string>("20240722021342166923068583059456"));
  EXPECT_FALSE(lookup->order_id);
  EXPECT_FALSE(parse_record_lookup("order_id=abc", std::string("2024")).ok());
  EXPECT_FALSE(parse_record_lookup("", std::string(129, '1')).ok());
  EXPECT_FALSE(parse_record_lookup("", std::string("a b")).ok());
}

TEST(RecordLookup, OrderIdIsRequiredWithoutRecordId) {
  auto lookup = parse_record_lookup("order_id=order-1", std::nullopt);
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup->order_id, std::optional<std::string>("order-1"));
  EXPECT_FALSE(parse_record_lookup("", std::nullopt).ok());
  EXPECT_FALSE(parse_record_lookup("order_id=ab", std::nullopt).ok());
  EXPECT_FALSE(parse_record_lookup("order_id=abc&order_id=abd", std::nullopt).ok());
  EXPECT_FALSE(parse_record_lookup("order_id=abc&x=1", std::nullopt).ok());
}

}  // namespace
}  // namespace coinfan::api
