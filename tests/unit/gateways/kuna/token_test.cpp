#include "gateways/kuna/token.hpp"

#include <gtest/gtest.h>

#include "unit/gateways/kuna/jwt.hpp"

namespace coinfan::gateways::kuna {
namespace {

using testing::base64url;
using testing::make_jwt;

void expect_rejected(std::string_view token, std::string_view detail_part) {
  auto expiry = jwt_expiry(token);
  ASSERT_FALSE(expiry.ok()) << token;
  EXPECT_EQ(expiry.error().code, ErrorCode::bad_response);
  EXPECT_NE(expiry.error().detail.find(detail_part), std::string::npos) << expiry.error().detail;
}

TEST(KunaToken, Base64UrlDecodesEveryPaddingLength) {
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9v"), "foo");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
}

TEST(KunaToken, Base64UrlRejectsPaddingStandardAlphabetAndStrayBits) {
  EXPECT_FALSE(base64url_decode("Zg=="));  // JWS segments carry no padding
  EXPECT_FALSE(base64url_decode("+/8"));   // standard, not URL-safe, alphabet
  EXPECT_FALSE(base64url_decode("Z"));     // no byte count gives 1 mod 4
  EXPECT_FALSE(base64url_decode("Zh"));    // unused low bits set
  EXPECT_FALSE(base64url_decode("Zm 9v"));
}

TEST(KunaToken, ReadsTheExpiryOfAValidToken) {
  auto expiry = jwt_expiry(make_jwt(R"({"sub":"merchant","iat":1740000000,"exp":1740003600})"));
  ASSERT_TRUE(expiry.ok()) << expiry.error().detail;
  EXPECT_EQ(expiry->time_since_epoch(), std::chrono::seconds(1740003600));
}

TEST(KunaToken, DropsTheFractionOfANonIntegerExpiry) {
  auto expiry = jwt_expiry(make_jwt(R"({"exp":1740003600.75})"));
  ASSERT_TRUE(expiry.ok()) << expiry.error().detail;
  EXPECT_EQ(expiry->time_since_epoch(), std::chrono::seconds(1740003600));
}

TEST(KunaToken, RejectsMalformedBase64) {
  const std::string good = make_jwt(R"({"exp":1740003600})");
  const std::string header = good.substr(0, good.find('.'));
  expect_rejected(header + ".eyJ!ZXhwIjox." + base64url("sig"), "payload is not base64url");
  expect_rejected("e$J." + base64url(R"({"exp":1})") + ".c2ln", "header is not base64url");
  expect_rejected(header + "." + base64url(R"({"exp":1})") + ".c2ln===",
                  "signature is not base64url");
}

TEST(KunaToken, RejectsAMissingExpiry) {
  expect_rejected(make_jwt(R"({"sub":"merchant"})"), "no \"exp\"");
}

TEST(KunaToken, RejectsANonNumericExpiry) {
  expect_rejected(make_jwt(R"({"exp":"1740003600"})"), "\"exp\" is not a number");
  expect_rejected(make_jwt(R"({"exp":null})"), "\"exp\" is not a number");
  expect_rejected(make_jwt(R"({"exp":true})"), "\"exp\" is not a number");
}

TEST(KunaToken, RejectsExpiriesOutOfRange) {
  expect_rejected(make_jwt(R"({"exp":0})"), "out of range");
  expect_rejected(make_jwt(R"({"exp":-10})"), "out of range");
  expect_rejected(make_jwt(R"({"exp":99999999999999})"), "out of range");
  expect_rejected(make_jwt(R"({"exp":18446744073709551615})"), "out of range");
  expect_rejected(make_jwt(R"({"exp":1e300})"), "out of range");
}

TEST(KunaToken, RejectsWrongStructure) {
  expect_rejected("", "empty");
  expect_rejected("not-a-jwt", "no '.'");
  expect_rejected("a.b", "three segments");
  expect_rejected("a.b.c.d", "three segments");
  expect_rejected("..", "segment is empty");
  expect_rejected(make_jwt("[1,2]"), "payload is not a JSON object");
  expect_rejected(make_jwt(R"({"exp":1740003600)"), "payload is not a JSON object");
  expect_rejected(make_jwt(R"({"exp":1740003600})", R"({"typ":"JWT"})"), "no \"alg\"");
  expect_rejected(make_jwt(R"({"exp":1740003600})", "not json"), "header is not a JSON object");
  expect_rejected(std::string(max_jwt_length + 1, 'a'), "longer than");
}

TEST(KunaToken, RejectsDeeplyNestedClaimsWithoutCrashing) {
  const std::string nested = R"({"a":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  expect_rejected(make_jwt(nested), "payload is not a JSON object");
}

}  // namespace
}  // namespace coinfan::gateways::kuna
