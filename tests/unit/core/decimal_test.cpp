#include "coinfan/core/decimal.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace coinfan {
namespace {

Decimal dec(std::string_view text) {
  auto parsed = Decimal::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().detail);
  return parsed.ok() ? parsed.value() : Decimal{};
}

std::string canon(std::string_view text) { return dec(text).to_string(); }

// Canonical decimal text from random parts: sign, integer digits without leading zeros and
// fraction digits whose last digit is not zero.
std::string random_canonical(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> nonzero(1, 9);
  std::uniform_int_distribution<int> int_len(0, 45);
  std::uniform_int_distribution<int> frac_len(0, 30);
  std::string out;
  const int il = int_len(rng);
  const int fl = frac_len(rng);
  if (il == 0) {
    out = "0";
  } else {
    out += static_cast<char>('0' + nonzero(rng));
    for (int i = 1; i < il; ++i) out += static_cast<char>('0' + digit(rng));
  }
  if (fl > 0) {
    out += '.';
    for (int i = 1; i < fl; ++i) out += static_cast<char>('0' + digit(rng));
    out += static_cast<char>('0' + nonzero(rng));
  }
  if (out != "0" && (rng() & 1U) != 0) out.insert(0, 1, '-');
  return out;
}

// "<x>" with `scale` fractional digits, e.g. (-1234, 2) -> "-12.34"; exercises non-canonical
// forms (trailing zeros) on purpose.
std::string scaled_text(std::int64_t x, int scale) {
  const bool negative = x < 0;
  std::string digits = std::to_string(negative ? -x : x);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) {
      digits.insert(0, static_cast<std::size_t>(scale + 1) - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

TEST(Decimal, DefaultIsZeroAndPrintsZero) {
  const Decimal zero;
  EXPECT_TRUE(zero.is_zero());
  EXPECT_FALSE(zero.is_negative());
  EXPECT_EQ(zero.to_string(), "0");
}

TEST(Decimal, ParsesPlainSignedAndExponentForms) {
  EXPECT_EQ(canon("12.5"), "12.5");
  EXPECT_EQ(canon("-0.000001"), "-0.000001");
  EXPECT_EQ(canon("1e-7"), "0.0000001");
  EXPECT_EQ(canon("1.5E+3"), "1500");
  EXPECT_EQ(canon("1.5e3"), "1500");
  EXPECT_EQ(canon("+3"), "3");
  EXPECT_EQ(canon("007"), "7");
  EXPECT_EQ(canon("-0012.3400"), "-12.34");
  EXPECT_EQ(canon("123.456e-2"), "1.23456");
  EXPECT_EQ(canon("0.00012e4"), "1.2");
  EXPECT_EQ(canon("1e000000000000000000005"), "100000");
}

TEST(Decimal, CanonicalFormDropsTrailingZerosAndNegativeZero) {
  EXPECT_EQ(canon("1.000000000000000000000000"), "1");
  EXPECT_EQ(canon("1.634953704442886400000000"), "1.6349537044428864");
  EXPECT_EQ(canon("10.0"), "10");
  EXPECT_EQ(canon("100"), "100");
  EXPECT_EQ(canon("-0"), "0");
  EXPECT_EQ(canon("-0.000"), "0");
  EXPECT_EQ(canon("0e-50"), "0");
  EXPECT_EQ(canon("-0e5"), "0");
  EXPECT_FALSE(dec("-0.0").is_negative());
}

TEST(Decimal, RejectsGarbageWithInvalidArgumentNotACrash) {
  const std::vector<std::string> garbage = {
      "", " 1", "1 ", "\t1", "1.", ".5", "-.5", "abc", "1e", "1e+", "1E-", "e5", "NaN", "nan",
      "inf", "-inf", "Infinity", "-", "+", "--1", "+-1", "1..2", "1.2.3", "0x10", "1,5",
      "1_000", "12a", "1e5.5", "1e10001", "1e-10001", "0e99999", "\xd9\xa1",
      std::string("1\0", 2), "1/2", "$5"};
  for (const auto& text : garbage) {
    const auto parsed = Decimal::parse(text);
    ASSERT_FALSE(parsed.ok()) << "accepted: " << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    EXPECT_FALSE(parsed.error().detail.empty());
  }
}

TEST(Decimal, ErrorDetailQuotesOnlyAShortPrintableExcerpt) {
  const std::string text = std::string(500, '9') + "x" + std::string(400, '1');
  const auto parsed = Decimal::parse(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_LT(parsed.error().detail.size(), 120U);
  EXPECT_NE(parsed.error().detail.find("offset 500"), std::string::npos);
}

TEST(Decimal, EnforcesLengthAndExponentLimits) {
  EXPECT_TRUE(Decimal::parse(std::string(1000, '7')).ok());
  EXPECT_FALSE(Decimal::parse(std::string(1001, '7')).ok());
  const auto big = Decimal::parse("1e10000");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->to_string(), "1" + std::string(10000, '0'));
  const auto tiny = Decimal::parse("1e-10000");
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->to_string(), "0." + std::string(9999, '0') + "1");
}

TEST(Decimal, ParseAmountTreatsEmptyAsZeroOnlyWhenAsked) {
  const auto zero = Decimal::parse_amount("", true);
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->is_zero());
  const auto rejected = Decimal::parse_amount("", false);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(Decimal::parse_amount("2.50", true)->to_string(), "2.5");
  EXPECT_FALSE(Decimal::parse_amount(" ", true).ok());
}

