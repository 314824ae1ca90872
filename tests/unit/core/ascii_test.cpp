#include "coinfan/core/ascii.hpp"

#include <gtest/gtest.h>

namespace coinfan::ascii {
namespace {

TEST(Ascii, IequalsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Host", "Hosts"));
  EXPECT_FALSE(iequals("a", "b"));
  // '[' (0x5B) and '{' (0x7B) differ by 0x20 like a case pair but are not letters.
  EXPECT_FALSE(iequals("[", "{"));
  // Bytes above 0x7F are compared exactly, whatever the locale.
  EXPECT_FALSE(iequals("\xC4", "\xE4"));
}

TEST(Ascii, LoweredLowersOnlyAsciiLetters) {
  EXPECT_EQ(lowered("API.Example.COM"), "api.example.com");
  EXPECT_EQ(lowered("@[Z]\xC4"), "@[z]\xC4");
  EXPECT_EQ(to_lower('Q'), 'q');
  EXPECT_EQ(to_lower('1'), '1');
}

TEST(Ascii, ParseUnsignedTakesDigitsThatFitOnly) {
  EXPECT_EQ(ascii::parse_unsigned<std::uint16_t>("8080"), 8080);
  EXPECT_EQ(ascii::parse_unsigned<std::uint16_t>("007"), 7);
  EXPECT_EQ(ascii::parse_unsigned<std::uint16_t>("65535"), 65535);
  EXPECT_EQ(ascii::parse_unsigned<std::uint16_t>("65536"), std::nullopt);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1.0", "0x10", "12a"}) {
    EXPECT_EQ(ascii::parse_unsigned<std::uint16_t>(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ascii::parse_unsigned<unsigned>("4294967295"), 4294967295u);
}

}  // namespace
}  // namespace coinfan::ascii
