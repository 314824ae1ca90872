#pragma once
// Properties every provider response parser must keep whatever the body: what comes out names
// the configured gateway and every amount is a canonical Decimal (its text parses back to it).

#include <string>
#include <string_view>

#include "coinfan/core/decimal.hpp"
#include "coinfan/core/types.hpp"
#include "fuzz_support.hpp"

namespace coinfan::fuzz {

inline constexpr std::string_view gateway_id = "gw-fuzz";

inline void check_decimal(const Decimal& value) {
  const auto text = value.to_string();
  if (text.size() > Decimal::max_text_length) return;  // longer than parse() accepts, by design
  const auto back = Decimal::parse(text);
  FUZZ_CHECK(back.ok() && *back == value && back->to_string() == text);
}

inline void check_balance(const Balance& balance) {
  FUZZ_CHECK(balance.gateway == gateway_id);
  FUZZ_CHECK(!balance.asset.empty());
  check_decimal(balance.total);
  check_decimal(balance.available);
  check_decimal(balance.locked);
  if (balance.usd_price) check_decimal(*balance.usd_price);
  if (balance.usd_value) check_decimal(*balance.usd_value);
}

// `asset_known`: false where the provider's answer names no symbol (CCPayment v2 prices of a
// coin id the caller does not know come back with an empty asset, responses.hpp).
inline void check_price(const Price& price, bool asset_known = true) {
  FUZZ_CHECK(price.gateway == gateway_id);
  if (asset_known) FUZZ_CHECK(!price.asset.empty());
  FUZZ_CHECK(!price.usd.is_negative() && !price.usd.is_zero());
  check_decimal(price.usd);
  if (price.derived) {
    // A divided price keeps at most derived_price_digits significant digits (from the first
    // non-zero digit to the last; an integer's trailing zeros are not significant).
    std::string digits;
    for (const char c : price.usd.to_string()) {
      if (c >= '0' && c <= '9') digits += c;
    }
    const auto first = digits.find_first_not_of('0');
    const auto last = digits.find_last_not_of('0');
    FUZZ_CHECK(first != std::string::npos && last - first + 1 <= derived_price_digits);
  }
}

}  // namespace coinfan::fuzz
