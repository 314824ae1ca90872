// CryptoCloud `POST /v2/merchant/wallet/balance/all` response parser.

#include "fuzz_support.hpp"
#include "gateways/cryptocloud/responses.hpp"
#include "provider_support.hpp"

using namespace coinfan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  if (auto snapshot = gateways::cryptocloud::parse_balance_all_response(fuzz::gateway_id, body)) {
    for (const auto& balance : snapshot->balances) fuzz::check_balance(balance);
    for (const auto& price : snapshot->prices) fuzz::check_price(price);
  }
  return 0;
}
