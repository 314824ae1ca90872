#include "gateways/common/input.hpp"

#include <cstdint>
#include <string>

namespace coinfan::gateways {

bool is_header_safe(std::string_view value) noexcept {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

std::optional<std::size_t> utf8_length(std::string_view text) noexcept {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      code = lead;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      extra = 1;
      code = lead & 0x1fu;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      extra = 2;
      code = lead & 0x0fu;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      extra = 3;
      code = lead & 0x07u;
    } else {
      return std::nullopt;  // continuation byte as lead, 0xc0/0xc1 (overlong), above 0xf4
    }
    if (text.size() - i - 1 < extra) return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0u) != 0x80u) return std::nullopt;
      code = (code << 6) | (next & 0x3fu);
    }
    const bool overlong = (extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000);
    const bool surrogate = code >= 0xd800 && code <= 0xdfff;
    if (overlong || surrogate || code > 0x10ffff) return std::nullopt;
    i += extra + 1;
    ++count;
  }
  return count;
}

std::optional<Error> check_text(std::string_view field, std::string_view value,
                                std::size_t min_chars, std::size_t max_chars) {
  const auto length = utf8_length(value);
  if (!length) {
    return make_error(ErrorCode::invalid_argument, std::string(field) + " is not valid UTF-8");
  }
  if (!is_header_safe(value)) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " must not contain control characters");
  }
  if (*length < min_chars || *length > max_chars) {
    std::string detail = std::string(field) + " must be ";
    if (min_chars == max_chars) {
      detail += std::to_string(min_chars) + " characters long";
    } else if (min_chars == 0) {
      detail += "at most " + std::to_string(max_chars) + " characters long";
    } else {
      detail += std::to_string(min_chars) + "-" + std::to_string(max_chars) + " characters long";
    }
    detail += " (got " + std::to_string(*length) + ")";
    return make_error(ErrorCode::invalid_argument, std::move(detail));
  }
  return std::nullopt;
}

std::optional<Error> check_credential(std::string_view field, std::string_view value) {
  if (value.empty()) {
    return make_error(ErrorCode::invalid_argument, std::string(field) + " is empty");
  }
  if (!is_header_safe(value)) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) + " contains control characters");
  }
  return std::nullopt;
}

bool is_plain_decimal(std::string_view text) noexcept {
  constexpr std::size_t max_length = 80;
  if (text.empty() || text.size() > max_length) return false;
  std::size_t i = 0;
  const auto digit = [&](std::size_t at) { return text[at] >= '0' && text[at] <= '9'; };
  std::size_t int_digits = 0;
  while (i < text.size() && digit(i)) {
    ++i;
    ++int_digits;
  }
  if (int_digits == 0) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  ++i;
  std::size_t frac_digits = 0;
  while (i < text.size() && digit(i)) {
    ++i;
    ++frac_digits;
  }
  return frac_digits > 0 && i == text.size();
}

std::optional<Error> check_positive_amount(std::string_view field, std::string_view value) {
  if (!is_plain_decimal(value)) {
    return make_error(ErrorCode::invalid_argument,
                      std::string(field) +
                          " must be a plain decimal string such as \"0.5\" (digits, optional "
                          "fraction, no sign or exponent)");
  }
  for (const char c : value) {
    if (c >= '1' && c <= '9') return std::nullopt;
  }
  return make_error(ErrorCode::invalid_argument, std::string(field) + " must be greater than zero");
}

}  // namespace coinfan::gateways
