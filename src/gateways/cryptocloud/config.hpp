#pragma once
// CryptoCloud settings of one configured gateway: its API key. Pure code.

#include <any>
#include <array>
#include <string>
#include <string_view>

#include "coinfan/config/provider.hpp"
#include "gateways/registration.hpp"

namespace coinfan::gateways::cryptocloud {

inline constexpr config::GatewayType type{"cryptocloud"};

struct Settings {
  std::string api_key;  // never logged, never placed in an error detail
};

inline constexpr std::array<std::string_view, 1> setting_keys = {"api_key"};

// "api_key", required. The std::any holds a Settings.
std::any parse_settings(config::SettingsReader& in);

// The registration card for gateways/providers.hpp.
struct Provider : ProviderTraits<Settings, type, setting_keys, parse_settings> {
  static AdapterFactory* const make_adapter;  // adapter.cpp
  static DemoFactory* const make_demo;        // demo.cpp
};

}  // namespace coinfan::gateways::cryptocloud
