#include "gateways/kuna/config.hpp"

namespace coinfan::gateways::kuna {

std::any parse_settings(config::SettingsReader& in) {
  Settings settings;
  in.read_string("wallet_id", settings.wallet_id, true);
  if (in.has("api_key")) {
    in.read_string("api_key", settings.api_key, true);
    if (in.has("email") || in.has("password")) {
      in.error("api_key", "give either api_key or merchant_id, email and password, not both");
    }
    in.read_string("merchant_id", settings.login.merchant_id, false);
    in.accept("email");
    in.accept("password");
  } else {
    in.read_string("merchant_id", settings.login.merchant_id, true);
    in.read_string("email", settings.login.email, true);
    in.read_string("password", settings.login.password, true);
  }
  return settings;
}

}  // namespace coinfan::gateways::kuna