TEST(Decimal, RandomCanonicalTextRoundTripsExactly) {
  std::mt19937_64 rng(20240722);
  for (int i = 0; i < 3000; ++i) {
    const std::string text = random_canonical(rng);
    const auto parsed = Decimal::parse(text);
    ASSERT_TRUE(parsed.ok()) << text;
    ASSERT_EQ(parsed->to_string(), text);
    ASSERT_EQ(Decimal::parse(parsed->to_string()).value(), parsed.value());
  }
}

TEST(Decimal, NonCanonicalSpellingsOfOneValueCompareEqualAndPrintTheSame) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> pad(0, 12);
  for (int i = 0; i < 1000; ++i) {
    const std::string text = random_canonical(rng);
    const Decimal value = dec(text);
    // Trailing zeros in the fraction.
    std::string padded = text;
    if (padded.find('.') == std::string::npos) padded += '.';
    padded.append(static_cast<std::size_t>(pad(rng)) + 1, '0');
    ASSERT_EQ(dec(padded), value) << padded;
    ASSERT_EQ(dec(padded).to_string(), text);
    // Mantissa/exponent form: all digits as an integer times 10^-scale.
    const bool negative = text.front() == '-';
    std::string digits = negative ? text.substr(1) : text;
    const auto point = digits.find('.');
    std::size_t scale = 0;
    if (point != std::string::npos) {
      scale = digits.size() - point - 1;
      digits.erase(point, 1);
    }
    const std::string exp_form =
        (negative ? "-" : "") + digits + "e-" + std::to_string(scale + 3) + "";
    ASSERT_EQ((dec(exp_form) * dec("1000")).to_string(), text) << exp_form;
  }
}

TEST(Decimal, ZeroPointOnePlusZeroPointTwoIsExactlyZeroPointThree) {
  EXPECT_EQ(dec("0.1") + dec("0.2"), dec("0.3"));
  EXPECT_EQ((dec("0.1") + dec("0.2")).to_string(), "0.3");
}

TEST(Decimal, TwentyFourFractionalDigitsSurvive) {
  EXPECT_EQ(canon("1234.567890123456789012345678"), "1234.567890123456789012345678");
  EXPECT_EQ(canon("0.000000000000000000000001"), "0.000000000000000000000001");
  EXPECT_EQ((dec("0.000000000000000000000001") * dec("3")).to_string(),
            "0.000000000000000000000003");
}

TEST(Decimal, HugeValuesStayExact) {
  const std::string big = "123456789012345678901234567890123456789012345678901234567890123";
  EXPECT_EQ(canon(big), big);
  EXPECT_EQ((dec(big) + dec("1")).to_string(),
            "123456789012345678901234567890123456789012345678901234567890124");
  EXPECT_EQ((dec(big) - dec(big)).to_string(), "0");
  EXPECT_EQ((dec("99999999999999999999999999999999999999999999999999999999999999.99") +
             dec("0.01"))
                .to_string(),
            "100000000000000000000000000000000000000000000000000000000000000");
}

