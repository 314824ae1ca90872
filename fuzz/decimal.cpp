// Decimal: parse / to_string round trips and the arithmetic laws, checked exactly.
// Input: byte 0 chooses the rounding places, the rest is "A" or "A|B" (two decimal texts).

#include <string>

#include "coinfan/core/decimal.hpp"
#include "fuzz_support.hpp"

using namespace coinfan;

namespace {

// 10^-places, exactly.
Decimal unit(unsigned places) { return *Decimal::parse("1e-" + std::to_string(places)); }

bool canonical_text(const std::string& text) {
  std::string_view t = text;
  if (t.empty()) return false;
  if (t.front() == '-') {
    t.remove_prefix(1);
    if (t == "0") return false;  // no "-0"
  }
  if (t.empty() || t.find_first_not_of("0123456789.") != std::string_view::npos) return false;
  const auto point = t.find('.');
  const auto integer = t.substr(0, point);
  if (integer.empty() || (integer.size() > 1 && integer.front() == '0')) return false;
  if (point == std::string_view::npos) return true;
  const auto fraction = t.substr(point + 1);
  return !fraction.empty() && fraction.find('.') == std::string_view::npos && fraction.back() != '0';
}

void check_one(const Decimal& a, std::string_view source, unsigned places) {
  const auto text = a.to_string();
  FUZZ_CHECK(canonical_text(text));
  // Canonical text parses back to the same value, within parse()'s length limit (values near the
  // exponent limit print more digits than parse() accepts; decimal.hpp, by design).
  if (text.size() <= Decimal::max_text_length) {
    const auto back = Decimal::parse(text);
    FUZZ_CHECK(back && *back == a && back->to_string() == text);
  }
  FUZZ_CHECK(a.is_zero() == (text == "0"));
  FUZZ_CHECK(a.is_negative() == (text.front() == '-'));
  FUZZ_CHECK(a.is_positive() == (!a.is_zero() && !a.is_negative()));
  const auto point = text.find('.');
  FUZZ_CHECK(a.scale() == (point == std::string::npos ? 0 : text.size() - point - 1));
  FUZZ_CHECK(a.is_integer() == (a.scale() == 0));
  // parse_amount agrees with parse, and "" is zero only when allowed.
  const auto amount = Decimal::parse_amount(source, false);
  FUZZ_CHECK(amount && *amount == a);

  // Values thousands of digits long (exponents near the limit) are only round-tripped: each
  // operation on them costs milliseconds, and the laws below do not depend on the width.
  if (text.size() > 600) return;

  FUZZ_CHECK(-(-a) == a);
  FUZZ_CHECK((a - a).is_zero());
  FUZZ_CHECK(a + Decimal() == a);
  FUZZ_CHECK(a * Decimal::from_int(1) == a);
  FUZZ_CHECK((a * Decimal()).is_zero());
  FUZZ_CHECK(a.abs() == (a.is_negative() ? -a : a));
  if (const auto v = a.to_int64()) FUZZ_CHECK(Decimal::from_int(*v) == a);

  // Half-even rounding: at most `places` digits, within half a unit, ties to even.
  const auto rounded = a.round_half_even(places);
  FUZZ_CHECK(rounded.scale() <= places);
  const auto error = (rounded - a).abs();
  const auto half = unit(places) * *Decimal::parse("0.5");
  FUZZ_CHECK(error <= half);
  if (error == half) {
    // A tie: the kept last digit is even.
    const auto digits = (rounded * *Decimal::parse("1e" + std::to_string(places))).to_string();
    FUZZ_CHECK((digits.back() - '0') % 2 == 0);
  }
  if (a.scale() <= places) FUZZ_CHECK(rounded == a);
  const auto fixed = a.to_fixed_string(places);
  if (fixed.size() <= Decimal::max_text_length) {
    const auto fixed_back = Decimal::parse(fixed);
    FUZZ_CHECK(fixed_back && *fixed_back == rounded);
  }
  const auto fixed_point = fixed.find('.');
  if (places == 0) {
    FUZZ_CHECK(fixed_point == std::string::npos);
  } else {
    FUZZ_CHECK(fixed_point != std::string::npos && fixed.size() - fixed_point - 1 == places);
  }
  // Towards zero: never larger in magnitude, less than one unit away.
  const auto truncated = a.truncate(places);
  FUZZ_CHECK(truncated.scale() <= places);
  FUZZ_CHECK(truncated.abs() <= a.abs());
  FUZZ_CHECK((a - truncated).abs() < unit(places));
  FUZZ_CHECK(truncated.is_zero() || truncated.is_negative() == a.is_negative());
}

void check_two(const Decimal& a, const Decimal& b, unsigned places) {
  FUZZ_CHECK(a + b == b + a);
  FUZZ_CHECK((a + b) - b == a);
  FUZZ_CHECK(a - b == -(b - a));
  FUZZ_CHECK(a * b == b * a);
  FUZZ_CHECK((a * b).is_negative() == (!a.is_zero() && !b.is_zero() && (a.is_negative() != b.is_negative())));
  // Ordering agrees with the sign of the difference, and equality with the text.
  const auto order = a <=> b;
  const auto difference = a - b;
  FUZZ_CHECK((order < 0) == difference.is_negative());
  FUZZ_CHECK((order == 0) == difference.is_zero());
  FUZZ_CHECK((a == b) == (a.to_string() == b.to_string()));
  Decimal sum = a;
  sum += b;
  FUZZ_CHECK(sum == a + b);
  Decimal product = a;
  product *= b;
  FUZZ_CHECK(product == a * b);

  const auto quotient = Decimal::divide(a, b, places);
  if (b.is_zero()) {
    FUZZ_CHECK(!quotient);
    return;
  }
  FUZZ_CHECK(quotient.ok());
  FUZZ_CHECK(quotient->scale() <= places);
  // |q*b - a| <= |b| * 10^-places / 2
  FUZZ_CHECK((*quotient * b - a).abs() <= b.abs() * unit(places) * *Decimal::parse("0.5"));

  // To significant digits: at most `digits` of them, within half a unit of the last one.
  const unsigned digits = places % 20 + 1;
  const auto rounded = Decimal::divide_significant(a, b, digits);
  FUZZ_CHECK(rounded.ok());
  if (a.is_zero()) {
    FUZZ_CHECK(rounded->is_zero());
    return;
  }
  FUZZ_CHECK(!rounded->is_zero());
  FUZZ_CHECK(rounded->is_negative() == (a.is_negative() != b.is_negative()));
  const std::string text = rounded->abs().to_string();
  const auto point = text.find('.');
  std::string all_digits = text;
  if (point != std::string::npos) all_digits.erase(point, 1);
  const auto first = all_digits.find_first_not_of('0');
  const auto last = all_digits.find_last_not_of('0');
  FUZZ_CHECK(first != std::string::npos && last - first + 1 <= digits);
  // The leading digit's exponent: 10^lead <= |rounded| < 10^(lead + 1).
  const long integer_digits = static_cast<long>(point == std::string::npos ? text.size() : point);
  const long lead = integer_digits - 1 - static_cast<long>(first);
  const auto last_unit = Decimal::parse("1e" + std::to_string(lead - static_cast<long>(digits) + 1));
  FUZZ_CHECK(last_unit.ok());
  FUZZ_CHECK((*rounded * b - a).abs() <= b.abs() * *last_unit * *Decimal::parse("0.5"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned places = data[0] % 40;
  const auto text = fuzz::as_text(data + 1, size - 1);
  const auto bar = text.find('|');
  const auto first = text.substr(0, bar);

  const auto a = Decimal::parse(first);
  const auto a_amount = Decimal::parse_amount(first, true);
  if (first.empty()) {
    FUZZ_CHECK(!a && a_amount && a_amount->is_zero());
  } else {
    FUZZ_CHECK(a.ok() == a_amount.ok());
  }
  if (first.size() > Decimal::max_text_length) FUZZ_CHECK(!a);
  if (!a) return 0;
  check_one(*a, first, places);
  if (bar == std::string_view::npos) return 0;
  const auto second = text.substr(bar + 1);
  const auto b = Decimal::parse(second);
  if (!b) return 0;
  check_one(*b, second, places);
  // Wide operands (1e10000 with 1e-10000 makes a 20 000-digit sum) cost milliseconds to seconds
  // per operation; the laws are the same at any width past a few limbs, so they stop here.
  if (a->to_string().size() + b->to_string().size() > 600) return 0;
  check_two(*a, *b, places);
  return 0;
}
