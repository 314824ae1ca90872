#pragma once
// TruBit settings of one configured gateway: either a static token, or the API key and secret
// that sign token requests. Pure code.

#include <any>
#include <array>
#include <string>
#include <string_view>

#include "coinfan/config/provider.hpp"
#include "gateways/trubit/signer.hpp"
#include "gateways/registration.hpp"

namespace coinfan::gateways::trubit {

inline constexpr config::GatewayType type{"trubit"};

struct Settings {
  std::string token;        // non-empty: used as it is, never refreshed
  Credentials credentials;  // otherwise: what /v2/token/generate is signed with
};

inline constexpr std::array<std::string_view, 3> setting_keys = {"token", "api_key", "api_secret"};

// Either "token", or "api_key" and "api_secret"; giving both forms is an error.
// The std::any holds a Settings.
std::any parse_settings(config::SettingsReader& in);

// The registration card for gateways/providers.hpp.
struct Provider : ProviderTraits<Settings, type, setting_keys, parse_settings> {
  static AdapterFactory* const make_adapter;  // adapter.cpp
  static DemoFactory* const make_demo;        // demo.cpp
};

}  // namespace coinfan::gateways::trubit