TEST(Decimal, AdditionMatchesIntegerArithmeticAtEveryScale) {
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<std::int64_t> value(-1'000'000'000'000'000, 1'000'000'000'000'000);
  std::uniform_int_distribution<int> scale(0, 20);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t x = value(rng);
    const std::int64_t y = value(rng);
    const int s = scale(rng);
    const Decimal sum = dec(scaled_text(x, s)) + dec(scaled_text(y, s));
    ASSERT_EQ(sum, dec(scaled_text(x + y, s))) << x << " " << y << " " << s;
    const Decimal difference = dec(scaled_text(x, s)) - dec(scaled_text(y, s));
    ASSERT_EQ(difference, dec(scaled_text(x - y, s)));
    ASSERT_EQ(dec(scaled_text(x, s)) < dec(scaled_text(y, s)), x < y);
  }
}

TEST(Decimal, ArithmeticLawsHoldForRandomValues) {
  std::mt19937_64 rng(424242);
  for (int i = 0; i < 500; ++i) {
    const Decimal a = dec(random_canonical(rng));
    const Decimal b = dec(random_canonical(rng));
    const Decimal c = dec(random_canonical(rng));
    ASSERT_EQ(a + b, b + a);
    ASSERT_EQ((a + b) - b, a);
    ASSERT_EQ(a * b, b * a);
    ASSERT_EQ(a * (b + c), a * b + a * c);
    ASSERT_EQ((a + b) + c, a + (b + c));
    ASSERT_EQ(-(-a), a);
    ASSERT_EQ(a - a, Decimal{});
    ASSERT_EQ(a < b, (a - b).is_negative());
    ASSERT_EQ((a <=> b) == 0, a == b);
    if (!b.is_zero()) {
      // (a*b)/b is exact, so rounding at a's scale gives a back.
      const auto q = Decimal::divide(a * b, b, a.scale());
      ASSERT_TRUE(q.ok());
      ASSERT_EQ(q.value(), a);
    }
  }
}

TEST(Decimal, MultiplicationIsExact) {
  EXPECT_EQ((dec("1.1") * dec("1.1")).to_string(), "1.21");
  EXPECT_EQ((dec("0.1004016064257028") * dec("1.8174262160994585")).to_string(),
            "0.1824725116565721181172955619338");
  EXPECT_EQ((dec("-2.5") * dec("4")).to_string(), "-10");
  EXPECT_EQ((dec("-2.5") * dec("-0.4")).to_string(), "1");
  EXPECT_EQ((dec("123456789.123456789") * dec("0")).to_string(), "0");
  EXPECT_EQ((dec("99999999999999999999") * dec("99999999999999999999")).to_string(),
            "9999999999999999999800000000000000000001");
}

TEST(Decimal, ComparisonIsNumeric) {
  EXPECT_EQ(dec("1.0"), dec("1"));
  EXPECT_EQ(dec("1.0"), Decimal::from_int(1));
  EXPECT_LT(dec("0.99999999999999999999999"), dec("1"));
  EXPECT_GT(dec("-0.1"), dec("-0.2"));
  EXPECT_LT(dec("-100"), dec("0.001"));
  EXPECT_EQ(dec("-0"), Decimal{});
  EXPECT_EQ(dec("2") <=> dec("2.000"), std::strong_ordering::equal);
  EXPECT_NE(dec("1.01"), dec("1.1"));
}

TEST(Decimal, SubtractionCanGoNegative) {
  const Decimal result = dec("1.5") - dec("2.25");
  EXPECT_TRUE(result.is_negative());
  EXPECT_EQ(result.to_string(), "-0.75");
  Decimal running = dec("10");
  running -= dec("10.000000000000000000000001");
  EXPECT_EQ(running.to_string(), "-0.000000000000000000000001");
  running += dec("0.000000000000000000000001");
  EXPECT_TRUE(running.is_zero());
  EXPECT_FALSE(running.is_negative());
}

