#pragma once
// Kuna Core request builders: login (e-mail + password -> JWT) and the wallet balance.

#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/request.hpp"

namespace coinfan::gateways::kuna {

inline constexpr std::string_view login_path = "/v2/auth/login";
inline constexpr std::string_view balance_path = "/v2/balance";

struct LoginCredentials {
  std::string merchant_id;
  std::string email;
  std::string password;  // never logged, never placed in an error detail
};

// Either a JWT from login (Authorization: Bearer) or a static API key (api-key header).
struct BearerToken {
  std::string jwt;
};
struct ApiKey {
  std::string key;
};
using Authorization = std::variant<BearerToken, ApiKey>;

// POST /v2/auth/login, header merchant_id, body {"token":"<email>","password":"<password>"}
// (the e-mail really goes in a field named "token").
Result<upstream::Request> build_login_request(const LoginCredentials& credentials);

// POST /v2/balance, body {"walletId":"<uuid>","assets":[...]}; "assets" is left out when empty
// (all assets).
Result<upstream::Request> build_balance_request(const Authorization& authorization,
                                           std::string_view wallet_id,
                                           std::span<const std::string> assets = {});

}  // namespace coinfan::gateways::kuna
