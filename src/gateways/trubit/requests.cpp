#include "gateways/trubit/requests.hpp"

#include <string>

#include "gateways/common/input.hpp"

namespace coinfan::gateways::trubit {

Result<upstream::Request> build_token_request(const Credentials& credentials,
                                         std::int64_t timestamp_ms) {
  if (auto error = check_credential("api_key", credentials.api_key)) return std::move(*error);
  if (auto error = check_credential("api_secret", credentials.api_secret)) return std::move(*error);
  if (timestamp_ms < 0) return make_error(ErrorCode::invalid_argument, "timestamp is negative");

  auto signature = sign_token_request(credentials.api_secret, timestamp_ms);
  if (!signature) return std::move(signature).error();

  upstream::Request call;
  call.method = "GET";
  // Both values are digits / lowercase hex: nothing to percent-encode.
  call.target = std::string(token_path) + "?timestamp=" + std::to_string(timestamp_ms) +
                "&signature=" + *signature;
  call.headers = {{"X-BH-APIKEY", credentials.api_key}};
  call.idempotent = true;
  return call;
}

Result<upstream::Request> build_assets_request(std::string_view token,
                                          std::optional<std::uint64_t> velafi_merchant_id) {
  if (auto error = check_credential("token", token)) return std::move(*error);
  upstream::Request call;
  call.method = "GET";
  call.target = velafi_merchant_id ? std::string(velafi_assets_path) +
                                         "?merchantId=" + std::to_string(*velafi_merchant_id)
                                   : std::string(assets_path);
  call.headers = {{"X-BH-TOKEN", std::string(token)}};
  call.idempotent = true;
  return call;
}

}  // namespace coinfan::gateways::trubit
