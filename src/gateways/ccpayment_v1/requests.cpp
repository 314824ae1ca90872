#include "gateways/ccpayment_v1/requests.hpp"

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "gateways/common/input.hpp"

namespace coinfan::gateways::ccpayment_v1 {

Result<upstream::Request> build_assets_request(const Credentials& credentials, std::int64_t unix_seconds,
                                          std::optional<std::string_view> coin_id) {
  if (auto error = check_credential("app_id", credentials.app_id)) return std::move(*error);
  if (auto error = check_credential("app_secret", credentials.app_secret)) return std::move(*error);
  if (unix_seconds < 0) return make_error(ErrorCode::invalid_argument, "timestamp is negative");

  upstream::Request call;
  call.method = "POST";
  call.target = std::string(assets_path);
  call.idempotent = true;
  if (coin_id) {
    if (auto error = check_text("coin_id", *coin_id, 1, 64)) return std::move(*error);
    boost::json::object body;
    body["coin_id"] = *coin_id;
    call.body = boost::json::serialize(body);
  }

  const std::string timestamp = std::to_string(unix_seconds);
  auto signature = sign(credentials, timestamp, call.body);
  if (!signature) return std::move(signature).error();

  call.headers = {
      {"Appid", credentials.app_id},
      {"Timestamp", timestamp},
      {"Sign", std::move(*signature)},
      {"Content-Type", "application/json; charset=utf-8"},
  };
  return call;
}

}  // namespace coinfan::gateways::ccpayment_v1
