#pragma once
// CCPayment API v1 settings of one configured gateway: "app_id" and "app_secret", both
// required. Pure code.

#include "gateways/common/app_credentials.hpp"

namespace coinfan::gateways::ccpayment_v1 {

inline constexpr config::GatewayType type{"ccpayment-v1"};
using Settings = AppSettings<struct Tag>;
inline constexpr auto& setting_keys = app_credential_keys;
inline constexpr config::ParseSettings parse_settings = &Settings::parse;

}  // namespace coinfan::gateways::ccpayment_v1
