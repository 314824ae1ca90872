#pragma once
// TruBit Business (VelaFi) token signature: lowercase hex HMAC-SHA256 with the API secret as
// key over the query text "timestamp=<ms>".

#include <cstdint>
#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan::gateways::trubit {

struct Credentials {
  std::string api_key;
  std::string api_secret;  // never logged, never placed in an error detail
};

// The `signature` query parameter of GET /v2/token/generate.
Result<std::string> sign_token_request(std::string_view api_secret, std::int64_t timestamp_ms);

}  // namespace coinfan::gateways::trubit
