#include "gateways/trubit/signer.hpp"

#include "coinfan/core/hash.hpp"

namespace coinfan::gateways::trubit {

Result<std::string> sign_token_request(std::string_view api_secret, std::int64_t timestamp_ms) {
  return hash::hmac_sha256_hex(api_secret, "timestamp=" + std::to_string(timestamp_ms));
}

}  // namespace coinfan::gateways::trubit
