#include "gateways/ccpayment_v1/signer.hpp"

#include <cctype>

#include <gtest/gtest.h>

namespace coinfan::gateways::ccpayment_v1 {
namespace {

const Credentials credentials{"testAppId", "testSecret"};

TEST(CcpaymentV1Signer, SignsEmptyBodyLikeTheReferenceVector) {
  auto sign_value = sign(credentials, "1677152720", "");
  ASSERT_TRUE(sign_value.ok());
  EXPECT_EQ(*sign_value, "d5223eaeb39c22e2357cf5b910c47d7bf15ee2a66ac59c8ca50e0daa0ba3ebd9");
}

TEST(CcpaymentV1Signer, SignsCoinIdBodyLikeTheReferenceVector) {
  auto sign_value = sign(credentials, "1677152720", R"({"coin_id":""})");
  ASSERT_TRUE(sign_value.ok());
  EXPECT_EQ(*sign_value, "9c129cf00a24d6c0268add8835566e879412a5833835a69ce9e61661358a2797");
}

TEST(CcpaymentV1Signer, AcceptsAResponseSignedWithTheSameFormula) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"list":[]}})";
  auto expected = sign(credentials, "1677152800", body);
  ASSERT_TRUE(expected.ok());
  const ResponseSignature signature{"testAppId", "1677152800", *expected};
  EXPECT_TRUE(verify_response_signature(credentials, signature, body).ok());
}

TEST(CcpaymentV1Signer, AcceptsUppercaseHexInTheResponseSign) {
  const std::string body = R"({"code":10000})";
  auto expected = sign(credentials, "1677152800", body);
  ASSERT_TRUE(expected.ok());
  std::string upper = *expected;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify_response_signature(credentials, {"", "1677152800", upper}, body).ok());
}

TEST(CcpaymentV1Signer, RejectsATamperedResponseBody) {
  const std::string body = R"({"code":10000,"msg":"success","data":{"list":[{"value":"1"}]}})";
  auto signed_value = sign(credentials, "1677152800", body);
  ASSERT_TRUE(signed_value.ok());
  std::string tampered = body;
  tampered.replace(tampered.find("\"1\""), 3, "\"9\"");
  auto result =
      verify_response_signature(credentials, {"testAppId", "1677152800", *signed_value}, tampered);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
}

TEST(CcpaymentV1Signer, RejectsAResponseSignatureOverADifferentTimestamp) {
  const std::string body = R"({"code":10000})";
  auto signed_value = sign(credentials, "1677152800", body);
  ASSERT_TRUE(signed_value.ok());
  auto result = verify_response_signature(credentials, {"", "1677152801", *signed_value}, body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
}

TEST(CcpaymentV1Signer, RejectsMissingOrMalformedSignatureHeaders) {
  const std::string body = R"({"code":10000})";
  EXPECT_EQ(verify_response_signature(credentials, {"", "", ""}, body).error().code,
            ErrorCode::bad_signature);
  EXPECT_EQ(verify_response_signature(credentials, {"", "1677152800", "abc"}, body).error().code,
            ErrorCode::bad_signature);
  EXPECT_EQ(verify_response_signature(credentials, {"", "16771x2800", std::string(64, 'a')}, body)
                .error()
                .code,
            ErrorCode::bad_signature);
}

TEST(CcpaymentV1Signer, RejectsAResponseFromAnotherApp) {
  const std::string body = R"({"code":10000})";
  auto signed_value = sign(credentials, "1677152800", body);
  ASSERT_TRUE(signed_value.ok());
  auto result =
      verify_response_signature(credentials, {"otherAppId", "1677152800", *signed_value}, body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::bad_signature);
}

TEST(CcpaymentV1Signer, ErrorDetailsNeverContainTheSecret) {
  auto result = verify_response_signature(credentials, {"", "1", std::string(64, '0')}, "{}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().detail.find("testSecret"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v1
