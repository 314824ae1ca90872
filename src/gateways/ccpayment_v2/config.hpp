#pragma once
// CCPayment API v2 settings of one configured gateway. Every v2 call (reads, records and the
// money-moving writes) is signed with the same app credentials, so they are all it needs:
// "app_id" and "app_secret", both required. Pure code.

#include "gateways/common/app_credentials.hpp"
#include "gateways/registration.hpp"

namespace coinfan::gateways::ccpayment_v2 {

using Settings = AppSettings<struct Tag>;
inline constexpr config::GatewayType type{"ccpayment-v2"};
inline constexpr config::ParseSettings parse_settings = &Settings::parse;
inline constexpr auto& setting_keys = app_credential_keys;

// The registration card for gateways/providers.hpp.
struct Provider : ProviderTraits<Settings, type, setting_keys, parse_settings> {
  static AdapterFactory* const make_adapter;  // adapter.cpp
  static DemoFactory* const make_demo;        // demo.cpp
};

}  // namespace coinfan::gateways::ccpayment_v2
