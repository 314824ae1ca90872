// The one query-string parser: percent-decoding, repeated and comma-separated values, limits.

#include "coinfan/core/query_string.hpp"

#include <gtest/gtest.h>

namespace coinfan {
namespace {

TEST(QueryString, DecodesPercentAndPlus) {
  auto query = QueryString::parse("a=1%2C2&b=hello+world&c=%E2%82%AC");
  ASSERT_TRUE(query);
  EXPECT_EQ(*query->get("a"), "1,2");
  EXPECT_EQ(*query->get("b"), "hello world");
  EXPECT_EQ(*query->get("c"), "\xE2\x82\xAC");
  EXPECT_FALSE(query->get("d"));
}

TEST(QueryString, ListJoinsRepeatedAndCommaSeparatedValues) {
  auto query = QueryString::parse("asset=USDT,BTC&asset=ETH&asset=&asset=,TRX,");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->list("asset"), (std::vector<std::string>{"USDT", "BTC", "ETH", "TRX"}));
}

TEST(QueryString, BadEscapesAreErrors) {
  EXPECT_FALSE(QueryString::parse("a=%"));
  EXPECT_FALSE(QueryString::parse("a=%4"));
  EXPECT_FALSE(QueryString::parse("a=%zz"));
  EXPECT_FALSE(QueryString::parse("a=%00"));
  EXPECT_TRUE(QueryString::parse("a=%41"));
}

TEST(QueryString, ParameterWithoutValueIsPresentAndEmpty) {
  auto query = QueryString::parse("flag&x=1");
  ASSERT_TRUE(query);
  EXPECT_TRUE(query->has("flag"));
  EXPECT_EQ(*query->get("flag"), "");
}

TEST(QueryString, CountsRepeatsAndCapsTheNumberOfParameters) {
  auto query = QueryString::parse("a=1&b=2&a=3");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->count("a"), 2u);
  EXPECT_EQ(query->count("c"), 0u);
  EXPECT_EQ(*query->get("a"), "3");
  std::string many;
  for (std::size_t i = 0; i <= QueryString::max_parameters; ++i) many += "p=1&";
  EXPECT_FALSE(QueryString::parse(many));
}

TEST(PercentDecode, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(*percent_decode("a+b%2F", true), "a b/");
  EXPECT_EQ(*percent_decode("a+b%2F", false), "a+b/");
}

}  // namespace
}  // namespace coinfan
