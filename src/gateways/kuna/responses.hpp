#pragma once
// Kuna Core response parsers: the login answer and the wallet balances.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::gateways::kuna {

struct LoginResult {
  std::string access_token;             // the Bearer JWT; never logged
  std::chrono::sys_seconds expires_at;  // its `exp` claim
};

// POST /v2/auth/login -> {"data":{"accessToken":"<JWT>"}}. The token's `exp` is read with
// jwt_expiry(); a token without a usable exp is bad_response.
Result<LoginResult> parse_login_response(std::string_view body);

struct DepositAddress {
  std::string asset;  // normalised, e.g. "USDT"
  std::string chain;  // the key under depositAddress, e.g. "TRX"
  std::string address;
  std::optional<std::string> memo;  // null in the documents for chains without memos
};

struct WalletSnapshot {
  std::vector<Balance> balances;
  std::vector<DepositAddress> deposit_addresses;
};

// POST /v2/balance -> {"data":[{balance, asset, holdBalance, lockBalance, referralBalance,
// depositAddress:{<CHAIN>:{address, memo}}}]}. Mapping:
//   available = balance (what the wallet can spend now),
//   locked    = holdBalance + lockBalance: both are the merchant's funds that cannot be
//               spent right now — hold is "in processing", lock is blocked by AML policy;
//   total     = available + locked.
//   referralBalance is NOT counted: it is the referral programme's separate account, not
//   money in this wallet (counting it would overstate what the merchant holds here).
//
// Errors (the format is not documented: unverified): a body without `data` is read for
// {"errors":[{"code","message"}]}, {"message"|"error", "statusCode"|"code"}; 401/403 or an
// unauthorized/token/jwt message -> auth_failed (the adapter logs in again once), 429 or a
// "too many" message -> rate_limited, anything else recognisable -> provider_error, and an
// unrecognisable body -> bad_response.
Result<WalletSnapshot> parse_balance_response(std::string_view gateway_id, std::string_view body);

}  // namespace coinfan::gateways::kuna
