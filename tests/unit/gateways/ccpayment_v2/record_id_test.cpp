// The creation time CCPayment writes at the start of its record ids.

#include "gateways/ccpayment_v2/record_id.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways::ccpayment_v2 {
namespace {

using namespace std::chrono;

sys_seconds utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

TEST(TimeFromRecordId, ReadsTheUtcPrefixOfDocumentedIds) {
  EXPECT_EQ(time_from_record_id("20240722021342166923068583059456"),
            utc(2024, 7, 22, 2, 13, 42));
  EXPECT_EQ(time_from_record_id("202403220337521771018432423137280"),
            utc(2024, 3, 22, 3, 37, 52));
  EXPECT_EQ(time_from_record_id("20240101000000"), utc(2024, 1, 1, 0, 0, 0));
  EXPECT_EQ(time_from_record_id("20231231235959xyz"), utc(2023, 12, 31, 23, 59, 59));
}

TEST(TimeFromRecordId, AcceptsLeapDaysOnlyInLeapYears) {
  EXPECT_EQ(time_from_record_id("20240229120000"), utc(2024, 2, 29, 12, 0, 0));
  EXPECT_EQ(time_from_record_id("20000229120000"), utc(2000, 2, 29, 12, 0, 0));
  EXPECT_EQ(time_from_record_id("20230229120000"), std::nullopt);
  EXPECT_EQ(time_from_record_id("19000229120000"), std::nullopt);
}

TEST(TimeFromRecordId, RejectsOutOfRangeFields) {
  EXPECT_EQ(time_from_record_id("20241301000000"), std::nullopt);  // month 13
  EXPECT_EQ(time_from_record_id("20240001000000"), std::nullopt);  // month 0
  EXPECT_EQ(time_from_record_id("20240100000000"), std::nullopt);  // day 0
  EXPECT_EQ(time_from_record_id("20240431000000"), std::nullopt);  // April 31
  EXPECT_EQ(time_from_record_id("20240132000000"), std::nullopt);  // day 32
  EXPECT_EQ(time_from_record_id("20240101240000"), std::nullopt);  // hour 24
  EXPECT_EQ(time_from_record_id("20240101006000"), std::nullopt);  // minute 60
  EXPECT_EQ(time_from_record_id("20240101000060"), std::nullopt);  // second 60
}

TEST(TimeFromRecordId, RejectsShortOrNonDigitPrefixes) {
  EXPECT_EQ(time_from_record_id(""), std::nullopt);
  EXPECT_EQ(time_from_record_id("2024072202134"), std::nullopt);
  EXPECT_EQ(time_from_record_id("202403220335xxxxxxxxx837507252224"), std::nullopt);
  EXPECT_EQ(time_from_record_id("2024-07-22T02:13:42"), std::nullopt);
  EXPECT_EQ(time_from_record_id("+2024072202134"), std::nullopt);
  EXPECT_EQ(time_from_record_id("abcdefghijklmnop"), std::nullopt);
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v2
