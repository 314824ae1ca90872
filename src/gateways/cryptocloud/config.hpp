#pragma once
// CryptoCloud settings of one configured gateway: its API key. Pure code.

#include <any>
#include <array>
#include <string>
#include <string_view>

#include "coinfan/config/provider.hpp"

namespace coinfan::gateways::cryptocloud {

inline constexpr config::GatewayType type{"cryptocloud"};

struct Settings {
  std::string api_key;  // never logged, never placed in an error detail
};

inline constexpr std::array<std::string_view, 1> setting_keys = {"api_key"};

// "api_key", required. The std::any holds a Settings.
std::any parse_settings(config::SettingsReader& in);

}  // namespace coinfan::gateways::cryptocloud
