#pragma once
// Exact JSON parsing for provider responses: numbers that are not exact 64-bit integers are
// kept as their original text (in a boost::json::string) so an amount like 0.1 never passes
// through a double. Accessors return Result / optional, never throw.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "coinfan/core/decimal.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan {

inline constexpr std::size_t default_max_json_depth = 64;
inline constexpr std::size_t default_max_json_bytes = 16 * 1024 * 1024;

// What becomes of a number with a fraction, an exponent or out of 64-bit range.
enum class InexactNumbers {
  as_text,  // a string holding its source text ("10.0" stays "10.0"): provider responses
  flagged,  // a double-kind value whose value must never be read: caller bodies, where such a
            // number is an error to report by its kind (an amount must be a JSON string)
};

// Integers that fit int64 (or uint64 when positive) stay integers; other numbers as `inexact`
// says. Duplicate object keys, malformed or truncated input, trailing data, nesting deeper
// than max_depth and input over max_bytes -> bad_response with a short detail.
Result<boost::json::value> parse_json_exact(std::string_view text,
                                            std::size_t max_depth = default_max_json_depth,
                                            std::size_t max_bytes = default_max_json_bytes,
                                            InexactNumbers inexact = InexactNumbers::as_text);

// A Decimal from a JSON string ("12.5"), an integer, or a preserved number text. Missing
// key, null, bool, object, array, a binary double (not produced by parse_json_exact) or bad
// text -> bad_response naming the key. "" and null are zero when empty_is_zero.
Result<Decimal> decimal_field(const boost::json::object& object, std::string_view key,
                              bool empty_is_zero);
// Same rules for a value that is not an object member (e.g. a price map entry); `what`
// names it in the error detail.
Result<Decimal> decimal_value(const boost::json::value& value, std::string_view what,
                              bool empty_is_zero);
// Missing, null or "" -> nullopt; otherwise as decimal_field.
Result<std::optional<Decimal>> optional_decimal_field(const boost::json::object& object,
                                                      std::string_view key);

// The member when it is a JSON string, else nullopt.
std::optional<std::string_view> string_field(const boost::json::object& object,
                                             std::string_view key);
// The member when it is an integer that fits int64, else nullopt (strings are not converted).
std::optional<std::int64_t> int_field(const boost::json::object& object, std::string_view key);
// The member when it is a bool, else nullopt.
std::optional<bool> bool_field(const boost::json::object& object, std::string_view key);
// An identifier sent either as a string or as an integer ("1280" or 1280), as text; nullopt
// for anything else. A number beyond 64 bits comes back as its preserved source text.
std::optional<std::string> id_field(const boost::json::object& object, std::string_view key);
// The member when it is an object / array, else nullptr.
const boost::json::object* object_field(const boost::json::object& object, std::string_view key);
const boost::json::array* array_field(const boost::json::object& object, std::string_view key);

}  // namespace coinfan
