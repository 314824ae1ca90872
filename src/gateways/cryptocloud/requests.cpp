#include "gateways/cryptocloud/requests.hpp"

#include <string>

#include "gateways/common/input.hpp"

namespace coinfan::gateways::cryptocloud {

Result<upstream::Request> build_balance_all_request(std::string_view api_key) {
  if (auto error = check_credential("api_key", api_key)) return std::move(*error);
  upstream::Request call;
  call.method = "POST";
  call.target = std::string(balance_all_path);
  call.headers = {{"Authorization", "Token " + std::string(api_key)}};
  call.idempotent = true;  // a read, although the provider makes it a POST
  return call;
}

}  // namespace coinfan::gateways::cryptocloud
