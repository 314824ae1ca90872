#include "coinfan/core/decimal.hpp"

#include <algorithm>
#include <limits>
#include <ostream>
#include <utility>

#include <boost/multiprecision/cpp_int.hpp>

namespace coinfan {

namespace mp = boost::multiprecision;

namespace detail {
// Magnitude of a non-zero Decimal; the sign lives in Decimal::negative_.
struct DecimalCoefficient {
  mp::cpp_int magnitude;
};
}  // namespace detail

namespace {

mp::cpp_int pow10(std::uint64_t exponent) {
  static const mp::cpp_int ten = 10;
  return mp::pow(ten, static_cast<unsigned>(exponent));
}

// A short, printable excerpt of rejected input, so error details stay small and log-safe.
std::string excerpt(std::string_view text) {
  constexpr std::size_t max_chars = 32;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < max_chars; ++i) {
    const char c = text[i];
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > max_chars) out += "...";
  out += '"';
  return out;
}

Error parse_error(std::string_view text, std::string_view reason) {
  return make_error(ErrorCode::invalid_argument,
                    "invalid decimal " + excerpt(text) + ": " + std::string(reason));
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Builds a cpp_int from ASCII digits 18 at a time (the string constructor would read a
// leading zero as octal).
mp::cpp_int digits_to_int(std::string_view digits) {
  mp::cpp_int value = 0;
  std::size_t pos = 0;
  while (pos < digits.size()) {
    const std::size_t chunk = std::min<std::size_t>(18, digits.size() - pos);
    std::uint64_t part = 0;
    std::uint64_t scale = 1;
    for (std::size_t i = 0; i < chunk; ++i) {
      part = part * 10 + static_cast<std::uint64_t>(digits[pos + i] - '0');
      scale *= 10;
    }
    value *= scale;
    value += part;
    pos += chunk;
  }
  return value;
}

}  // namespace

// The one place that builds and reads representations; keeps every Decimal canonical.
struct DecimalAccess {
  static Decimal make(mp::cpp_int magnitude, std::uint64_t scale, bool negative) {
    Decimal out;
    if (magnitude.is_zero()) return out;
    // Strip trailing fractional zeros so equal values share one representation.
    while (scale > 0) {
      mp::cpp_int quotient;
      mp::cpp_int remainder;
      mp::divide_qr(magnitude, mp::cpp_int(10), quotient, remainder);
      if (!remainder.is_zero()) break;
      magnitude = std::move(quotient);
      --scale;
    }
    out.coefficient_ = std::make_shared<const detail::DecimalCoefficient>(
        detail::DecimalCoefficient{std::move(magnitude)});
    out.scale_ = static_cast<std::uint32_t>(scale);
    out.negative_ = negative;
    return out;
  }

  static const mp::cpp_int& magnitude(const Decimal& d) {
    static const mp::cpp_int zero = 0;
    return d.coefficient_ ? d.coefficient_->magnitude : zero;
  }

  static mp::cpp_int signed_value(const Decimal& d) {
    return d.negative_ ? mp::cpp_int(-magnitude(d)) : magnitude(d);
  }

  static Decimal from_signed(mp::cpp_int value, std::uint64_t scale) {
    const bool negative = value.sign() < 0;
    if (negative) value = -value;
    return make(std::move(value), scale, negative);
  }

  // Magnitude scaled up to `scale` fractional digits (scale >= d.scale_).
  static mp::cpp_int aligned(const Decimal& d, std::uint32_t scale) {
    const auto& m = magnitude(d);
    return scale == d.scale_ ? m : mp::cpp_int(m * pow10(scale - d.scale_));
  }

  static int compare_magnitudes(const Decimal& a, const Decimal& b) {
    const std::uint32_t scale = std::max(a.scale_, b.scale_);
    return aligned(a, scale).compare(aligned(b, scale));
  }

  static Decimal add(const Decimal& a, const Decimal& b) {
    if (b.is_zero()) return a;
    if (a.is_zero()) return b;
    const std::uint32_t scale = std::max(a.scale_, b.scale_);
    mp::cpp_int x = aligned(a, scale);
    mp::cpp_int y = aligned(b, scale);
    if (a.negative_) x = -x;
    if (b.negative_) y = -y;
    return from_signed(x + y, scale);
  }

  // q = |magnitude| / 10^drop, rounded half-even when `half_even`, else truncated.
  static Decimal reduce(const Decimal& d, unsigned places, bool half_even) {
    if (d.scale_ <= places) return d;
    const mp::cpp_int divisor = pow10(d.scale_ - places);
    mp::cpp_int quotient;
    mp::cpp_int remainder;
    mp::divide_qr(magnitude(d), divisor, quotient, remainder);
    if (half_even) {
      const int cmp = mp::cpp_int(remainder * 2).compare(divisor);
      if (cmp > 0 || (cmp == 0 && mp::bit_test(quotient, 0))) ++quotient;
    }
    return make(std::move(quotient), places, d.negative_);
  }
};

Result<Decimal> Decimal::parse(std::string_view text) {
  if (text.empty()) return parse_error(text, "empty");
  if (text.size() > max_text_length) {
    return parse_error(text, "longer than " + std::to_string(max_text_length) + " characters");
  }
  std::size_t pos = 0;
  bool negative = false;
  if (text[pos] == '+' || text[pos] == '-') {
    negative = text[pos] == '-';
    ++pos;
  }
  const std::size_t int_begin = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  const std::string_view int_digits = text.substr(int_begin, pos - int_begin);
  if (int_digits.empty()) return parse_error(text, "expected a digit before any '.' or exponent");

  std::string_view frac_digits;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t frac_begin = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    frac_digits = text.substr(frac_begin, pos - frac_begin);
    if (frac_digits.empty()) return parse_error(text, "expected a digit after '.'");
  }

  std::int64_t exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool exponent_negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      exponent_negative = text[pos] == '-';
      ++pos;
    }
    const std::size_t exp_begin = pos;
    bool too_large = false;
    while (pos < text.size() && is_digit(text[pos])) {
      // Saturate instead of overflowing; any value past the limit is rejected below.
      if (!too_large) {
        exponent = exponent * 10 + (text[pos] - '0');
        too_large = exponent > max_exponent_magnitude;
      }
      ++pos;
    }
    if (pos == exp_begin) return parse_error(text, "expected a digit in the exponent");
    if (too_large) {
      return parse_error(text, "exponent magnitude above " +
                                   std::to_string(max_exponent_magnitude));
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (pos != text.size()) {
    return parse_error(text, "unexpected character at offset " + std::to_string(pos));
  }

  std::string digits;
  digits.reserve(int_digits.size() + frac_digits.size());
  digits.append(int_digits).append(frac_digits);
  const auto first_nonzero = digits.find_first_not_of('0');
  if (first_nonzero == std::string::npos) return Decimal{};
  mp::cpp_int magnitude = digits_to_int(std::string_view(digits).substr(first_nonzero));

  std::int64_t scale = static_cast<std::int64_t>(frac_digits.size()) - exponent;
  if (scale < 0) {
    magnitude *= pow10(static_cast<std::uint64_t>(-scale));
    scale = 0;
  }
  return DecimalAccess::make(std::move(magnitude), static_cast<std::uint64_t>(scale), negative);
}

Result<Decimal> Decimal::parse_amount(std::string_view text, bool empty_is_zero) {
  if (text.empty() && empty_is_zero) return Decimal{};
  return parse(text);
}

Decimal Decimal::from_int(std::int64_t v) {
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  const std::uint64_t magnitude =
      v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return DecimalAccess::make(mp::cpp_int(magnitude), 0, v < 0);
}

Decimal Decimal::from_uint(std::uint64_t v) {
  return DecimalAccess::make(mp::cpp_int(v), 0, false);
}

std::string Decimal::to_string() const {
  if (is_zero()) return "0";
  std::string digits = DecimalAccess::magnitude(*this).str();
  if (scale_ > 0) {
    if (digits.size() <= scale_) digits.insert(0, scale_ + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale_, 1, '.');
  }
  if (negative_) digits.insert(0, 1, '-');
  return digits;
}

std::string Decimal::to_fixed_string(unsigned places) const {
  const Decimal rounded = round_half_even(places);
  std::string out = rounded.to_string();
  if (places > rounded.scale_) {
    if (rounded.scale_ == 0) out += '.';
    out.append(places - rounded.scale_, '0');
  }
  return out;
}

Decimal Decimal::round_half_even(unsigned places) const {
  return DecimalAccess::reduce(*this, places, true);
}

Decimal Decimal::truncate(unsigned places) const {
  return DecimalAccess::reduce(*this, places, false);
}

Decimal Decimal::abs() const {
  Decimal out = *this;
  out.negative_ = false;
  return out;
}

std::optional<std::int64_t> Decimal::to_int64() const {
  if (scale_ != 0) return std::nullopt;
  if (is_zero()) return 0;
  const auto& m = DecimalAccess::magnitude(*this);
  static const mp::cpp_int max_positive = std::numeric_limits<std::int64_t>::max();
  static const mp::cpp_int max_negative = mp::cpp_int(max_positive) + 1;
  if (m > (negative_ ? max_negative : max_positive)) return std::nullopt;
  const auto u = m.convert_to<std::uint64_t>();
  // Two's-complement wrap is well defined for unsigned; the cast back is exact in range.
  return negative_ ? static_cast<std::int64_t>(std::uint64_t{0} - u) : static_cast<std::int64_t>(u);
}

Decimal operator+(const Decimal& a, const Decimal& b) { return DecimalAccess::add(a, b); }

Decimal operator-(const Decimal& a, const Decimal& b) { return DecimalAccess::add(a, -b); }

Decimal operator*(const Decimal& a, const Decimal& b) {
  if (a.is_zero() || b.is_zero()) return Decimal{};
  return DecimalAccess::make(DecimalAccess::magnitude(a) * DecimalAccess::magnitude(b),
                             std::uint64_t{a.scale_} + b.scale_, a.negative_ != b.negative_);
}

Decimal operator-(const Decimal& a) {
  Decimal out = a;
  if (!out.is_zero()) out.negative_ = !out.negative_;
  return out;
}

Decimal& Decimal::operator+=(const Decimal& other) { return *this = *this + other; }
Decimal& Decimal::operator-=(const Decimal& other) { return *this = *this - other; }
Decimal& Decimal::operator*=(const Decimal& other) { return *this = *this * other; }

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  const int sign_a = a.is_zero() ? 0 : (a.negative_ ? -1 : 1);
  const int sign_b = b.is_zero() ? 0 : (b.negative_ ? -1 : 1);
  if (sign_a != sign_b) return sign_a <=> sign_b;
  if (sign_a == 0) return std::strong_ordering::equal;
  const int cmp = DecimalAccess::compare_magnitudes(a, b);
  return sign_a > 0 ? (cmp <=> 0) : (0 <=> cmp);
}

