#pragma once
// Kuna settings of one configured gateway: the wallet, and either a static API key or the
// merchant id, e-mail and password that log in for a JWT. Pure code.

#include <any>
#include <array>
#include <string>
#include <string_view>

#include "coinfan/config/provider.hpp"
#include "gateways/kuna/requests.hpp"
#include "gateways/registration.hpp"

namespace coinfan::gateways::kuna {

inline constexpr config::GatewayType type{"kuna"};

struct Settings {
  std::string wallet_id;
  std::string api_key;     // non-empty: sent as `api-key`, no login
  LoginCredentials login;  // otherwise: what /v2/auth/login takes
};

inline constexpr std::array<std::string_view, 5> setting_keys = {"wallet_id", "api_key", "merchant_id",
                                                                 "email", "password"};

// "wallet_id", and either "api_key" (with an optional "merchant_id") or "merchant_id", "email"
// and "password"; giving both forms is an error. The std::any holds a Settings.
std::any parse_settings(config::SettingsReader& in);

// The registration card for gateways/providers.hpp.
struct Provider : ProviderTraits<Settings, type, setting_keys, parse_settings> {
  static AdapterFactory* const make_adapter;  // adapter.cpp
  static DemoFactory* const make_demo;        // demo.cpp
};

}  // namespace coinfan::gateways::kuna
