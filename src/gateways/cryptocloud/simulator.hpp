#pragma once
// Simulated CryptoCloud API v2: POST /v2/merchant/wallet/balance/all with
// `Authorization: Token <API KEY>`, the key being a JWT. Amounts are JSON floats written from
// their text exactly as configured ("0.1", "10.0"), never through a double.
//
// Error answers: the API is Django REST framework with a JWT authentication class (the
// documented {"detail": "..."} bodies are DRF's shape and PyJWT's messages), so they follow
// DRF: HTTP 401 with `WWW-Authenticate: Token` for every authentication failure (DRF answers
// 401, not 403, when the scheme names itself; my reading, the docs give no status):
//   no Authorization header, or another scheme -> "Authentication credentials were not provided."
//   "Token" without a key                      -> "Invalid token header. No credentials provided."
//   "Token a b"                                -> "Invalid token header. Token string should not contain spaces."
//   key with fewer than three segments         -> "Not enough segments"
//   header segment not base64url               -> "Invalid header padding"       (documented)
//   header segment not a JSON object           -> "Invalid header string: ..."
//   payload / signature segment not base64url  -> "Invalid payload padding" / "Invalid crypto padding"
//   a well-formed JWT that is not the key      -> "Signature verification failed" (documented)
//   the key itself once its exp has passed     -> "Signature has expired"
// Other: GET -> 405 {"detail":"Method \"GET\" not allowed."}; unknown path -> Django's 404 HTML
// page. An injected provider_error is {"status":"error","result":{"<code>":"<message>"}} with
// HTTP 400 (the shape a third-party SDK shows; unverified).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/sim/provider.hpp"

namespace coinfan::sim {

struct CryptoCloudNetwork {
  std::string code;  // "TRC20"
  int id = 0;
  std::string icon;
  std::string fullname;  // "Tron"
};

struct CryptoCloudCurrency {
  int id = 0;
  std::string code;        // "USDT_TRC20"
  std::string short_code;  // "USDT"
  std::string name;        // "Tether"
  bool is_email_required = false;
  bool stablecoin = false;
  std::string icon_base, icon_network, icon_qr;
  int order = 0;
  CryptoCloudNetwork network;  // sent as "obj_network"
  bool enable = true;
};

// Amounts are JSON number text, sent verbatim ("10.0", "0.1", "0.00012345").
struct CryptoCloudBalance {
  CryptoCloudCurrency currency;
  std::string balance_crypto;
  std::string balance_usd;
  std::string available_balance;
  std::string available_balance_usd;
};

struct CryptoCloudAccount {
  std::string api_key;  // a JWT, see make_cryptocloud_api_key
  std::vector<CryptoCloudBalance> balances;
};

// A CryptoCloud-style API key: an HS256 JWT {"id": shop_id, "exp": expires_at} signed with
// `secret`.
std::string make_cryptocloud_api_key(std::string_view shop_id, std::string_view secret,
                                     std::chrono::sys_seconds expires_at);

// True when `text` is a JSON number (RFC 8259 grammar).
bool is_json_number(std::string_view text) noexcept;

class CryptoCloudProvider final : public Provider {
 public:
  static constexpr std::string_view balance_all_path = "/v2/merchant/wallet/balance/all";

  // Throws std::invalid_argument when an amount is not JSON number text.
  explicit CryptoCloudProvider(CryptoCloudAccount account);

  Reply handle(const SimRequest& request) override;
  Reply error_reply(std::string_view code, std::string_view message,
                    unsigned status) const override;
  config::GatewayConfig gateway_config(std::string id, std::string base_url) const override;

  // Replaces the amounts of the balance whose currency code is `code` (e.g. "USDT_TRC20");
  // false when there is none. Throws std::invalid_argument for a non-number text.
  bool set_balance(std::string_view code, std::string balance_crypto, std::string balance_usd,
                   std::string available_balance, std::string available_balance_usd);
  CryptoCloudAccount account() const;

 private:
  mutable std::mutex mutex_;
  CryptoCloudAccount account_;
};

// --- demo data (demo.cpp): the realistic account behind `coinfan --demo` and the benchmarks ---

CryptoCloudAccount demo_cryptocloud_account();

}  // namespace coinfan::sim
