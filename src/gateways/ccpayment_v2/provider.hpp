#pragma once
// This folder's registration card for gateways/providers.hpp.

#include "gateways/ccpayment_v2/config.hpp"
#include "gateways/registration.hpp"

namespace coinfan::gateways::ccpayment_v2 {

struct Provider : ProviderTraits<Settings, type, setting_keys, parse_settings> {
  static AdapterFactory* const make_adapter;  // adapter.cpp
  static DemoFactory* const make_demo;        // demo.cpp
};

}  // namespace coinfan::gateways::ccpayment_v2
