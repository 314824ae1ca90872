// The provider's id rules the record queries rely on (parsing: tests/unit/api/record_query_test.cpp).

#include "coinfan/records/query.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coinfan::records {
namespace {

TEST(RecordIds, UserIdsFollowTheProviderRule) {
  EXPECT_TRUE(valid_user_id("user-alice-1001"));
  EXPECT_FALSE(valid_user_id("abcd"));
  EXPECT_FALSE(valid_user_id("sysadmin"));
  EXPECT_FALSE(valid_user_id("has space"));
  EXPECT_TRUE(valid_user_id(std::string(64, 'a')));
  EXPECT_FALSE(valid_user_id(std::string(65, 'a')));
}

TEST(RecordIds, RecordAndOrderIdsArePrintableWithoutSpaces) {
  EXPECT_TRUE(valid_record_id("1"));
  EXPECT_TRUE(valid_record_id(std::string(128, '1')));
  EXPECT_FALSE(valid_record_id(""));
  EXPECT_FALSE(valid_record_id(std::string(129, '1')));
  EXPECT_FALSE(valid_record_id("a b"));
  EXPECT_TRUE(valid_order_id("abc"));
  EXPECT_FALSE(valid_order_id("ab"));
  EXPECT_FALSE(valid_order_id(std::string(65, 'o')));
  EXPECT_FALSE(valid_order_id("a\tb"));
}

TEST(RecordQuery, WantsTheKindsItLists) {
  RecordQuery query;
  query.kinds = {RecordKind::swap};
  EXPECT_TRUE(query.wants(RecordKind::swap));
  EXPECT_FALSE(query.wants(RecordKind::transfer));
}

}  // namespace
}  // namespace coinfan::records