TEST(Decimal, RoundHalfEvenRoundsTiesToTheEvenDigit) {
  EXPECT_EQ(dec("2.5").round_half_even(0).to_string(), "2");
  EXPECT_EQ(dec("3.5").round_half_even(0).to_string(), "4");
  EXPECT_EQ(dec("-2.5").round_half_even(0).to_string(), "-2");
  EXPECT_EQ(dec("-3.5").round_half_even(0).to_string(), "-4");
  EXPECT_EQ(dec("0.125").round_half_even(2).to_string(), "0.12");
  EXPECT_EQ(dec("0.135").round_half_even(2).to_string(), "0.14");
  EXPECT_EQ(dec("0.1251").round_half_even(2).to_string(), "0.13");
  EXPECT_EQ(dec("0.1249").round_half_even(2).to_string(), "0.12");
  EXPECT_EQ(dec("9.995").round_half_even(2).to_string(), "10");
  EXPECT_EQ(dec("-0.004").round_half_even(2).to_string(), "0");
  EXPECT_FALSE(dec("-0.004").round_half_even(2).is_negative());
  EXPECT_EQ(dec("1.23").round_half_even(5).to_string(), "1.23");
}

TEST(Decimal, TruncateRoundsTowardZero) {
  EXPECT_EQ(dec("1.999").truncate(2).to_string(), "1.99");
  EXPECT_EQ(dec("-1.999").truncate(2).to_string(), "-1.99");
  EXPECT_EQ(dec("0.009").truncate(2).to_string(), "0");
}

TEST(Decimal, FixedStringPadsToTheRequestedPlaces) {
  EXPECT_EQ(dec("1.5").to_fixed_string(3), "1.500");
  EXPECT_EQ(dec("2").to_fixed_string(2), "2.00");
  EXPECT_EQ(dec("2.345").to_fixed_string(2), "2.34");
  EXPECT_EQ(dec("0").to_fixed_string(0), "0");
  EXPECT_EQ(dec("-0.001").to_fixed_string(2), "0.00");
}

TEST(Decimal, DivideRoundsHalfEvenToThePlacesAsked) {
  EXPECT_EQ(Decimal::divide(dec("10"), dec("4"), 2)->to_string(), "2.5");
  EXPECT_EQ(Decimal::divide(dec("1"), dec("3"), 8)->to_string(), "0.33333333");
  EXPECT_EQ(Decimal::divide(dec("2"), dec("3"), 8)->to_string(), "0.66666667");
  EXPECT_EQ(Decimal::divide(dec("-2"), dec("3"), 8)->to_string(), "-0.66666667");
  EXPECT_EQ(Decimal::divide(dec("5"), dec("2"), 0)->to_string(), "2");
  EXPECT_EQ(Decimal::divide(dec("7"), dec("2"), 0)->to_string(), "4");
  EXPECT_EQ(Decimal::divide(dec("1"), dec("-8"), 2)->to_string(), "-0.12");
  EXPECT_EQ(Decimal::divide(dec("0.000001"), dec("1000"), 12)->to_string(), "0.000000001");
  EXPECT_EQ(Decimal::divide(dec("0.000001"), dec("1000"), 6)->to_string(), "0");
  EXPECT_EQ(Decimal::divide(dec("0"), dec("3"), 4)->to_string(), "0");
  // CryptoCloud price: balance_usd / balance_crypto.
  EXPECT_EQ(Decimal::divide(dec("6543.21"), dec("0.1"), 8)->to_string(), "65432.1");
}

