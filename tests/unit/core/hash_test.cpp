#include "coinfan/core/hash.hpp"

#include <array>

#include <gtest/gtest.h>

namespace coinfan {
namespace {

TEST(Hash, Sha256OfEmptyStringMatchesFips180Vector) {
  auto digest = hash::sha256_hex("");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hash, Sha256OfAbcMatchesFips180Vector) {
  auto digest = hash::sha256_hex("abc");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, HmacSha256MatchesRfc4231TestCase2) {
  auto mac = hash::hmac_sha256_hex("Jefe", "what do ya want for nothing?");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(*mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hash, HmacSha256AcceptsAnEmptyKey) {
  // Python: hmac.new(b"", b"", sha256).hexdigest()
  auto mac = hash::hmac_sha256_hex("", "");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(*mac, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Hash, HexIsLowercaseAndTwoDigitsPerByte) {
  const std::array<std::uint8_t, 4> bytes = {0x00, 0x0f, 0xab, 0xff};
  EXPECT_EQ(hash::to_hex_lower(bytes), "000fabff");
}

TEST(Hash, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(hash::constant_time_equal("abc", "abc"));
  EXPECT_TRUE(hash::constant_time_equal("", ""));
  EXPECT_FALSE(hash::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(hash::constant_time_equal("abc", "abcd"));
}

TEST(Hash, RandomBytesHaveTheAskedLengthAndDiffer) {
  auto first = hash::random_bytes(32);
  auto second = hash::random_bytes(32);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->size(), 32u);
  EXPECT_NE(*first, *second);  // a collision of 256 random bits does not happen
  EXPECT_EQ(hash::random_bytes(0)->size(), 0u);
}

}  // namespace
}  // namespace coinfan
