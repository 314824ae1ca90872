#include "gateways/ccpayment_v2/ids.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coinfan::gateways::ccpayment_v2 {
namespace {

TEST(CcpaymentV2Ids, UserIdsFollowTheProviderRule) {
  EXPECT_TRUE(valid_user_id("user-alice-1001"));
  EXPECT_FALSE(valid_user_id("abcd"));
  EXPECT_FALSE(valid_user_id("sysadmin"));
  EXPECT_FALSE(valid_user_id("has space"));
  EXPECT_TRUE(valid_user_id(std::string(64, 'a')));
  EXPECT_FALSE(valid_user_id(std::string(65, 'a')));
}

TEST(CcpaymentV2Ids, RecordAndOrderIdsArePrintableWithoutSpaces) {
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

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v2
