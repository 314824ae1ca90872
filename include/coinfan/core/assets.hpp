#pragma once
// Asset symbol normalisation shared by every provider parser and the API's filters.

#include <optional>
#include <string>
#include <string_view>

namespace coinfan {

struct AssetNetwork {
  std::string asset;                   // upper-case symbol, e.g. "USDT"
  std::optional<std::string> network;  // upper-case network, e.g. "TRC20"

  friend bool operator==(const AssetNetwork&, const AssetNetwork&) = default;
};

// Trims ASCII whitespace and upper-cases ASCII letters: " usdt " -> "USDT".
std::string normalise_asset(std::string_view symbol);

// Splits a combined code at its first '_': CryptoCloud "USDT_TRC20" -> {USDT, TRC20};
// "BTC" -> {BTC, none}. Input is normalised first; underscores at either end are dropped
// ("USDT_" -> {USDT, none}); empty or blank input -> {"", none}.
AssetNetwork split_asset_code(std::string_view code);

// A symbol the API accepts in filters: 1-32 characters of A-Z, 0-9, '.', '-', '_' after
// normalisation (keeps odd caller input out of cache keys and upstream requests).
bool is_valid_asset_symbol(std::string_view symbol);

}  // namespace coinfan
