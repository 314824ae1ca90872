#pragma once
// Exact arbitrary-precision decimal for every amount and price the service touches.
// Value = coefficient * 10^-scale with scale >= 0, always kept canonical (no trailing zeros in
// the fraction, zero has scale 0), so equal numbers have one representation.
// Representation: a coefficient below 2^128 (every amount and price seen in practice, up to
// 38 significant digits) is held inline as an unsigned 128-bit magnitude (`small_`) with a null
// `big_`; only a coefficient of 2^128 or more lives in a shared immutable
// boost::multiprecision::cpp_int behind `big_` (then `small_` is 0). Every operation produces
// this one form (big only when it does not fit), so equal values have equal fields and
// operator== stays a field comparison; arithmetic on small values checks for overflow and
// falls back to cpp_int, never wraps. Copies are cheap and this header stays free of
// Boost.Multiprecision, which costs seconds per translation unit.
//
// Accepted text (parse): optional sign, digits, optional '.' followed by at least one digit,
// optional exponent 'e'/'E' with optional sign and at least one digit. Leading zeros are
// accepted ("007" == 7). Rejected: "", surrounding whitespace, ".5" and "5." (a bare point is
// more likely a truncated value than an intended one), "1e", "NaN", "inf", hex, more than
// 1000 characters, exponent magnitude above 10000.

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan {

namespace detail {
struct DecimalCoefficient;  // wraps boost::multiprecision::cpp_int, defined in decimal.cpp
// GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 DecimalUint128;
}

class Decimal {
 public:
  static constexpr std::size_t max_text_length = 1000;
  static constexpr std::int32_t max_exponent_magnitude = 10000;
  // Upper bound on `places` for divide(): keeps a hostile request from allocating gigabytes.
  static constexpr unsigned max_division_places = 1000;

  Decimal() noexcept = default;  // zero

  static Result<Decimal> parse(std::string_view text);
  // Provider amounts: like parse(), but "" means zero when empty_is_zero (some providers send
  // an empty string for an empty balance).
  static Result<Decimal> parse_amount(std::string_view text, bool empty_is_zero);
  static Decimal from_int(std::int64_t v);
  static Decimal from_uint(std::uint64_t v);

  // Canonical text: no exponent, no trailing zeros, no "-0", "0" for zero.
  std::string to_string() const;
  // Text with exactly `places` fractional digits after half-even rounding ("1.5" @3 -> "1.500").
  std::string to_fixed_string(unsigned places) const;

  Decimal round_half_even(unsigned places) const;
  // Rounds towards zero (used when an amount must never exceed what is available).
  Decimal truncate(unsigned places) const;

  bool is_zero() const noexcept { return small_ == 0 && !big_; }
  bool is_negative() const noexcept { return negative_; }
  bool is_positive() const noexcept { return !is_zero() && !negative_; }
  bool is_integer() const noexcept { return scale_ == 0; }
  // Number of fractional digits in the canonical form.
  std::uint32_t scale() const noexcept { return scale_; }
  Decimal abs() const;
  // The value as int64 when it is an integer that fits, else nullopt.
  std::optional<std::int64_t> to_int64() const;

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a);
  Decimal& operator+=(const Decimal& other);
  Decimal& operator-=(const Decimal& other);
  Decimal& operator*=(const Decimal& other);

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  // Numeric equality: 1.0 == 1 (canonical form makes this a field comparison).
  friend bool operator==(const Decimal& a, const Decimal& b) noexcept;

  // a / b rounded half-even to `places` fractional digits. Division by zero or places above
  // max_division_places -> invalid_argument.
  static Result<Decimal> divide(const Decimal& a, const Decimal& b, unsigned places);
  // a / b rounded half-even (once, from the exact quotient) to `digits` significant digits;
  // integer digits beyond `digits` become zeros (123456 @3 -> 123000). Division by zero, or
  // digits of 0 or above max_division_places -> invalid_argument.
  static Result<Decimal> divide_significant(const Decimal& a, const Decimal& b, unsigned digits);

 private:
  friend struct DecimalAccess;
  // Magnitude of the coefficient when it is below 2^128 (0 for zero and for big values).
  detail::DecimalUint128 small_ = 0;
  // Magnitude when it is 2^128 or more, else null; never mutated after construction.
  std::shared_ptr<const detail::DecimalCoefficient> big_;
  std::uint32_t scale_ = 0;
  bool negative_ = false;
};

// Writes to_string(); lets test frameworks print values.
std::ostream& operator<<(std::ostream& out, const Decimal& value);

}  // namespace coinfan
