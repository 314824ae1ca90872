#pragma once
// CCPayment API v1 signatures: plain SHA-256 (not HMAC) over appId + appSecret + timestamp +
// body, lowercase hex. The same formula signs the provider's responses.

#include <string>
#include <string_view>
#include <variant>

#include "coinfan/core/error.hpp"
#include "gateways/common/app_credentials.hpp"

namespace coinfan::gateways::ccpayment_v1 {

using Credentials = AppCredentials;

// The value of the request's `Sign` header for exactly these body bytes.
Result<std::string> sign(const Credentials& credentials, std::string_view timestamp,
                         std::string_view body);

// The signature headers of a response, as received; an absent header is an empty view.
struct ResponseSignature {
  std::string_view app_id;
  std::string_view timestamp;
  std::string_view sign;
};

// Verifies `Sign` = SHA-256(appId + appSecret + Timestamp + raw_body) with a constant-time
// compare (hex case is ignored). Missing headers, a foreign Appid or a mismatch ->
// bad_signature: the body may have been tampered with and must not be used.
// Freshness of the response Timestamp is not checked: the official SDKs do not, and TLS
// already stops replays on the wire.
Result<std::monostate> verify_response_signature(const Credentials& credentials,
                                                 const ResponseSignature& signature,
                                                 std::string_view raw_body);

}  // namespace coinfan::gateways::ccpayment_v1
