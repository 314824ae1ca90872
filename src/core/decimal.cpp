#include "coinfan/core/decimal.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <ostream>
#include <utility>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace coinfan {

namespace mp = boost::multiprecision;
using u128 = detail::DecimalUint128;

namespace detail {
// Magnitude of a non-zero Decimal; the sign lives in Decimal::negative_.
struct DecimalCoefficient {
  mp::cpp_int magnitude;
};
}  // namespace detail

namespace {

// 10^exponent; the first powers come from a table built once instead of mp::pow each call.
mp::cpp_int pow10(std::uint64_t exponent) {
  constexpr std::size_t cached = 128;
  static const std::vector<mp::cpp_int> table = [] {
    std::vector<mp::cpp_int> powers(cached);
    powers[0] = 1;
    for (std::size_t i = 1; i < cached; ++i) powers[i] = powers[i - 1] * 10;
    return powers;
  }();
  if (exponent < cached) return table[exponent];
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

// Powers of ten that fit in 128 bits: 10^0 .. 10^38 (10^38 < 2^128 < 10^39).
constexpr std::size_t max_small_power = 38;
constexpr std::array<u128, max_small_power + 1> small_pow10 = [] {
  std::array<u128, max_small_power + 1> table{};
  u128 p = 1;
  for (std::size_t i = 0; i <= max_small_power; ++i) {
    table[i] = p;
    p *= 10;
  }
  return table;
}();

// x * 10^exponent into *out; false when it does not fit in 128 bits (x != 0).
bool checked_scale_up(u128 x, std::uint64_t exponent, u128* out) noexcept {
  if (exponent > max_small_power) return false;
  return !__builtin_mul_overflow(x, small_pow10[exponent], out);
}

mp::cpp_int to_cpp_int(u128 x) { return mp::cpp_int(x); }

// Writes the decimal digits of x (non-zero) ending just before `end`; returns the first.
char* write_digits(u128 x, char* end) noexcept {
  constexpr std::uint64_t ten19 = 10'000'000'000'000'000'000ULL;
  char* p = end;
  // At most two divisions by 10^19 leave a value that fits in 64 bits.
  while (x > std::numeric_limits<std::uint64_t>::max()) {
    std::uint64_t chunk = static_cast<std::uint64_t>(x % ten19);
    x /= ten19;
    for (int i = 0; i < 19; ++i) {
      *--p = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  std::uint64_t rest = static_cast<std::uint64_t>(x);
  do {
    *--p = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  return p;
}

}  // namespace

// The one place that builds and reads representations; keeps every Decimal canonical: no
// trailing fractional zeros, zero is positive with scale 0, and the magnitude is held inline
// exactly when it is below 2^128.
struct DecimalAccess {
  // Canonical Decimal from a 128-bit magnitude.
  static Decimal make_small(u128 magnitude, std::uint64_t scale, bool negative) noexcept {
    Decimal out;
    if (magnitude == 0) return out;
    // Strip trailing fractional zeros so equal values share one representation.
    while (scale > 0 && (magnitude >> 64) != 0 && magnitude % 10 == 0) {
      magnitude /= 10;
      --scale;
    }
    if ((magnitude >> 64) == 0) {
      auto m = static_cast<std::uint64_t>(magnitude);
      while (scale > 0 && m % 10 == 0) {
        m /= 10;
        --scale;
      }
      magnitude = m;
    }
    out.small_ = magnitude;
    out.scale_ = static_cast<std::uint32_t>(scale);
    out.negative_ = negative;
    return out;
  }

  // Canonical Decimal from any magnitude; inline when the canonical magnitude fits.
  static Decimal make(mp::cpp_int magnitude, std::uint64_t scale, bool negative) {
    Decimal out;
    if (magnitude.is_zero()) return out;
    if (mp::msb(magnitude) < 128) return make_small(to_u128(magnitude), scale, negative);
    // Strip trailing fractional zeros so equal values share one representation.
    while (scale > 0 && mp::integer_modulus(magnitude, 10U) == 0) {
      magnitude /= 10U;
      --scale;
    }
    if (mp::msb(magnitude) < 128) return make_small(to_u128(magnitude), scale, negative);
    out.big_ = std::make_shared<const detail::DecimalCoefficient>(
        detail::DecimalCoefficient{std::move(magnitude)});
    out.scale_ = static_cast<std::uint32_t>(scale);
    out.negative_ = negative;
    return out;
  }

  // Precondition: 0 <= x < 2^128.
  static u128 to_u128(const mp::cpp_int& x) { return static_cast<u128>(x); }

  static bool is_small(const Decimal& d) noexcept { return !d.big_; }

  static mp::cpp_int magnitude(const Decimal& d) {
    return d.big_ ? d.big_->magnitude : to_cpp_int(d.small_);
  }

  // The magnitude without copying a big one; a small one is converted into `storage`.
  static const mp::cpp_int& magnitude_ref(const Decimal& d, mp::cpp_int& storage) {
    if (d.big_) return d.big_->magnitude;
    storage = d.small_;
    return storage;
  }

  static Decimal from_signed(mp::cpp_int value, std::uint64_t scale) {
    const bool negative = value.sign() < 0;
    if (negative) value = -value;
    return make(std::move(value), scale, negative);
  }

  // Magnitude scaled up to `scale` fractional digits (scale >= d.scale_).
  static mp::cpp_int aligned(const Decimal& d, std::uint32_t scale) {
    mp::cpp_int m = magnitude(d);
    if (scale != d.scale_) m *= pow10(scale - d.scale_);
    return m;
  }

  static int compare_magnitudes(const Decimal& a, const Decimal& b) {
    if (is_small(a) && is_small(b)) {
      if (a.scale_ == b.scale_) return a.small_ < b.small_ ? -1 : (a.small_ > b.small_ ? 1 : 0);
      // Scale the one with fewer fractional digits up; if that overflows 128 bits it is the
      // larger (the other is below 2^128). Both are non-zero here.
      u128 scaled = 0;
      if (a.scale_ < b.scale_) {
        if (!checked_scale_up(a.small_, b.scale_ - a.scale_, &scaled)) return 1;
        return scaled < b.small_ ? -1 : (scaled > b.small_ ? 1 : 0);
      }
      if (!checked_scale_up(b.small_, a.scale_ - b.scale_, &scaled)) return -1;
      return a.small_ < scaled ? -1 : (a.small_ > scaled ? 1 : 0);
    }
    const std::uint32_t scale = std::max(a.scale_, b.scale_);
    return aligned(a, scale).compare(aligned(b, scale));
  }

  static Decimal add(const Decimal& a, const Decimal& b, bool negate_b) {
    const bool b_negative = negate_b ? (!b.is_zero() && !b.negative_) : b.negative_;
    if (b.is_zero()) return a;
    if (a.is_zero()) {
      Decimal out = b;
      out.negative_ = b_negative;
      return out;
    }
    const std::uint32_t scale = std::max(a.scale_, b.scale_);
    if (is_small(a) && is_small(b)) {
      u128 x = a.small_;
      u128 y = b.small_;
      if ((a.scale_ == scale || checked_scale_up(x, scale - a.scale_, &x)) &&
          (b.scale_ == scale || checked_scale_up(y, scale - b.scale_, &y))) {
        if (a.negative_ == b_negative) {
          u128 sum = 0;
          if (!__builtin_add_overflow(x, y, &sum)) return make_small(sum, scale, a.negative_);
        } else if (x >= y) {
          return make_small(x - y, scale, a.negative_);
        } else {
          return make_small(y - x, scale, b_negative);
        }
      }
    }
    mp::cpp_int x = aligned(a, scale);
    mp::cpp_int y = aligned(b, scale);
    if (a.negative_) x = -x;
    if (b_negative) y = -y;
    return from_signed(x + y, scale);
  }

  static Decimal multiply(const Decimal& a, const Decimal& b) {
    if (a.is_zero() || b.is_zero()) return Decimal{};
    const std::uint64_t scale = std::uint64_t{a.scale_} + b.scale_;
    const bool negative = a.negative_ != b.negative_;
    if (is_small(a) && is_small(b)) {
      u128 product = 0;
      if (!__builtin_mul_overflow(a.small_, b.small_, &product)) {
        return make_small(product, scale, negative);
      }
    }
    mp::cpp_int storage_a;
    mp::cpp_int storage_b;
    return make(magnitude_ref(a, storage_a) * magnitude_ref(b, storage_b), scale, negative);
  }

  // q = |magnitude| / 10^drop, rounded half-even when `half_even`, else truncated.
  static Decimal reduce(const Decimal& d, unsigned places, bool half_even) {
    if (d.scale_ <= places) return d;
    const std::uint64_t drop = d.scale_ - places;
    if (is_small(d)) {
      // A magnitude below 2^128 is below 10^39 / 2: past 38 dropped digits, the quotient is
      // zero and the remainder less than half the divisor.
      if (drop > max_small_power) return Decimal{};
      const u128 divisor = small_pow10[drop];
      u128 quotient = d.small_ / divisor;
      const u128 remainder = d.small_ % divisor;
      if (half_even) {
        // remainder * 2 vs divisor, without overflowing.
        const u128 rest = divisor - remainder;
        if (remainder > rest || (remainder == rest && (quotient & 1) != 0)) ++quotient;
      }
      return make_small(quotient, places, d.negative_);
    }
    const mp::cpp_int divisor = pow10(drop);
    mp::cpp_int quotient;
    mp::cpp_int remainder;
    mp::divide_qr(d.big_->magnitude, divisor, quotient, remainder);
    if (half_even) {
      const int cmp = mp::cpp_int(remainder * 2).compare(divisor);
      if (cmp > 0 || (cmp == 0 && mp::bit_test(quotient, 0))) ++quotient;
    }
    return make(std::move(quotient), places, d.negative_);
  }

  static std::string to_string(const Decimal& d) {
    if (d.is_zero()) return "0";
    if (!is_small(d)) {
      std::string digits = d.big_->magnitude.str();
      if (d.scale_ > 0) {
        if (digits.size() <= d.scale_) digits.insert(0, d.scale_ + 1 - digits.size(), '0');
        digits.insert(digits.size() - d.scale_, 1, '.');
      }
      if (d.negative_) digits.insert(0, 1, '-');
      return digits;
    }
    char buffer[40];
    char* const end = buffer + sizeof buffer;
    const char* const first = write_digits(d.small_, end);
    const auto count = static_cast<std::size_t>(end - first);
    const std::size_t scale = d.scale_;
    std::string out;
    if (scale == 0) {
      out.reserve(count + 1);
      if (d.negative_) out += '-';
      out.append(first, count);
      return out;
    }
    // Integer part ("0" when all digits are fractional), '.', leading fractional zeros.
    const std::size_t int_count = count > scale ? count - scale : 0;
    const std::size_t zeros = count < scale ? scale - count : 0;
    out.reserve((d.negative_ ? 1 : 0) + (int_count == 0 ? 1 : int_count) + 1 + scale);
    if (d.negative_) out += '-';
    if (int_count == 0) {
      out += '0';
    } else {
      out.append(first, int_count);
    }
    out += '.';
    out.append(zeros, '0');
    out.append(first + int_count, count - int_count);
    return out;
  }

  static std::optional<std::int64_t> to_int64(const Decimal& d) {
    if (d.scale_ != 0) return std::nullopt;
    if (d.is_zero()) return 0;
    if (!is_small(d)) return std::nullopt;
    const u128 max_positive = static_cast<u128>(std::numeric_limits<std::int64_t>::max());
    if (d.small_ > (d.negative_ ? max_positive + 1 : max_positive)) return std::nullopt;
    const auto u = static_cast<std::uint64_t>(d.small_);
    // Two's-complement wrap is well defined for unsigned; the cast back is exact in range.
    return d.negative_ ? static_cast<std::int64_t>(std::uint64_t{0} - u)
                       : static_cast<std::int64_t>(u);
  }

  static bool equal(const Decimal& a, const Decimal& b) noexcept {
    if (a.negative_ != b.negative_ || a.scale_ != b.scale_ || a.small_ != b.small_) return false;
    if (!a.big_ || !b.big_) return !a.big_ && !b.big_;
    return a.big_ == b.big_ || a.big_->magnitude == b.big_->magnitude;
  }

  static Decimal negate(const Decimal& a) {
    Decimal out = a;
    if (!out.is_zero()) out.negative_ = !out.negative_;
    return out;
  }

  static Decimal absolute(const Decimal& a) {
    Decimal out = a;
    out.negative_ = false;
    return out;
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

  // The coefficient's digits are int_digits followed by frac_digits. Leading zeros are not
  // significant, and trailing zeros are dropped here (lowering the scale) rather than by
  // dividing afterwards.
  const std::size_t total = int_digits.size() + frac_digits.size();
  const auto digit_at = [&](std::size_t i) {
    return i < int_digits.size() ? int_digits[i] : frac_digits[i - int_digits.size()];
  };
  std::size_t first = 0;
  while (first < total && digit_at(first) == '0') ++first;
  if (first == total) return Decimal{};
  std::size_t last = total;  // one past the last non-zero digit
  while (digit_at(last - 1) == '0') --last;
  std::int64_t scale = static_cast<std::int64_t>(frac_digits.size()) - exponent -
                       static_cast<std::int64_t>(total - last);
  const std::size_t count = last - first;
  // Up to 38 digits always fit in 128 bits (10^38 - 1 < 2^128).
  if (count <= max_small_power) {
    u128 magnitude = 0;
    std::size_t i = first;
    // 19 digits at a time in 64 bits, then one 128-bit multiply-add per chunk.
    while (i < last) {
      const std::size_t chunk = std::min<std::size_t>(19, last - i);
      std::uint64_t part = 0;
      for (std::size_t k = 0; k < chunk; ++k) {
        part = part * 10 + static_cast<std::uint64_t>(digit_at(i + k) - '0');
      }
      magnitude = magnitude * small_pow10[chunk] + part;
      i += chunk;
    }
    if (scale >= 0) {
      return DecimalAccess::make_small(magnitude, static_cast<std::uint64_t>(scale), negative);
    }
    u128 scaled = 0;
    if (checked_scale_up(magnitude, static_cast<std::uint64_t>(-scale), &scaled)) {
      return DecimalAccess::make_small(scaled, 0, negative);
    }
  }
  std::string digits;
  digits.reserve(total);
  digits.append(int_digits).append(frac_digits);
  mp::cpp_int magnitude = digits_to_int(std::string_view(digits).substr(first, count));
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
  return DecimalAccess::make_small(magnitude, 0, v < 0);
}

Decimal Decimal::from_uint(std::uint64_t v) { return DecimalAccess::make_small(v, 0, false); }

std::string Decimal::to_string() const { return DecimalAccess::to_string(*this); }

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

Decimal Decimal::abs() const { return DecimalAccess::absolute(*this); }

std::optional<std::int64_t> Decimal::to_int64() const { return DecimalAccess::to_int64(*this); }

Decimal operator+(const Decimal& a, const Decimal& b) { return DecimalAccess::add(a, b, false); }

Decimal operator-(const Decimal& a, const Decimal& b) { return DecimalAccess::add(a, b, true); }

Decimal operator*(const Decimal& a, const Decimal& b) { return DecimalAccess::multiply(a, b); }

Decimal operator-(const Decimal& a) { return DecimalAccess::negate(a); }

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

bool operator==(const Decimal& a, const Decimal& b) noexcept { return DecimalAccess::equal(a, b); }

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
