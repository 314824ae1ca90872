// Decimal holds coefficients below 2^128 inline and larger ones in a cpp_int. These tests aim at
// the seams: values at and around 2^64, 2^127, 2^128 and 10^38/10^39, operations whose results
// cross 2^128 in either direction, and a randomized differential test of every operation
// against reference arithmetic written here directly on boost::multiprecision::cpp_int.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>
#include <gtest/gtest.h>

#include "coinfan/core/decimal.hpp"

namespace coinfan {
namespace {

namespace mp = boost::multiprecision;
using Int = mp::cpp_int;

Decimal dec(std::string_view text) {
  auto parsed = Decimal::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().detail);
  return parsed.ok() ? parsed.value() : Decimal{};
}

Int pow_int(unsigned base, unsigned exponent) { return mp::pow(Int(base), exponent); }

// Reference value: coefficient (signed) * 10^-scale.
struct Ref {
  Int coefficient;
  std::uint32_t scale = 0;
};

Ref canonical(Ref r) {
  if (r.coefficient.is_zero()) return Ref{};
  while (r.scale > 0 && r.coefficient % 10 == 0) {
    r.coefficient /= 10;
    --r.scale;
  }
  return r;
}

// Plain digits with a point, no canonicalization: (1234, 2) -> "12.34", (5, 3) -> "0.005".
std::string plain_text(const Int& coefficient, std::uint32_t scale) {
  const bool negative = coefficient < 0;
  std::string digits = (negative ? Int(-coefficient) : coefficient).str();
  if (scale > 0) {
    if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

std::string ref_string(const Ref& r) {
  const Ref c = canonical(r);
  return plain_text(c.coefficient, c.scale);
}

Int aligned(const Ref& r, std::uint32_t scale) {
  return r.coefficient * pow_int(10, scale - r.scale);
}

Ref ref_add(const Ref& a, const Ref& b) {
  const std::uint32_t scale = std::max(a.scale, b.scale);
  return Ref{aligned(a, scale) + aligned(b, scale), scale};
}

Ref ref_sub(const Ref& a, const Ref& b) {
  const std::uint32_t scale = std::max(a.scale, b.scale);
  return Ref{aligned(a, scale) - aligned(b, scale), scale};
}

Ref ref_mul(const Ref& a, const Ref& b) {
  return Ref{a.coefficient * b.coefficient, a.scale + b.scale};
}

int ref_compare(const Ref& a, const Ref& b) {
  const std::uint32_t scale = std::max(a.scale, b.scale);
  return aligned(a, scale).compare(aligned(b, scale));
}

Ref ref_reduce(const Ref& r, unsigned places, bool half_even) {
  if (r.scale <= places) return r;
  const Int divisor = pow_int(10, r.scale - places);
  const bool negative = r.coefficient < 0;
  const Int magnitude = negative ? Int(-r.coefficient) : r.coefficient;
  Int quotient = magnitude / divisor;
  const Int remainder = magnitude % divisor;
  if (half_even) {
    const Int twice = remainder * 2;
    if (twice > divisor || (twice == divisor && quotient % 2 == 1)) ++quotient;
  }
  return Ref{negative ? Int(-quotient) : quotient, places};
}

std::string ref_fixed(const Ref& r, unsigned places) {
  const Ref rounded = canonical(ref_reduce(r, places, true));
  return plain_text(rounded.coefficient * pow_int(10, places - rounded.scale), places);
}

std::optional<std::int64_t> ref_int64(const Ref& r) {
  const Ref c = canonical(r);
  if (c.scale != 0) return std::nullopt;
  if (c.coefficient > Int(INT64_MAX) || c.coefficient < Int(INT64_MIN)) return std::nullopt;
  return c.coefficient.convert_to<std::int64_t>();
}

// Magnitudes concentrated around the seams of the representation.
Int random_magnitude(std::mt19937_64& rng) {
  auto random_bits = [&](unsigned bits) {
    Int out = 0;
    for (unsigned done = 0; done < bits; done += 64) {
      out <<= 64;
      out |= Int(rng());
    }
    if (bits == 0) return Int(0);
    return Int(out & (pow_int(2, bits) - 1));
  };
  switch (rng() % 8) {
    case 0:  // small amounts
      return Int(rng() % 1'000'000'000);
    case 1:  // 2^k + delta around 64, 127, 128, 129 bits
    case 2: {
      static const unsigned edges[] = {63, 64, 65, 126, 127, 128, 129, 130};
      const unsigned k = edges[rng() % 8];
      const Int delta = Int(rng() % 2000) - 1000;
      const Int v = pow_int(2, k) + delta;
      return v < 0 ? Int(-v) : v;
    }
    case 3: {  // 10^k + delta around 10^19, 10^38, 10^39
      static const unsigned edges[] = {18, 19, 20, 37, 38, 39, 40};
      const unsigned k = edges[rng() % 7];
      const Int delta = Int(rng() % 2000) - 1000;
      const Int v = pow_int(10, k) + delta;
      return v < 0 ? Int(-v) : v;
    }
    case 4:  // powers of ten times a digit: many trailing zeros to strip
      return Int(rng() % 9 + 1) * pow_int(10, static_cast<unsigned>(rng() % 45));
    default:  // any size up to 200 bits
      return random_bits(static_cast<unsigned>(rng() % 201));
  }
}

Ref random_ref(std::mt19937_64& rng) {
  Ref r;
  r.coefficient = random_magnitude(rng);
  if ((rng() & 1U) != 0) r.coefficient = -r.coefficient;
  r.scale = static_cast<std::uint32_t>(rng() % 46);
  return r;
}

// Several spellings of one value: canonical, padded with trailing zeros, exponent form.
std::vector<std::string> spellings(const Ref& r, std::mt19937_64& rng) {
  std::vector<std::string> out;
  out.push_back(ref_string(r));
  out.push_back(plain_text(r.coefficient, r.scale));
  const unsigned pad = static_cast<unsigned>(rng() % 30);
  out.push_back(plain_text(r.coefficient * pow_int(10, pad), r.scale + pad));
  const bool negative = r.coefficient < 0;
  const std::string digits = (negative ? Int(-r.coefficient) : r.coefficient).str();
  const int shift = static_cast<int>(rng() % 41) - 20;
  // digits * 10^-scale, spelled as digits with an exponent, with the point moved left by
  // `shift` and the exponent raised to match, or with leading zeros.
  out.push_back((negative ? "-" : "") + digits + "e" + std::to_string(-static_cast<int>(r.scale)));
  if (shift > 0) {
    out.push_back((negative ? "-" : "") + plain_text(Int(digits), static_cast<std::uint32_t>(shift)) +
                  "E" + std::to_string(shift - static_cast<int>(r.scale)));
  } else {
    out.push_back((negative ? "-" : "+") + std::string(static_cast<std::size_t>(-shift), '0') +
                  digits + "e-" + std::to_string(r.scale));
  }
  return out;
}

TEST(DecimalFastPath, DifferentialAgainstCppIntReference) {
  std::mt19937_64 rng(0xC01F4A);
  for (int i = 0; i < 4000; ++i) {
    const Ref ra = random_ref(rng);
    const Ref rb = random_ref(rng);
    const std::string ta = ref_string(ra);
    const std::string tb = ref_string(rb);
    const Decimal a = dec(ta);
    const Decimal b = dec(tb);
    ASSERT_EQ(a.to_string(), ta);
    ASSERT_EQ(b.to_string(), tb);
    ASSERT_EQ(a.scale(), canonical(ra).scale) << ta;
    ASSERT_EQ(a.is_zero(), ra.coefficient.is_zero());
    ASSERT_EQ(a.is_negative(), ra.coefficient < 0);
    for (const auto& text : spellings(ra, rng)) {
      const Decimal spelled = dec(text);
      ASSERT_EQ(spelled, a) << text << " vs " << ta;
      ASSERT_EQ(spelled.to_string(), ta) << text;
      ASSERT_EQ(spelled <=> a, std::strong_ordering::equal) << text;
    }

    ASSERT_EQ((a + b).to_string(), ref_string(ref_add(ra, rb))) << ta << " + " << tb;
    ASSERT_EQ((a - b).to_string(), ref_string(ref_sub(ra, rb))) << ta << " - " << tb;
    ASSERT_EQ((a * b).to_string(), ref_string(ref_mul(ra, rb))) << ta << " * " << tb;
    // Results equal the same value parsed directly, field for field.
    ASSERT_EQ(a + b, dec(ref_string(ref_add(ra, rb))));
    ASSERT_EQ(a - b, dec(ref_string(ref_sub(ra, rb))));
    ASSERT_EQ(a * b, dec(ref_string(ref_mul(ra, rb))));
    ASSERT_EQ((a + b) - b, a) << ta << " " << tb;
    ASSERT_EQ((a - b) + b, a) << ta << " " << tb;

    const int cmp = ref_compare(ra, rb);
    ASSERT_EQ(a <=> b, cmp <=> 0) << ta << " <=> " << tb;
    ASSERT_EQ(b <=> a, 0 <=> cmp) << ta << " <=> " << tb;
    ASSERT_EQ(a == b, cmp == 0);
    ASSERT_EQ(-a <=> -b, 0 <=> cmp);
    ASSERT_EQ(a.abs().to_string(), ref_string(Ref{abs(ra.coefficient), ra.scale}));
    ASSERT_EQ((-a).to_string(), ref_string(Ref{-ra.coefficient, ra.scale}));

    const unsigned places = static_cast<unsigned>(rng() % 50);
    ASSERT_EQ(a.round_half_even(places).to_string(), ref_string(ref_reduce(ra, places, true)))
        << ta << " @" << places;
    ASSERT_EQ(a.truncate(places).to_string(), ref_string(ref_reduce(ra, places, false)))
        << ta << " @" << places;
    ASSERT_EQ(a.round_half_even(places), dec(ref_string(ref_reduce(ra, places, true))));
    ASSERT_EQ(a.to_fixed_string(places), ref_fixed(ra, places)) << ta << " @" << places;
    ASSERT_EQ(a.to_int64(), ref_int64(ra)) << ta;
    ASSERT_EQ(a.round_half_even(0).to_int64(), ref_int64(ref_reduce(ra, 0, true))) << ta;
  }
}

TEST(DecimalFastPath, RoundTripsAtTheRepresentationBoundaries) {
  std::vector<Int> values;
  for (unsigned k : {63U, 64U, 65U, 126U, 127U, 128U, 129U, 192U}) {
    for (int delta = -2; delta <= 2; ++delta) values.push_back(pow_int(2, k) + delta);
  }
  for (unsigned k : {18U, 19U, 20U, 37U, 38U, 39U, 40U}) {
    for (int delta = -2; delta <= 2; ++delta) values.push_back(pow_int(10, k) + delta);
  }
  for (const Int& v : values) {
    for (std::uint32_t scale : {0U, 1U, 18U, 38U, 39U, 60U}) {
      for (const Int& signed_v : {v, Int(-v)}) {
        const std::string text = ref_string(Ref{signed_v, scale});
        const Decimal d = dec(text);
        ASSERT_EQ(d.to_string(), text);
        ASSERT_EQ(dec(plain_text(signed_v * 1000, scale + 3)), d) << text;
        ASSERT_EQ(d + Decimal{}, d);
        ASSERT_EQ(d - d, Decimal{});
        ASSERT_EQ(d * Decimal::from_int(1), d);
        ASSERT_EQ((d * Decimal::from_int(-1)).to_string(),
                  ref_string(Ref{Int(-signed_v), scale}));
      }
    }
  }
}

TEST(DecimalFastPath, TwoToThe128IsExactAndFallsBack) {
  const std::string max128 = "340282366920938463463374607431768211455";  // 2^128 - 1
  const std::string two128 = "340282366920938463463374607431768211456";
  EXPECT_EQ(dec(max128).to_string(), max128);
  EXPECT_EQ(dec(two128).to_string(), two128);
  EXPECT_EQ((dec(max128) + dec("1")).to_string(), two128);
  EXPECT_EQ((dec(two128) - dec("1")).to_string(), max128);
  EXPECT_EQ(dec(two128) - dec("1"), dec(max128));
  EXPECT_EQ((dec(max128) + dec(max128)).to_string(), "680564733841876926926749214863536422910");
  EXPECT_EQ((dec("-" + max128) - dec("1")).to_string(), "-" + two128);
  EXPECT_LT(dec(max128), dec(two128));
  EXPECT_GT(dec("-" + max128), dec("-" + two128));
  EXPECT_EQ(dec("0." + max128).to_string(), "0." + max128);
  EXPECT_EQ(dec("0." + two128).to_string(), "0." + two128);
  EXPECT_EQ(dec("3402823669209384634633746074317682114.56"),
            dec(two128) * dec("0.01"));
}

TEST(DecimalFastPath, ResultsThatShrinkBackInto128BitsEqualDirectlyParsedValues) {
  const Decimal two128 = dec("340282366920938463463374607431768211456");
  const Decimal big_plus_five = two128 + dec("5");
  EXPECT_EQ(big_plus_five.to_string(), "340282366920938463463374607431768211461");
  const Decimal five = big_plus_five - two128;
  EXPECT_EQ(five, dec("5"));
  EXPECT_EQ(five, Decimal::from_int(5));
  EXPECT_EQ(five <=> dec("5"), std::strong_ordering::equal);
  EXPECT_EQ(five.to_int64(), 5);
  EXPECT_TRUE(five.is_integer());
  // As keys: the value computed through the big path and the parsed one are the same key.
  std::map<Decimal, int> by_value;
  by_value[dec("5")] = 1;
  by_value[five] += 1;
  EXPECT_EQ(by_value.size(), 1U);
  EXPECT_EQ(by_value[dec("5.000")], 2);
  std::unordered_set<std::string> by_text = {five.to_string(), dec("5").to_string()};
  EXPECT_EQ(by_text.size(), 1U);
  // A big coefficient with many trailing fractional zeros strips down to a small one.
  const Decimal tiny = dec("1" + std::string(60, '0') + "e-60");
  EXPECT_EQ(tiny, dec("1"));
  EXPECT_EQ(dec("0.5" + std::string(50, '0')), dec("0.5"));
  // Big product, small after canonicalization: 10^30 * 10^-30.
  const Decimal product = dec("1" + std::string(30, '0')) * dec("0." + std::string(29, '0') + "1");
  EXPECT_EQ(product, dec("1"));
  EXPECT_EQ(dec("1e20") * dec("1e20"), dec("1e40"));
  EXPECT_EQ((dec("1e20") * dec("1e20") * dec("1e-40")).to_string(), "1");
  // Rounding a big value to a small one.
  EXPECT_EQ(dec("1." + std::string(60, '4')).round_half_even(2), dec("1.44"));
  EXPECT_EQ(dec("0." + std::string(60, '9')).round_half_even(3), dec("1"));
  EXPECT_EQ(dec("0." + std::string(60, '9')).truncate(3), dec("0.999"));
}

TEST(DecimalFastPath, OverflowingAdditionAndMultiplicationStayExact) {
  const std::string ten38 = "1" + std::string(38, '0');
  const std::string nines38(38, '9');
  EXPECT_EQ((dec(nines38) + dec("1")).to_string(), ten38);
  EXPECT_EQ((dec(nines38) * dec("10")).to_string(), nines38 + "0");
  EXPECT_EQ((dec(nines38) * dec(nines38)).to_string(),
            (Int(nines38) * Int(nines38)).str());
  EXPECT_EQ((dec("18446744073709551616") * dec("18446744073709551616")).to_string(),
            "340282366920938463463374607431768211456");  // 2^64 * 2^64 = 2^128
  EXPECT_EQ((dec("18446744073709551615") * dec("18446744073709551615")).to_string(),
            (Int("18446744073709551615") * Int("18446744073709551615")).str());
  // Alignment overflows: 10^30 + 10^-30 needs a 61-digit coefficient.
  EXPECT_EQ((dec("1e30") + dec("1e-30")).to_string(),
            "1" + std::string(29, '0') + "0." + std::string(29, '0') + "1");
  EXPECT_EQ((dec("1e30") - dec("1e-30")).to_string(),
            std::string(30, '9') + "." + std::string(29, '9') + "9");
  EXPECT_LT(dec("1e-30"), dec("1e30"));
  EXPECT_GT(dec("1e30"), dec("1e-30"));
  EXPECT_LT(dec("-1e30"), dec("-1e-30"));
  // Scale differences past the table of powers of ten.
  EXPECT_GT(dec("1"), dec("1e-50"));
  EXPECT_LT(dec("0.1"), dec(std::string(39, '9')));
  EXPECT_EQ((dec("1") + dec("1e-50")).to_string(), "1." + std::string(49, '0') + "1");
}

TEST(DecimalFastPath, MixedSmallAndBigOperands) {
  const Decimal big = dec("123456789012345678901234567890123456789012345678901234567890");
  const Decimal small = dec("0.000001");
  EXPECT_EQ((big + small).to_string(),
            "123456789012345678901234567890123456789012345678901234567890.000001");
  EXPECT_EQ((small + big), (big + small));
  EXPECT_EQ((big * small).to_string(), "123456789012345678901234567890123456789012345678901234.56789");
  EXPECT_EQ((small - big).to_string(),
            "-123456789012345678901234567890123456789012345678901234567889.999999");
  EXPECT_LT(small, big);
  EXPECT_GT(-small, -big);
  EXPECT_NE(small, big);
  EXPECT_EQ(big.to_int64(), std::nullopt);
  EXPECT_EQ(big.round_half_even(0), big);
}

TEST(DecimalFastPath, NegativeZeroIsZeroOnEveryPath) {
  for (const char* text : {"-0", "-0.0", "-0e10", "-000.000e-5"}) {
    const Decimal z = dec(text);
    EXPECT_TRUE(z.is_zero()) << text;
    EXPECT_FALSE(z.is_negative()) << text;
    EXPECT_EQ(z, Decimal{});
    EXPECT_EQ(z.to_string(), "0");
  }
  const Decimal big = dec("-" + std::string(50, '7'));
  EXPECT_FALSE((big - big).is_negative());
  EXPECT_FALSE((dec("-1.5") + dec("1.5")).is_negative());
  EXPECT_FALSE((dec("-1.5") * Decimal{}).is_negative());
  EXPECT_FALSE((-Decimal{}).is_negative());
  EXPECT_FALSE(dec("-0.0001").round_half_even(2).is_negative());
  EXPECT_FALSE(dec("-0." + std::string(60, '0') + "1").truncate(3).is_negative());
  EXPECT_EQ(dec("-0.0001").to_fixed_string(2), "0.00");
}

TEST(DecimalFastPath, TwentyFourDigitAmountsAndExponents) {
  const Decimal amount = dec("123456789012345678.901234");
  EXPECT_EQ(amount.to_string(), "123456789012345678.901234");
  EXPECT_EQ(amount.scale(), 6U);
  EXPECT_EQ((amount + amount).to_string(), "246913578024691357.802468");
  EXPECT_EQ((amount * amount).to_string(), "15241578753238836750495211342784374.345526722756");
  EXPECT_EQ(amount.round_half_even(2).to_string(), "123456789012345678.9");
  EXPECT_EQ(amount.truncate(0).to_string(), "123456789012345678");
  EXPECT_EQ(amount.to_fixed_string(8), "123456789012345678.90123400");
  EXPECT_EQ(dec("123456789012345678901234e-6"), amount);
  EXPECT_EQ(dec("1.23456789012345678901234E17"), amount);
  EXPECT_EQ(dec("0.000000000000000000000123").to_string(), "0.000000000000000000000123");
  EXPECT_EQ(dec("1e38").to_string(), "1" + std::string(38, '0'));
  EXPECT_EQ(dec("1e39").to_string(), "1" + std::string(39, '0'));
  EXPECT_EQ(dec("34e37").to_string(), "34" + std::string(37, '0'));
  EXPECT_EQ(dec("35e37").to_string(), "35" + std::string(37, '0'));  // above 2^128
  EXPECT_EQ(dec("1e-38").to_string(), "0." + std::string(37, '0') + "1");
  EXPECT_EQ(dec("5e-1").to_string(), "0.5");
  EXPECT_EQ(dec("1.5e-0").to_string(), "1.5");
  EXPECT_EQ(dec("12.3400e1").to_string(), "123.4");
  EXPECT_EQ(dec("12.3400e5").to_string(), "1234000");
}

TEST(DecimalFastPath, IntegerConversionsAcrossTheSeams) {
  EXPECT_EQ(Decimal::from_uint(UINT64_MAX) + Decimal::from_int(1),
            dec("18446744073709551616"));
  EXPECT_EQ((Decimal::from_int(INT64_MIN) - Decimal::from_int(1)).to_int64(), std::nullopt);
  EXPECT_EQ((Decimal::from_int(INT64_MIN) - Decimal::from_int(1)).to_string(),
            "-9223372036854775809");
  EXPECT_EQ(dec("-9223372036854775808").to_int64(), INT64_MIN);
  EXPECT_EQ(dec("18446744073709551616").to_int64(), std::nullopt);
  EXPECT_EQ(dec("9223372036854775807.0").to_int64(), INT64_MAX);
  EXPECT_EQ(Decimal::from_int(0), Decimal{});
  EXPECT_EQ(Decimal::from_uint(0), Decimal{});
  EXPECT_EQ(Decimal::from_int(-10), dec("-1e1"));
}

TEST(DecimalFastPath, OrderingIsConsistentAcrossSizes) {
  std::mt19937_64 rng(77);
  std::vector<Ref> refs;
  for (int i = 0; i < 300; ++i) refs.push_back(random_ref(rng));
  std::set<Decimal> set;
  std::map<std::string, int> distinct;
  for (const Ref& r : refs) {
    set.insert(dec(ref_string(r)));
    distinct[ref_string(r)] = 1;
  }
  EXPECT_EQ(set.size(), distinct.size());
  const Decimal* previous = nullptr;
  for (const Decimal& d : set) {
    if (previous != nullptr) {
      ASSERT_LT(*previous, d);
      ASSERT_TRUE((d - *previous).is_positive());
    }
    previous = &d;
  }
}

TEST(DecimalFastPath, DivisionResultsMatchTheReference) {
  std::mt19937_64 rng(4321);
  for (int i = 0; i < 500; ++i) {
    const Ref ra = random_ref(rng);
    const Ref rb = random_ref(rng);
    if (rb.coefficient.is_zero()) continue;
    const unsigned places = static_cast<unsigned>(rng() % 40);
    // Reference: a/b = (ca * 10^sb) / (cb * 10^sa); scaled by 10^places, rounded half-even.
    Int num = ra.coefficient * pow_int(10, rb.scale + places);
    Int den = rb.coefficient * pow_int(10, ra.scale);
    const bool negative = (num < 0) != (den < 0);
    num = abs(num);
    den = abs(den);
    Int q = num / den;
    const Int r = num % den;
    if (r * 2 > den || (r * 2 == den && q % 2 == 1)) ++q;
    const Ref expected{negative ? Int(-q) : q, places};
    const auto got = Decimal::divide(dec(ref_string(ra)), dec(ref_string(rb)), places);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->to_string(), ref_string(expected));
    ASSERT_EQ(got.value(), dec(ref_string(expected)));
  }
}

}  // namespace
}  // namespace coinfan
