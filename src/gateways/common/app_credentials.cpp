#include "gateways/common/app_credentials.hpp"

namespace coinfan::gateways {

AppCredentials read_app_credentials(config::SettingsReader& in) {
  AppCredentials credentials;
  in.read_string("app_id", credentials.app_id, true);
  in.read_string("app_secret", credentials.app_secret, true);
  return credentials;
}

}  // namespace coinfan::gateways
