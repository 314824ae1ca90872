#pragma once
// Simulated TruBit Business (VelaFi): a token from GET /v2/token/generate (X-BH-APIKEY, HMAC-
// SHA256 of "timestamp=<ms>" with the API secret, two-minute window), then balances from
// GET /v2/user/account/assets (X-BH-TOKEN) or the VelaFi form /v2/assets/account/assets?merchantId=.
//
// Answers are {"code":<int>,"msg":"..."} ("data" on success). Error choices:
//   documented codes: -4010 invalid parameter (timestamp/signature/merchantId missing or not a
//   number), -5033 not an API user (X-BH-APIKEY missing or unknown), -5006 merchant not found
//   (unknown merchantId). HTTP 400 for -4010, 401 for -5033, 200 for -5006 (my reading).
//   my reading (the exchange family's codes; TruBit's dictionary does not name them):
//   -1021 HTTP 400 "Timestamp for this request is outside of the recvWindow.",
//   -1022 HTTP 400 "Signature for this request is not valid.",
//   -1002 HTTP 401 for a missing, unknown or expired X-BH-TOKEN ("Token is invalid" /
//         "Token has expired").
// The signature covers the query without its signature parameter, which is exactly
// "timestamp=<ms>" for the documented request. `expireTime` is Unix milliseconds (as a string)
// of the moment the token stops working. Unknown paths: 404 {"code":404,"msg":"Not Found"}.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/sim/provider.hpp"
#include "sim/tokens.hpp"

namespace coinfan::sim {

// Amounts are decimal text sent verbatim ("1.5", "1.0").
struct TruBitBalance {
  std::string asset;       // "BTC"
  std::string asset_id;    // "1"
  std::string asset_name;  // "Bitcoin"
  std::string total;
  std::string free;
  std::string locked;
};

struct TruBitAccount {
  std::string api_key;
  std::string api_secret;
  bool can_deposit = true;
  std::vector<TruBitBalance> balances;  // the account: /v2/user/account/assets, merchantId=0
  std::map<std::uint64_t, std::vector<TruBitBalance>> merchants;  // VelaFi merchantId -> balances
  std::chrono::milliseconds token_lifetime{std::chrono::hours(2)};
  std::string static_token;  // a dashboard-created token accepted until expire_tokens(); optional
};

class TruBitProvider final : public Provider {
 public:
  static constexpr std::string_view token_path = "/v2/token/generate";
  static constexpr std::string_view assets_path = "/v2/user/account/assets";
  static constexpr std::string_view velafi_assets_path = "/v2/assets/account/assets";
  static constexpr std::chrono::milliseconds timestamp_window{120000};

  explicit TruBitProvider(TruBitAccount account);

  Reply handle(const SimRequest& request) override;
  Reply error_reply(std::string_view code, std::string_view message,
                    unsigned status) const override;
  bool issues_tokens() const noexcept override { return true; }
  void expire_tokens() override;
  config::GatewayConfig gateway_config(std::string id, std::string base_url) const override;

  std::size_t tokens_issued() const;  // by /v2/token/generate, ever
  TruBitAccount account() const;

 private:
  Reply generate_token(const SimRequest& request);
  Reply assets(const SimRequest& request);

  mutable std::mutex mutex_;
  TruBitAccount account_;
  TokenStore tokens_;
};

// --- demo data (demo.cpp): the realistic account behind `coinfan --demo` and the benchmarks ---

TruBitAccount demo_trubit_account();

}  // namespace coinfan::sim
