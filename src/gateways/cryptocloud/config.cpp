#include "gateways/cryptocloud/config.hpp"

namespace coinfan::gateways::cryptocloud {

std::any parse_settings(config::SettingsReader& in) {
  Settings settings;
  in.read_string("api_key", settings.api_key, true);
  return settings;
}

}  // namespace coinfan::gateways::cryptocloud
