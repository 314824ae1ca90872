#include "gateways/ccpayment_v2/signer.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways::ccpayment_v2 {
namespace {

const Credentials credentials{"testAppId", "testSecret"};

TEST(CcpaymentV2Signer, SignsEmptyBodyLikeTheReferenceVector) {
  auto sign_value = sign(credentials, "1677152720", "");
  ASSERT_TRUE(sign_value.ok());
  EXPECT_EQ(*sign_value, "d0b5aec98162af37717bf01333bc41b8fc9a9f3c754d2964411ee87af576a6b3");
}

TEST(CcpaymentV2Signer, SignsCoinIdBodyLikeTheReferenceVector) {
  auto sign_value = sign(credentials, "1677152720", R"({"coinId":1280})");
  ASSERT_TRUE(sign_value.ok());
  EXPECT_EQ(*sign_value, "7d9b97cff373eb3b1801ede5c2490c0bfc6476f56a33310d259e1c6c22d02fb7");
}

TEST(CcpaymentV2Signer, UsesTheSecretAsHmacKeyNotAsMessage) {
  auto with_secret = sign(credentials, "1677152720", "");
  auto other_secret = sign({"testAppId", "otherSecret"}, "1677152720", "");
  ASSERT_TRUE(with_secret.ok());
  ASSERT_TRUE(other_secret.ok());
  EXPECT_NE(*with_secret, *other_secret);
}

}  // namespace
}  // namespace coinfan::gateways::ccpayment_v2
