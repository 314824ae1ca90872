#pragma once
// CCPayment API v1 request builders: POST /ccpayment/v1/assets, signed over the exact body.

#include <cstdint>
#include <optional>
#include <string_view>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/request.hpp"
#include "gateways/ccpayment_v1/signer.hpp"

namespace coinfan::gateways::ccpayment_v1 {

inline constexpr std::string_view assets_path = "/ccpayment/v1/assets";

// Balance of every coin (coin_id empty: an empty body, and the empty string is signed; the SDKs
// disagree on what "no parameters" looks like, and an empty body is what the docs describe),
// or of one coin (body {"coin_id":"<uuid>"}). `unix_seconds` is the 10-digit Timestamp header;
// a request is valid for two minutes.
Result<upstream::Request> build_assets_request(const Credentials& credentials, std::int64_t unix_seconds,
                                          std::optional<std::string_view> coin_id = std::nullopt);

}  // namespace coinfan::gateways::ccpayment_v1
