#include "gateways/trubit/config.hpp"

namespace coinfan::gateways::trubit {

std::any parse_settings(config::SettingsReader& in) {
  Settings settings;
  if (in.has("token")) {
    in.read_string("token", settings.token, true);
    if (in.has("api_key") || in.has("api_secret")) {
      in.error("token", "give either token or api_key and api_secret, not both");
    }
    in.accept("api_key");
    in.accept("api_secret");
  } else {
    in.read_string("api_key", settings.credentials.api_key, true);
    in.read_string("api_secret", settings.credentials.api_secret, true);
  }
  return settings;
}

}  // namespace coinfan::gateways::trubit
