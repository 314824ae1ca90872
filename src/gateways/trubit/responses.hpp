#pragma once
// TruBit Business (VelaFi) response parsers: the token answer and the asset balances.
//
// Envelope {code, msg, data}; code 200 is success, failures are negative codes. Reading of
// the failures (the public error dictionary does not say which codes concern the token):
//   -1002 unauthorized, -1022 invalid signature, -5033 not an API user, or any message that
//   mentions a token, a signature or authorization        -> auth_failed (the adapter then
//                                                            fetches a new token once)
//   -1003 too many requests (unverified, the exchange family's code) -> rate_limited
//   any other non-200 (-4010 invalid parameter, -4040, -1174 repeated request, -5006 ...)
//                                                          -> provider_error
// The provider's code and msg are kept in the Error either way.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::gateways::trubit {

inline constexpr std::int64_t success_code = 200;

Error error_for_code(std::int64_t code, std::string_view message);

struct Token {
  std::string token;  // the X-BH-TOKEN value; never logged
  TimePointMs expires_at;
};

// GET /v2/token/generate -> {code:200, msg, data:{token, expireTime}}. `expireTime` is
// milliseconds as a string (an integer is accepted too). Whether it is an instant or a
// lifetime is not documented (unverified): values from 10^12 on (2001-09-09 as an instant)
// are read as Unix milliseconds, smaller ones as a lifetime added to `now`.
Result<Token> parse_token_response(std::string_view body, TimePointMs now);

// GET /v2/user/account/assets -> data.balances[] {asset, assetId, assetName, total, free,
// locked}: total = total, available = free, locked = locked, raw_asset = assetId (else asset);
// "" amounts are zero (the schema page shows "" placeholders).
Result<std::vector<Balance>> parse_assets_response(std::string_view gateway_id,
                                                   std::string_view body);

}  // namespace coinfan::gateways::trubit
