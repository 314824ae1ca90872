#pragma once
// CryptoCloud API v2 request builders. Authentication is a static API key (a JWT issued by
// CryptoCloud) in `Authorization: Token <key>`; nothing is signed per request.

#include <string_view>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/request.hpp"

namespace coinfan::gateways::cryptocloud {

inline constexpr std::string_view balance_all_path = "/v2/merchant/wallet/balance/all";

// POST /v2/merchant/wallet/balance/all without a body.
Result<upstream::Request> build_balance_all_request(std::string_view api_key);

}  // namespace coinfan::gateways::cryptocloud