bool operator==(const Decimal& a, const Decimal& b) noexcept {
  if (a.negative_ != b.negative_ || a.scale_ != b.scale_) return false;
  if (!a.coefficient_ || !b.coefficient_) return !a.coefficient_ && !b.coefficient_;
  return a.coefficient_ == b.coefficient_ ||
         a.coefficient_->magnitude == b.coefficient_->magnitude;
}

Result<Decimal> Decimal::divide(const Decimal& a, const Decimal& b, unsigned places) {
  if (b.is_zero()) return make_error(ErrorCode::invalid_argument, "division by zero");
  if (places > max_division_places) {
    return make_error(ErrorCode::invalid_argument,
                      "division precision above " + std::to_string(max_division_places) +
                          " places");
  }
  if (a.is_zero()) return Decimal{};
  // a/b * 10^places = (ma * 10^(sb + places)) / (mb * 10^sa); only one side needs the power.
  const std::int64_t shift =
      std::int64_t{b.scale_} + std::int64_t{places} - std::int64_t{a.scale_};
  mp::cpp_int numerator = DecimalAccess::magnitude(a);
  mp::cpp_int denominator = DecimalAccess::magnitude(b);
  if (shift > 0) numerator *= pow10(static_cast<std::uint64_t>(shift));
  if (shift < 0) denominator *= pow10(static_cast<std::uint64_t>(-shift));
  mp::cpp_int quotient;
  mp::cpp_int remainder;
  mp::divide_qr(numerator, denominator, quotient, remainder);
  const int cmp = mp::cpp_int(remainder * 2).compare(denominator);
  if (cmp > 0 || (cmp == 0 && mp::bit_test(quotient, 0))) ++quotient;
  return DecimalAccess::make(std::move(quotient), places, a.negative_ != b.negative_);
}

