// TruBit token and `GET /v2/user/account/assets` response parsers.

#include "fuzz_support.hpp"
#include "gateways/trubit/responses.hpp"
#include "provider_support.hpp"

using namespace coinfan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  const TimePointMs now{std::chrono::milliseconds(1764633600000)};
  if (auto token = gateways::trubit::parse_token_response(body, now)) FUZZ_CHECK(!token->token.empty());
  if (auto balances = gateways::trubit::parse_assets_response(fuzz::gateway_id, body)) {
    for (const auto& balance : *balances) fuzz::check_balance(balance);
  }
  return 0;
}
