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

TEST(Hash, RawSha256AgreesWithItsHexAndSurvivesReuseOfTheThreadsContext) {
  // The per-thread context is reset between messages: the second digest is not of both.
  for (const std::string_view message : {std::string_view("abc"), std::string_view(), std::string_view("abc"), std::string_view("a\0b", 3)}) {
    auto raw = hash::sha256(message);
    auto hex = hash::sha256_hex(message);
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(hex.ok());
    EXPECT_EQ(hash::to_hex_lower(*raw), *hex);
  }
  EXPECT_EQ(hash::to_hex_lower(*hash::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, Sha256FromHexDecodesEitherCaseAndRefusesAnythingElse) {
  const auto digest = *hash::sha256("abc");
  EXPECT_EQ(hash::sha256_from_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), digest);
  EXPECT_EQ(hash::sha256_from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"), digest);
  EXPECT_FALSE(hash::sha256_from_hex("ba7816bf"));
  EXPECT_FALSE(hash::sha256_from_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag"));
  EXPECT_FALSE(hash::sha256_from_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"));
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
