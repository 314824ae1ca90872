// CCPayment v1 `POST /ccpayment/v1/assets` response parser.

#include "fuzz_support.hpp"
#include "gateways/ccpayment_v1/responses.hpp"
#include "provider_support.hpp"

using namespace coinfan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  if (auto snapshot = gateways::ccpayment_v1::parse_assets_response(fuzz::gateway_id, body)) {
    for (const auto& balance : snapshot->balances) fuzz::check_balance(balance);
    for (const auto& price : snapshot->prices) fuzz::check_price(price);
  }
  return 0;
}
