#include "gateways/common/input.hpp"

#include <gtest/gtest.h>

#include "gateways/common/responses.hpp"

namespace coinfan::gateways {
namespace {

TEST(GatewayInput, Utf8LengthCountsCodePoints) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xd0\xbf\xd1\x80\xd0\xb8"), 3u);  // "при"
  EXPECT_EQ(utf8_length("\xf0\x9f\x98\x80"), 1u);          // U+1F600
  EXPECT_EQ(utf8_length(""), 0u);
}

TEST(GatewayInput, Utf8LengthRejectsInvalidSequences) {
  EXPECT_FALSE(utf8_length("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(utf8_length("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(utf8_length("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(utf8_length("\xe2\x82"));          // truncated
  EXPECT_FALSE(utf8_length("\x80"));              // lone continuation byte
}

TEST(GatewayInput, PlainDecimalAcceptsDigitsWithOptionalFraction) {
  EXPECT_TRUE(is_plain_decimal("0"));
  EXPECT_TRUE(is_plain_decimal("100"));
  EXPECT_TRUE(is_plain_decimal("0.005"));
  EXPECT_TRUE(is_plain_decimal("1.000000000000000000000000"));
}

TEST(GatewayInput, PlainDecimalRejectsSignsExponentsAndBarePoints) {
  for (const char* text :
       {"", "-1", "+1", "1e5", ".5", "5.", "1.2.3", " 1", "1 ", "0x10", "NaN", "1,5"}) {
    EXPECT_FALSE(is_plain_decimal(text)) << text;
  }
  EXPECT_FALSE(is_plain_decimal(std::string(81, '1')));
}

TEST(GatewayInput, PositiveAmountRejectsZero) {
  EXPECT_FALSE(check_positive_amount("amount", "0.001"));
  const auto error = check_positive_amount("amount", "0.000");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::invalid_argument);
  EXPECT_EQ(error->detail, "amount must be greater than zero");
}

TEST(GatewayInput, CheckTextReportsTheAllowedRange) {
  const auto error = check_text("orderId", "ab", 3, 64);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->detail, "orderId must be 3-64 characters long (got 2)");
  EXPECT_TRUE(check_text("remark", "line\nbreak", 0, 255));
}

TEST(GatewayInput, CredentialDetailNeverEchoesTheValue) {
  const auto error = check_credential("api_secret", "s3cr3t\r\nX-Injected: 1");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::invalid_argument);
  EXPECT_EQ(error->detail.find("s3cr3t"), std::string::npos);
}

TEST(GatewayResponses, ClipProviderTextCutsOnACharacterBoundaryAndDropsControls) {
  EXPECT_EQ(clip_provider_text("a\r\nb"), "a  b");
  std::string long_text(199, 'x');
  long_text += "\xd0\xbf\xd0\xbf";  // two 2-byte characters straddling the 200-byte cut
  const std::string clipped = clip_provider_text(long_text);
  EXPECT_EQ(clipped, std::string(199, 'x') + "...");
}

}  // namespace
}  // namespace coinfan::gateways