TEST(Decimal, DivideSignificantRoundsOnceToTheDigitsAsked) {
  auto sig = [](const char* a, const char* b, unsigned digits) {
    return Decimal::divide_significant(dec(a), dec(b), digits)->to_string();
  };
  EXPECT_EQ(sig("1", "3", 12), "0.333333333333");
  EXPECT_EQ(sig("2", "3", 12), "0.666666666667");
  EXPECT_EQ(sig("-2", "3", 4), "-0.6667");
  // Leading zeros are not significant.
  EXPECT_EQ(sig("1", "30000", 3), "0.0000333");
  EXPECT_EQ(sig("0.0000001", "7", 2), "0.000000014");
  // Large quotients: integer digits past the limit become zeros, never an exponent.
  EXPECT_EQ(sig("123456789", "1", 3), "123000000");
  EXPECT_EQ(sig("987654321987654321", "0.001", 12), "987654321988000000000");
  // Exact quotients keep only their own digits.
  EXPECT_EQ(sig("10", "4", 12), "2.5");
  EXPECT_EQ(sig("6543.21", "0.1", 12), "65432.1");
  // Half-even on an exact half, but a remainder beyond it rounds up (no double rounding).
  EXPECT_EQ(sig("0.125", "1", 2), "0.12");
  EXPECT_EQ(sig("0.135", "1", 2), "0.14");
  EXPECT_EQ(sig("1250000000001", "10000000000000", 2), "0.13");
  // 9.995 rounds up across a digit boundary.
  EXPECT_EQ(sig("9.995", "1", 3), "10");
  EXPECT_EQ(sig("0", "3", 5), "0");
  // The TRX price the demo's CryptoCloud balance implies, at 12 digits.
  EXPECT_EQ(sig("271.795502253184714", "1000", 12), "0.271795502253");
  EXPECT_FALSE(Decimal::divide_significant(dec("1"), Decimal{}, 12).ok());
  EXPECT_FALSE(Decimal::divide_significant(dec("1"), dec("3"), 0).ok());
}

TEST(Decimal, DivideByZeroIsAnInvalidArgument) {
  const auto q = Decimal::divide(dec("1"), Decimal{}, 8);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(Decimal::divide(dec("1"), dec("3"), Decimal::max_division_places + 1).ok());
}

TEST(Decimal, IntegerConversionsAreExactAtTheLimits) {
  EXPECT_EQ(Decimal::from_int(INT64_MIN).to_string(), "-9223372036854775808");
  EXPECT_EQ(Decimal::from_int(INT64_MAX).to_string(), "9223372036854775807");
  EXPECT_EQ(Decimal::from_uint(UINT64_MAX).to_string(), "18446744073709551615");
  EXPECT_EQ(Decimal::from_int(INT64_MIN).to_int64(), INT64_MIN);
  EXPECT_EQ(dec("9223372036854775807").to_int64(), INT64_MAX);
  EXPECT_EQ(dec("9223372036854775808").to_int64(), std::nullopt);
  EXPECT_EQ(dec("-9223372036854775809").to_int64(), std::nullopt);
  EXPECT_EQ(dec("1.5").to_int64(), std::nullopt);
  EXPECT_EQ(dec("15e-1").to_int64(), std::nullopt);
  EXPECT_EQ(dec("1.0").to_int64(), 1);
  EXPECT_EQ(Decimal{}.to_int64(), 0);
}

TEST(Decimal, AccessorsDescribeTheCanonicalValue) {
  EXPECT_EQ(dec("1.2300").scale(), 2U);
  EXPECT_TRUE(dec("5.000").is_integer());
  EXPECT_TRUE(dec("0.1").is_positive());
  EXPECT_FALSE(Decimal{}.is_positive());
  EXPECT_EQ(dec("-3.5").abs(), dec("3.5"));
}

TEST(Decimal, RandomBytesNeverCrashAndAcceptedTextRoundTrips) {
  std::mt19937_64 rng(5150);
  const std::string alphabet = "0123456789.eE+- x";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = length(rng);
    for (int j = 0; j < n; ++j) text += alphabet[pick(rng)];
    const auto parsed = Decimal::parse(text);
    if (!parsed.ok()) {
      ASSERT_EQ(parsed.error().code, ErrorCode::invalid_argument);
      continue;
    }
    ++accepted;
    const std::string printed = parsed->to_string();
    // "5e9999" prints 10000 digits, past what parse() accepts back; that is by design.
    if (printed.size() > Decimal::max_text_length) continue;
    ASSERT_EQ(dec(printed), parsed.value()) << text;
  }
  EXPECT_GT(accepted, 100);
}

TEST(Decimal, CopiesAreIndependentValues) {
  Decimal a = dec("1.5");
  const Decimal b = a;
  a += dec("1");
  EXPECT_EQ(a.to_string(), "2.5");
  EXPECT_EQ(b.to_string(), "1.5");
}

}  // namespace
}  // namespace coinfan
