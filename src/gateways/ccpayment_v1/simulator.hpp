#pragma once
// Simulated CCPayment API v1: POST /ccpayment/v1/assets with SHA-256 request signatures, and
// signed answers (headers Appid, Timestamp, Sign = SHA-256(appId + appSecret + Timestamp + body)).
//
// Error answers (HTTP 200, {"code":<int>,"msg":"..."}, signed like every answer):
//   documented: 224066 "service err, please try again" (the generic failure, also the default
//               of an injected provider_error).
//   my reading (v1 publishes no error list; these are CCPayment's v2 codes, same backend):
//               11001 a header is missing or not a number, 11005 signature verification failed
//               or unknown Appid, 11006 Timestamp outside the two-minute window, 11000 a body
//               that is not {} / {"coin_id": "..."}, 11003 an unknown coin_id.
// Answers to a missing or unknown Appid are not signed (no secret to sign for) and carry no
// signature headers. The header checks and codes are the backend's (sim/ccpayment_backend.hpp).

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <functional>
#include <string_view>
#include <vector>

#include "coinfan/core/decimal.hpp"
#include "coinfan/sim/provider.hpp"

namespace coinfan::sim {

struct CcpaymentV1Coin {
  std::string coin_id;  // a UUID, e.g. "8e5741cf-6e51-4892-9d04-3d40e1dd0128"
  std::string crypto;   // "USDT"
  std::string name;     // "Tether USD"
  Decimal value;        // the balance
  Decimal price;        // USD rate
  std::string logo;
};

struct CcpaymentV1Account {
  std::string app_id;
  std::string app_secret;
  std::vector<CcpaymentV1Coin> coins;
};

class CcpaymentV1Provider final : public Provider {
 public:
  static constexpr std::string_view assets_path = "/ccpayment/v1/assets";
  static constexpr std::chrono::seconds timestamp_window{120};

  explicit CcpaymentV1Provider(CcpaymentV1Account account);

  Reply handle(const SimRequest& request) override;
  Reply error_reply(std::string_view code, std::string_view message,
                    unsigned status) const override;
  bool signs_responses() const noexcept override { return true; }
  void sign_response(Reply& reply) const override;
  config::GatewayConfig gateway_config(std::string id, std::string base_url) const override;

  // Changes a coin's balance; false when no coin has this id.
  bool set_value(std::string_view coin_id, Decimal value);
  // Changes a coin's USD rate; false when no coin has this id.
  bool set_price(std::string_view coin_id, Decimal price);
  CcpaymentV1Account account() const;

 private:
  bool change_coin(std::string_view coin_id, const std::function<void(CcpaymentV1Coin&)>& change);

  mutable std::mutex mutex_;
  CcpaymentV1Account account_;
};

// --- demo data (demo.cpp): the realistic account behind `coinfan --demo` and the benchmarks ---

CcpaymentV1Account demo_ccpayment_v1_account();

}  // namespace coinfan::sim
