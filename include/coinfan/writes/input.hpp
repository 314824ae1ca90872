#pragma once
// The bodies of the write endpoints (POST transfers, swaps/quote, swaps, deposits/rescan):
// parsed from the caller's JSON and checked against the provider's own rules before anything
// is sent, every bad field named with the reason. Then the coins they name (by `coin_id` or
// by `asset` symbol) are resolved through the gateway's coin catalogue, and amounts are checked
// against the coin's precision. Pure: no I/O, no clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "coinfan/core/decimal.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::writes {

// One bad field of a request body: its name as the caller spelled it ("" for the body
// itself) and why.
struct FieldError {
  std::string field;
  std::string reason;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};
using FieldErrors = std::vector<FieldError>;

// A coin as the caller named it: CCPayment's numeric id, or a symbol such as "USDT".
struct CoinRef {
  std::optional<std::int64_t> coin_id;
  std::optional<std::string> asset;

  friend bool operator==(const CoinRef&, const CoinRef&) = default;
};

struct TransferBody {
  std::string from_user_id;
  std::string to_user_id;
  CoinRef coin;
  Decimal amount;
  std::string amount_text;  // as sent (a canonical decimal string)
  std::string order_id;
  std::optional<std::string> remark;
};

struct QuoteBody {
  CoinRef coin_in;
  Decimal amount_in;
  std::string amount_in_text;
  CoinRef coin_out;
  std::optional<std::string> extra_fee_rate;
};

struct SwapBody {
  std::string order_id;
  std::string user_id;
  CoinRef coin_in;
  Decimal amount_in;
  std::string amount_in_text;
  CoinRef coin_out;
  std::optional<std::string> extra_fee_rate;
  std::optional<std::string> amount_out_minimum;
};

struct RescanBody {
  std::string chain;
  std::string to_address;
  std::optional<std::string> memo;
  std::string tx_id;
};

// A body, or every reason it cannot be used. `malformed` is set when the text is not a JSON
// object at all (400 rather than 422).
template <typename Body>
struct Parsed {
  std::optional<Body> body;
  FieldErrors errors;
  bool malformed = false;
};

// Bodies of at most this many bytes are parsed.
inline constexpr std::size_t max_body_bytes = 16 * 1024;

Parsed<TransferBody> parse_transfer_body(std::string_view json);
Parsed<QuoteBody> parse_quote_body(std::string_view json);
Parsed<SwapBody> parse_swap_body(std::string_view json);
Parsed<RescanBody> parse_rescan_body(std::string_view json);

// Fractional digits an amount of `coin` may have: the largest `precision` of its networks
// (a balance may come from any of them), 18 when the catalogue gives none.
unsigned coin_places(const Coin& coin);

// The catalogue entry `ref` names: by id, or by symbol (ASCII case-insensitive). An unknown
// id or symbol, or a symbol two coins share, is a FieldError on `field` (or `asset_field`).
std::variant<const Coin*, FieldError> resolve_coin(const std::vector<Coin>& catalogue, const CoinRef& ref,
                                                   std::string_view id_field, std::string_view asset_field);

// FieldError on `field` when `amount_text` (a checked plain decimal) has more significant
// fractional digits than `coin` allows ("1.50" has one).
std::optional<FieldError> check_places(std::string_view amount_text, const Coin& coin, std::string_view field);

// The numeric id of a catalogue entry (CCPayment ids are integers).
std::optional<std::int64_t> numeric_coin_id(const Coin& coin);

}  // namespace coinfan::writes
