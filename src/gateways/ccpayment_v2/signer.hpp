#pragma once
// CCPayment API v2 request signature: lowercase hex HMAC-SHA256 with the app secret as key
// over appId + timestamp + body (the body only when there is one; an empty body adds nothing).

#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"
#include "gateways/common/app_credentials.hpp"

namespace coinfan::gateways::ccpayment_v2 {

using Credentials = AppCredentials;

// The `Sign` header for exactly these body bytes.
Result<std::string> sign(const Credentials& credentials, std::string_view timestamp,
                         std::string_view body);

}  // namespace coinfan::gateways::ccpayment_v2
