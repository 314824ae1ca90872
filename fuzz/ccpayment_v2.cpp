// Every CCPayment v2 response parser on the same body (balances, coins, prices, transfers,
// swaps, quotes, rescans).

#include "fuzz_support.hpp"
#include "gateways/ccpayment_v2/responses.hpp"
#include "provider_support.hpp"

using namespace coinfan;
namespace v2 = coinfan::gateways::ccpayment_v2;

namespace {

void check_quote(const SwapQuote& quote) {
  for (const auto* d : {&quote.amount_in, &quote.amount_out, &quote.net_amount_out, &quote.fee, &quote.fee_rate,
                        &quote.extra_fee, &quote.swap_rate}) {
    fuzz::check_decimal(*d);
  }
}

void check_transfer(const TransferRecord& record) {
  FUZZ_CHECK(record.gateway == fuzz::gateway_id);
  fuzz::check_decimal(record.amount);
}

void check_swap(const SwapRecord& record) {
  FUZZ_CHECK(record.gateway == fuzz::gateway_id);
  fuzz::check_decimal(record.amount_in);
  fuzz::check_decimal(record.amount_out);
  fuzz::check_decimal(record.net_amount_out);
  fuzz::check_decimal(record.fee);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  const auto& id = fuzz::gateway_id;
  if (auto balances = v2::parse_app_coin_asset_list(id, body)) {
    for (const auto& b : *balances) fuzz::check_balance(b);
  }
  if (auto balance = v2::parse_app_coin_asset(id, body)) fuzz::check_balance(*balance);
  std::vector<Coin> coins;
  if (auto list = v2::parse_coin_list(id, body)) coins = std::move(*list);
  if (auto coin = v2::parse_coin(id, body)) coins.push_back(std::move(*coin));
  v2::CoinSymbols symbols{{"1280", "USDT"}, {"1482", "BTC"}};
  for (const auto& coin : coins) {
    FUZZ_CHECK(coin.gateway == id);
    symbols.emplace(coin.coin_id, coin.asset);
  }
  if (auto prices = v2::parse_coin_usdt_prices(id, body, symbols)) {
    for (const auto& p : *prices) fuzz::check_price(p, symbols.contains(p.raw_id));
  }
  if (auto transfer = v2::parse_user_transfer(body)) FUZZ_CHECK(!transfer->record_id.empty());
  if (auto record = v2::parse_transfer_record(id, body)) check_transfer(*record);
  if (auto page = v2::parse_transfer_record_list(id, body)) {
    for (const auto& r : page->records) check_transfer(r);
  }
  if (auto quote = v2::parse_estimate(body)) check_quote(*quote);
  if (auto swap = v2::parse_user_swap(body)) check_quote(swap->quote);
  if (auto record = v2::parse_swap_record(id, body)) check_swap(*record);
  if (auto page = v2::parse_swap_record_list(id, body)) {
    for (const auto& r : page->records) check_swap(r);
  }
  (void)v2::parse_rescan_lost_transaction(body);
  return 0;
}
