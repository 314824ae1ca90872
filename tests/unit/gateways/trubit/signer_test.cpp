#include "gateways/trubit/signer.hpp"

#include <gtest/gtest.h>

namespace coinfan::gateways::trubit {
namespace {

TEST(TrubitSigner, SignsTheTimestampQueryLikeTheReferenceVector) {
  auto signature = sign_token_request("testSecret", 1740568725231);
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(*signature, "6777517a18524c276f22be0afce9f883544dd56e13513f5a188cf8cb7a07dabb");
}

}  // namespace
}  // namespace coinfan::gateways::trubit
