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
// The word-at-a-time check must agree with the byte rule at every position and length, for
// every byte value (a header value's controls, tab, DEL, and bytes above 0x7F).
TEST(Ascii, FieldValueRefusesControlsAndDelAnywhereAndAllowsTabAndHighBytes) {
  const auto byte_rule = [](std::string_view text) {
    for (const char c : text) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
    }
    return true;
  };
  for (std::size_t length = 0; length <= 24; ++length) {
    for (std::size_t at = 0; at < std::max<std::size_t>(length, 1); ++at) {
      for (int value = 0; value < 256; ++value) {
        std::string text(length, 'a');
        if (length > 0) text[at] = static_cast<char>(value);
        ASSERT_EQ(is_field_value(text), byte_rule(text)) << "length " << length << " at " << at << " byte " << value;
      }
    }
  }
  EXPECT_TRUE(is_field_value("private, max-age=5, stale-while-revalidate=55"));
  EXPECT_TRUE(is_field_value("caf\xc3\xa9\tau lait"));
  EXPECT_FALSE(is_field_value("ok\r\nX-Injected: 1 and then some more text"));
  static_assert(is_field_value("constant\tevaluated") && !is_field_value("no\x7f"));
}

TEST(Ascii, TokenIsOneOrMoreTchars) {
  EXPECT_TRUE(is_token("Cache-Control"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("Bad Name"));
  EXPECT_FALSE(is_token("colon:"));
  EXPECT_FALSE(is_token("caf\xc3\xa9"));
  static_assert(is_token("X-Request-Id") && !is_token("a/b"));
}

}  // namespace coinfan::ascii
