#pragma once
// Reading the expiry of the Kuna access token (a JWT) so the adapter can log in again before
// it runs out.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"

#include "coinfan/core/base64url.hpp"

namespace coinfan::gateways::kuna {

// Tokens above this size are refused before any decoding.
inline constexpr std::size_t max_jwt_length = 16 * 1024;

// Strict RFC 4648 §5 base64url without padding, as JWS uses it.
using coinfan::base64url_decode;

// The `exp` claim of a compact JWS (header.payload.signature).
//
// The signature is deliberately NOT verified: this service is the token's bearer, not its
// audience. Kuna verifies it on every call; we hold no Kuna public key, and a forged exp could
// at worst make us log in again early or late (a late one ends in a 401 and one re-login).
// The token is still untrusted input, so its shape is checked strictly: three non-empty
// base64url segments, a JSON object header with a string "alg", a JSON object payload whose
// "exp" is a positive number of seconds (a fraction is dropped) before year 10000. Anything
// else -> bad_response (the login answer was unusable), never a crash or an exception.
Result<std::chrono::sys_seconds> jwt_expiry(std::string_view token);

}  // namespace coinfan::gateways::kuna
