// The record query's own logic (parsing: tests/unit/api/record_query_test.cpp; the ids it
// checks: tests/unit/gateways/ccpayment_v2/ids_test.cpp).

#include "coinfan/records/query.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coinfan::records {
namespace {

TEST(RecordQuery, WantsTheKindsItLists) {
  RecordQuery query;
  query.kinds = {RecordKind::swap};
  EXPECT_TRUE(query.wants(RecordKind::swap));
  EXPECT_FALSE(query.wants(RecordKind::transfer));
}

}  // namespace
}  // namespace coinfan::records
