#include "gateways/ccpayment_v2/signer.hpp"

#include "coinfan/core/hash.hpp"

namespace coinfan::gateways::ccpayment_v2 {

Result<std::string> sign(const Credentials& credentials, std::string_view timestamp,
                         std::string_view body) {
  std::string message;
  message.reserve(credentials.app_id.size() + timestamp.size() + body.size());
  message.append(credentials.app_id).append(timestamp).append(body);
  return hash::hmac_sha256_hex(credentials.app_secret, message);
}

}  // namespace coinfan::gateways::ccpayment_v2
