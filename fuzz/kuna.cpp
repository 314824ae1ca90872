// Kuna `/v2/auth/login` and `POST /v2/balance` response parsers.

#include "fuzz_support.hpp"
#include "gateways/kuna/responses.hpp"
#include "provider_support.hpp"

using namespace coinfan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  if (auto login = gateways::kuna::parse_login_response(body)) FUZZ_CHECK(!login->access_token.empty());
  if (auto wallet = gateways::kuna::parse_balance_response(fuzz::gateway_id, body)) {
    for (const auto& balance : wallet->balances) fuzz::check_balance(balance);
    for (const auto& address : wallet->deposit_addresses) FUZZ_CHECK(!address.asset.empty());
  }
  return 0;
}
