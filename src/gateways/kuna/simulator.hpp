#pragma once
// Simulated Kuna Core: POST /v2/auth/login (header merchant_id, body {"token": email,
// "password": pw}) -> {"data":{"accessToken":"<JWT>"}}; POST /v2/balance with
// `Authorization: Bearer <JWT>` or `api-key: <key>`, body {"walletId": "...", "assets": [...]}.
// The access token is a well-formed compact JWS: header {"alg":"RS256","typ":"JWT"}, a base64url
// JSON payload with "exp" in seconds, and a 256-byte signature segment (not a real RSA
// signature; the simulator only recognises tokens it issued).
//
// Errors (Kuna Core does not publish its error format; my reading, the shape of Kuna's public
// exchange API): {"errors":[{"code":"<CODE>","message":"..."}]} with
//   401 UNAUTHORIZED       bad login, missing/unknown merchant_id, missing/unknown/expired
//                          bearer token ("Token has expired"), wrong api-key
//   400 VALIDATION_ERROR   body not JSON, walletId missing / not a string, assets not strings
//   404 NOT_FOUND          a walletId that is not this merchant's
// Unknown paths: 404 NOT_FOUND "Cannot <METHOD> <path>".

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/sim/provider.hpp"
#include "sim/tokens.hpp"

namespace coinfan::sim {

struct KunaDepositAddress {
  std::string chain;  // key under depositAddress, e.g. "TRX"
  std::string address;
  std::optional<std::string> memo;  // null when the chain has none
};

// Amounts are decimal text sent verbatim.
struct KunaBalance {
  std::string asset;  // "USDT"
  std::string balance;
  std::string hold_balance = "0";
  std::string lock_balance = "0";
  std::string referral_balance = "0";
  std::vector<KunaDepositAddress> deposit_addresses;
};

struct KunaAccount {
  std::string merchant_id;
  std::string email;
  std::string password;
  std::string api_key;    // accepted in the `api-key` header; empty: API keys are refused
  std::string wallet_id;  // a UUID
  std::vector<KunaBalance> balances;
  std::chrono::seconds token_lifetime{3600};
};

class KunaProvider final : public Provider {
 public:
  static constexpr std::string_view login_path = "/v2/auth/login";
  static constexpr std::string_view balance_path = "/v2/balance";

  explicit KunaProvider(KunaAccount account);

  Reply handle(const SimRequest& request) override;
  Reply error_reply(std::string_view code, std::string_view message,
                    unsigned status) const override;
  bool issues_tokens() const noexcept override { return true; }
  void expire_tokens() override;
  config::GatewayConfig gateway_config(std::string id, std::string base_url) const override;

  std::size_t logins() const;  // successful logins, ever
  KunaAccount account() const;

 private:
  Reply login(const SimRequest& request);
  Reply balance(const SimRequest& request);

  mutable std::mutex mutex_;
  KunaAccount account_;
  TokenStore tokens_;  // until each token's exp
};

// --- demo data (demo.cpp): the realistic account behind `coinfan --demo` and the benchmarks ---

KunaAccount demo_kuna_account();

}  // namespace coinfan::sim
