#pragma once
// An app id and app secret, as CCPayment v1 and v2 sign with them, and the settings of a
// provider configured with nothing else. Pure code.

#include <any>
#include <array>
#include <string>
#include <string_view>

#include "coinfan/config/provider.hpp"

namespace coinfan::gateways {

struct AppCredentials {
  std::string app_id;
  std::string app_secret;  // never logged, never placed in an error detail
};

// Reads the required "app_id" and "app_secret" of a gateway object.
AppCredentials read_app_credentials(config::SettingsReader& in);

inline constexpr std::array<std::string_view, 2> app_credential_keys = {"app_id", "app_secret"};

// The settings of a provider that needs only app credentials; `Provider` (a tag type of the
// provider's namespace) keeps each provider's settings a type of its own.
template <typename Provider>
struct AppSettings {
  AppCredentials credentials;

  static std::any parse(config::SettingsReader& in) { return AppSettings{read_app_credentials(in)}; }
};

}  // namespace coinfan::gateways
