// The API key check compares the whole SHA-256 digest. The keys below were chosen so that a
// check comparing only a prefix of the digest would let the wrong one in: their digests share
// the first 5 bytes (10 hex digits). The digests are written out, not computed by the code
// under test.

#include <gtest/gtest.h>

#include "coinfan/core/hash.hpp"
#include "coinfan/http/auth.hpp"

namespace coinfan::http {
namespace {

constexpr const char* key_a = "cf-test-key-1484793";
constexpr const char* digest_a = "9b6a12a33ebbe666b254e2f723abee6472a604d21434cbb4e083ec27ba109644";
constexpr const char* key_b = "cf-test-key-2192407";
constexpr const char* digest_b = "9b6a12a33e76bea66ec4a88dcf543f1a74d1f4e3a1da7646f4aff1021e3ca167";

Request bearer(std::string_view key) {
  Request request;
  request.headers.emplace_back("Authorization", "Bearer " + std::string(key));
  return request;
}

unsigned status_of(const ApiKeyAuth& auth, std::string_view key) {
  const auto refusal = auth.check(bearer(key), Scope::read);
  return refusal ? refusal->status : 200u;
}

TEST(ApiKeyDigest, TheTwoKeysDigestsShareTheirFirstFiveBytes) {
  // The premise of the tests below, checked against an independent statement of SHA-256.
  EXPECT_EQ(hash::sha256_hex(key_a).value(), digest_a);
  EXPECT_EQ(hash::sha256_hex(key_b).value(), digest_b);
  EXPECT_EQ(std::string_view(digest_a).substr(0, 10), std::string_view(digest_b).substr(0, 10));
  EXPECT_NE(std::string_view(digest_a)[10], std::string_view(digest_b)[10]);
}

TEST(ApiKeyDigest, AKeyWhoseDigestSharesALongPrefixIsRefused) {
  const ApiKeyAuth auth({{"only-a", digest_a, {"read"}}});
  EXPECT_EQ(status_of(auth, key_a), 200u);
  EXPECT_EQ(status_of(auth, key_b), 401u);
  const ApiKeyAuth other({{"only-b", digest_b, {"read"}}});
  EXPECT_EQ(status_of(other, key_b), 200u);
  EXPECT_EQ(status_of(other, key_a), 401u);
}

TEST(ApiKeyDigest, ADigestDifferingOnlyInItsLastDigitIsNoMatch) {
  // digest_a with its last hex digit changed (4 -> 5), and with its last byte changed.
  const ApiKeyAuth last_digit({{"near", "9b6a12a33ebbe666b254e2f723abee6472a604d21434cbb4e083ec27ba109645", {"read"}}});
  EXPECT_EQ(status_of(last_digit, key_a), 401u);
  const ApiKeyAuth last_byte({{"near", "9b6a12a33ebbe666b254e2f723abee6472a604d21434cbb4e083ec27ba1096ff", {"read"}}});
  EXPECT_EQ(status_of(last_byte, key_a), 401u);
  // A digest that differs in the middle only.
  const ApiKeyAuth middle_only({{"mid", "9b6a12a33ebbe666b254e2f723abee6400a604d21434cbb4e083ec27ba109644", {"read"}}});
  EXPECT_EQ(status_of(middle_only, key_a), 401u);
}

TEST(ApiKeyDigest, APrefixOrAnExtensionOfTheDigestIsNoMatch) {
  // A check bounded by the shorter of the two strings would accept these.
  const ApiKeyAuth truncated({{"short", "9b6a12a33ebbe666b254e2f723abee6472a604d21434cbb4e083ec27ba10964", {"read"}}});
  EXPECT_EQ(status_of(truncated, key_a), 401u);
  const ApiKeyAuth extended({{"long", "9b6a12a33ebbe666b254e2f723abee6472a604d21434cbb4e083ec27ba1096440", {"read"}}});
  EXPECT_EQ(status_of(extended, key_a), 401u);
  const ApiKeyAuth empty({{"empty", "", {"read"}}});
  EXPECT_EQ(status_of(empty, key_a), 401u);
}

TEST(ApiKeyDigest, TheScopeOfTheMatchingKeyIsUsedNotOfANearMiss) {
  // key_b's digest is configured with write, key_a's with read only: key_a must not borrow
  // the neighbour's scope.
  const ApiKeyAuth auth({{"reader", digest_a, {"read"}}, {"writer", digest_b, {"read", "write"}}});
  const auto refusal = auth.check(bearer(key_a), Scope::write);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
  EXPECT_FALSE(auth.check(bearer(key_b), Scope::write));
}

}  // namespace
}  // namespace coinfan::http
