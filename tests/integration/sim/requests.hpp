#pragma once
// Correctly signed requests for each simulated provider, built the way the documents describe
// (with the production signers), so a test can then break exactly one thing.

#include <cstdint>
#include <string>

#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/ccpayment_v1/signer.hpp"
#include "gateways/ccpayment_v2/signer.hpp"
#include "gateways/trubit/signer.hpp"
#include "integration/sim/sim_http.hpp"

namespace coinfan::sim::testing {

inline HttpRequest ccpayment_v1_request(const std::string& app_id, const std::string& app_secret,
                                        std::int64_t timestamp, std::string body) {
  const std::string ts = std::to_string(timestamp);
  HttpRequest request;
  request.method = "POST";
  request.target = std::string(CcpaymentV1Provider::assets_path);
  request.headers = {{"Appid", app_id},
                     {"Timestamp", ts},
                     {"Sign", gateways::ccpayment_v1::sign({app_id, app_secret}, ts, body).value()},
                     {"Content-Type", "application/json; charset=utf-8"}};
  request.body = std::move(body);
  return request;
}

inline HttpRequest ccpayment_v2_request(const std::string& app_id, const std::string& app_secret,
                                        const std::string& method, std::int64_t timestamp,
                                        std::string body) {
  const std::string ts = std::to_string(timestamp);
  HttpRequest request;
  request.method = "POST";
  request.target = std::string(CcpaymentV2Provider::path_prefix) + method;
  request.headers = {{"Appid", app_id},
                     {"Timestamp", ts},
                     {"Sign", gateways::ccpayment_v2::sign({app_id, app_secret}, ts, body).value()},
                     {"Content-Type", "application/json"}};
  request.body = std::move(body);
  return request;
}

inline HttpRequest trubit_token_request(const std::string& api_key, const std::string& api_secret,
                                        std::int64_t timestamp_ms) {
  HttpRequest request;
  request.target = "/v2/token/generate?timestamp=" + std::to_string(timestamp_ms) + "&signature=" +
                   gateways::trubit::sign_token_request(api_secret, timestamp_ms).value();
  request.headers = {{"X-BH-APIKEY", api_key}};
  return request;
}

inline HttpRequest trubit_assets_request(const std::string& token, std::string target = "/v2/user/account/assets") {
  HttpRequest request;
  request.target = std::move(target);
  request.headers = {{"X-BH-TOKEN", token}};
  return request;
}

inline HttpRequest kuna_login_request(const std::string& merchant_id, const std::string& email,
                                      const std::string& password) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/v2/auth/login";
  request.headers = {{"Content-Type", "application/json"}, {"merchant_id", merchant_id}};
  request.body = R"({"token":")" + email + R"(","password":")" + password + R"("})";
  return request;
}

inline HttpRequest kuna_balance_request(std::string auth_name, std::string auth_value, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/v2/balance";
  request.headers = {{"Content-Type", "application/json"}, {std::move(auth_name), std::move(auth_value)}};
  request.body = std::move(body);
  return request;
}

}  // namespace coinfan::sim::testing