namespace {

std::int64_t digit_count(const mp::cpp_int& magnitude) {
  return static_cast<std::int64_t>(magnitude.str().size());
}

}  // namespace

Result<Decimal> Decimal::divide_significant(const Decimal& a, const Decimal& b, unsigned digits) {
  if (b.is_zero()) return make_error(ErrorCode::invalid_argument, "division by zero");
  if (digits == 0 || digits > max_division_places) {
    return make_error(ErrorCode::invalid_argument,
                      "significant digits must be within 1.." + std::to_string(max_division_places));
  }
  if (a.is_zero()) return Decimal{};
  const mp::cpp_int& ma = DecimalAccess::magnitude(a);
  const mp::cpp_int& mb = DecimalAccess::magnitude(b);
  // |a/b| < 10^(ea - eb + 1) with ea, eb the decimal exponents of the leading digits, so
  // `places` fractional digits give the truncated quotient at least digits + 1 digits.
  const std::int64_t ea = digit_count(ma) - std::int64_t{a.scale_};
  const std::int64_t eb = digit_count(mb) - std::int64_t{b.scale_};
  const std::int64_t places = std::max<std::int64_t>(0, std::int64_t{digits} - (ea - eb) + 2);
  const std::int64_t shift = std::int64_t{b.scale_} + places - std::int64_t{a.scale_};
  mp::cpp_int numerator = ma;
  mp::cpp_int denominator = mb;
  if (shift > 0) numerator *= pow10(static_cast<std::uint64_t>(shift));
  if (shift < 0) denominator *= pow10(static_cast<std::uint64_t>(-shift));
  mp::cpp_int quotient;
  mp::cpp_int remainder;
  mp::divide_qr(numerator, denominator, quotient, remainder);
  const std::int64_t drop = digit_count(quotient) - std::int64_t{digits};
  if (drop <= 0) {
    // Not reached given the estimate above; rounded correctly all the same.
    const int cmp = mp::cpp_int(remainder * 2).compare(denominator);
    if (cmp > 0 || (cmp == 0 && mp::bit_test(quotient, 0))) ++quotient;
    return DecimalAccess::make(std::move(quotient), static_cast<std::uint64_t>(places), a.negative_ != b.negative_);
  }
  // One rounding from the exact value: the dropped digits and the division's remainder
  // together decide (a non-zero remainder makes an exact half more than half).
  const mp::cpp_int divisor = pow10(static_cast<std::uint64_t>(drop));
  mp::cpp_int kept;
  mp::cpp_int dropped;
  mp::divide_qr(quotient, divisor, kept, dropped);
  const int cmp = mp::cpp_int(dropped * 2).compare(divisor);
  if (cmp > 0 || (cmp == 0 && (!remainder.is_zero() || mp::bit_test(kept, 0)))) ++kept;
  kept *= divisor;
  return DecimalAccess::make(std::move(kept), static_cast<std::uint64_t>(places), a.negative_ != b.negative_);
}

std::ostream& operator<<(std::ostream& out, const Decimal& value) {
  return out << value.to_string();
}

}  // namespace coinfan
