#include "coinfan/core/types.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace coinfan {
namespace {

using namespace std::chrono;

sys_seconds utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

TEST(NormaliseRecordStatus, MapsProviderWordsCaseInsensitively) {
  EXPECT_EQ(normalise_record_status("Success"), RecordStatus::success);
  EXPECT_EQ(normalise_record_status("SUCCESS"), RecordStatus::success);
  EXPECT_EQ(normalise_record_status(" success "), RecordStatus::success);
  EXPECT_EQ(normalise_record_status("Failed"), RecordStatus::failed);
  EXPECT_EQ(normalise_record_status("failed"), RecordStatus::failed);
  EXPECT_EQ(normalise_record_status("Processing"), RecordStatus::processing);
  EXPECT_EQ(normalise_record_status("PROCESSING"), RecordStatus::processing);
}

TEST(NormaliseRecordStatus, UnknownOrEmptyStatusIsProcessingNeverAFinalState) {
  EXPECT_EQ(normalise_record_status(""), RecordStatus::processing);
  EXPECT_EQ(normalise_record_status("Pending"), RecordStatus::processing);
  EXPECT_EQ(normalise_record_status("Successish"), RecordStatus::processing);
  EXPECT_EQ(normalise_record_status("\xff\xfe"), RecordStatus::processing);
}

TEST(RecordStatus, PrintsTheApiSpelling) {
  EXPECT_EQ(to_string(RecordStatus::success), "success");
  EXPECT_EQ(to_string(RecordStatus::processing), "processing");
  EXPECT_EQ(to_string(RecordStatus::failed), "failed");
}

TEST(UtcFromDigitFields, ReadsFieldsAtTheGivenOffsets) {
  EXPECT_EQ(utc_from_digit_fields("2024-07-22 02:13:42", {0, 5, 8, 11, 14, 17}), utc(2024, 7, 22, 2, 13, 42));
  EXPECT_EQ(utc_from_digit_fields("x20240722021342", {1, 5, 7, 9, 11, 13}), utc(2024, 7, 22, 2, 13, 42));
  EXPECT_EQ(utc_from_digit_fields("2024-07-22", {0, 5, 8, 11, 14, 17}), std::nullopt);  // too short
  EXPECT_EQ(utc_from_digit_fields("2023-02-29 00:00:00", {0, 5, 8, 11, 14, 17}), std::nullopt);
  EXPECT_EQ(utc_from_digit_fields("2024-01-01 23:59:60", {0, 5, 8, 11, 14, 17}), std::nullopt);
}

TEST(TimeFromUnixSeconds, ConvertsPositiveTimestampsAndRejectsUnset) {
  const auto t = time_from_unix_seconds(1721614422);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_rfc3339_utc(*t), "2024-07-22T02:13:42.000Z");
  EXPECT_EQ(time_from_unix_seconds(0), std::nullopt);
  EXPECT_EQ(time_from_unix_seconds(-5), std::nullopt);
  EXPECT_EQ(time_from_unix_seconds(INT64_MAX), std::nullopt);
}

TEST(FormatRfc3339Utc, PrintsMillisecondsAndZ) {
  EXPECT_EQ(format_rfc3339_utc(TimePointMs{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_utc(utc(2026, 11, 21, 10, 0, 0) + milliseconds{123}),
            "2026-11-21T10:00:00.123Z");
  EXPECT_EQ(format_rfc3339_utc(utc(2024, 2, 29, 23, 59, 59) + milliseconds{7}),
            "2024-02-29T23:59:59.007Z");
  EXPECT_EQ(format_rfc3339_utc(TimePointMs{milliseconds{-1}}), "1969-12-31T23:59:59.999Z");
}

TEST(ParseRfc3339, ReadsUtcAndOffsetForms) {
  const TimePointMs expected = utc(2026, 11, 21, 10, 0, 0) + milliseconds{123};
  EXPECT_EQ(parse_rfc3339("2026-11-21T10:00:00.123Z"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-21t10:00:00.123z"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-21T12:30:00.123+02:30"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-21T05:00:00.123-05:00"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-21T10:00:00.123999Z"), expected);
  EXPECT_EQ(parse_rfc3339("2026-11-21T10:00:00.1Z"), utc(2026, 11, 21, 10, 0, 0) + milliseconds{100});
  EXPECT_EQ(parse_rfc3339("2026-11-21T10:00:00Z"), TimePointMs{utc(2026, 11, 21, 10, 0, 0)});
}

TEST(ParseRfc3339, RoundTripsWhatFormatPrints) {
  for (const std::int64_t ms : {0LL, 1LL, 1721614422123LL, 4102444799999LL}) {
    const TimePointMs t{milliseconds{ms}};
    EXPECT_EQ(parse_rfc3339(format_rfc3339_utc(t)), t) << ms;
  }
}

TEST(ParseRfc3339, RejectsMalformedText) {
  for (const std::string_view text :
       {"", "2026-11-21", "2026-11-21T10:00:00", "2026-11-21T10:00:00.Z", "2026-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T10:60:00Z",
        "2026-11-21T10:00:60Z", "2026-11-21T10:00:00+0200", "2026-11-21T10:00:00Zjunk",
        "2026/11/21T10:00:00Z", "1721614422"}) {
    EXPECT_EQ(parse_rfc3339(text), std::nullopt) << text;
  }
}

TEST(DomainTypes, CompareByValueIncludingDecimalsNumerically) {
  Balance a{"ccp-main", "USDT", std::nullopt, Decimal::from_int(1), Decimal::from_int(1), {},
            std::nullopt, std::nullopt, "1280"};
  Balance b = a;
  b.total = Decimal::parse("1.000").value();
  EXPECT_EQ(a, b);
  b.network = "TRC20";
  EXPECT_NE(a, b);
  TransferRecord r;
  EXPECT_EQ(r.status, RecordStatus::processing);
  EXPECT_EQ(r.created_at, std::nullopt);
}

}  // namespace
}  // namespace coinfan
