#pragma once
// CCPayment API v1 settings of one configured gateway: "app_id" and "app_secret", both
// required. Pure code.

#include "gateways/common/app_credentials.hpp"
#include "gateways/registration.hpp"

namespace coinfan::gateways::ccpayment_v1 {

inline constexpr config::GatewayType type{"ccpayment-v1"};
using Settings = AppSettings<struct Tag>;
inline constexpr auto& setting_keys = app_credential_keys;
inline constexpr config::ParseSettings parse_settings = &Settings::parse;

// The registration card for gateways/providers.hpp.
struct Provider : ProviderTraits<Settings, type, setting_keys, parse_settings> {
  static AdapterFactory* const make_adapter;  // adapter.cpp
  static DemoFactory* const make_demo;        // demo.cpp
};

}  // namespace coinfan::gateways::ccpayment_v1
