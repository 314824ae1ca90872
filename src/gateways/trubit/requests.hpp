#pragma once
// TruBit Business (VelaFi) request builders: the token request (signed with the API secret)
// and the balance request (carrying the token).

#include <cstdint>
#include <optional>
#include <string_view>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/request.hpp"
#include "gateways/trubit/signer.hpp"

namespace coinfan::gateways::trubit {

inline constexpr std::string_view token_path = "/v2/token/generate";
inline constexpr std::string_view assets_path = "/v2/user/account/assets";
// The same data under the VelaFi name; merchantId=0 means every merchant.
inline constexpr std::string_view velafi_assets_path = "/v2/assets/account/assets";

// GET /v2/token/generate?timestamp=<ms>&signature=<hex> with header X-BH-APIKEY.
Result<upstream::Request> build_token_request(const Credentials& credentials, std::int64_t timestamp_ms);

// GET /v2/user/account/assets with header X-BH-TOKEN; with a merchant id, the VelaFi form
// GET /v2/assets/account/assets?merchantId=<id> instead.
Result<upstream::Request> build_assets_request(
    std::string_view token, std::optional<std::uint64_t> velafi_merchant_id = std::nullopt);

}  // namespace coinfan::gateways::trubit
