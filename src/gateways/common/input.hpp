#pragma once
// Checks on values that go into upstream requests: caller input for the write calls and
// configured credentials that end up in headers. They run before anything is sent.

#include <cstddef>
#include <optional>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan::gateways {

// No control characters (CR/LF would split a header, NUL truncates in some stacks).
bool is_header_safe(std::string_view value) noexcept;

// Number of Unicode code points, or nullopt when `text` is not valid UTF-8 (overlong forms,
// surrogates and values above U+10FFFF are invalid).
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

// invalid_argument naming `field` unless `value` is valid UTF-8 without control characters and
// has between min_chars and max_chars code points.
std::optional<Error> check_text(std::string_view field, std::string_view value,
                                std::size_t min_chars, std::size_t max_chars);

// invalid_argument naming `field` unless `value` is safe to place in a header and non-empty.
// The value itself never appears in the detail (it may be a secret).
std::optional<Error> check_credential(std::string_view field, std::string_view value);

// Plain decimal text: digits, optionally '.' and at least one digit; no sign, no exponent, no
// surrounding spaces, at most 80 characters. Exactly what the providers document for amounts.
bool is_plain_decimal(std::string_view text) noexcept;

// invalid_argument unless `value` is a plain decimal greater than zero.
std::optional<Error> check_positive_amount(std::string_view field, std::string_view value);

}  // namespace coinfan::gateways
