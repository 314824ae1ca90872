// The records replicas share through the store (shared_record.hpp): every field of a balance
// call and a coin list survives the trip exactly (24-digit amounts, empty strings, absent
// optionals), and anything else the store might hold is refused rather than half-read.

#include <gtest/gtest.h>

#include "coinfan/aggregate/shared_record.hpp"

namespace coinfan::aggregate {
namespace {

Decimal dec(const char* text) { return *Decimal::parse(text); }

std::vector<Balance> sample_balances() {
  Balance usdt;
  usdt.gateway = "ccp-main";
  usdt.asset = "USDT";
  usdt.network = "TRC20";
  usdt.total = dec("123456789012.123456789012");  // 24 digits
  usdt.available = dec("123456789012.123456789012");
  usdt.locked = dec("0");
  usdt.usd_price = dec("1.0001");
  usdt.usd_value = dec("123469134891.02");
  usdt.raw_asset = "USDT_TRC20";
  Balance empty;
  empty.gateway = "ccp-main";
  empty.asset = "";
  empty.total = dec("-0.00000001");
  empty.raw_asset = "";
  return {usdt, empty};
}

std::vector<Price> sample_prices() {
  Price derived;
  derived.asset = "TRX";
  derived.usd = dec("0.271795502253");
  derived.gateway = "cloud";
  derived.quote = "USD";
  derived.raw_id = "TRX";
  derived.network = "TRC20";
  derived.derived = true;
  Price plain;
  plain.asset = "BTC";
  plain.usd = dec("67321.55");
  plain.gateway = "ccp-main";
  plain.quote = "USDT";
  plain.raw_id = "1155";
  return {derived, plain};
}

TEST(SharedRecord, BalancesSurviveExactly) {
  const auto balances = sample_balances();
  const auto prices = sample_prices();
  const Error price_error{ErrorCode::provider_error, "getCoinUSDTPrice: 10002", "10002", "Too many requests"};
  for (const auto& error : {std::optional<Error>(), std::optional<Error>(price_error)}) {
    const auto text = encode_balances(balances, prices, error);
    const auto decoded = decode_balances(text);
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->balances, balances);
    EXPECT_EQ(decoded->prices, prices);
    ASSERT_EQ(decoded->price_error.has_value(), error.has_value());
    if (error) {
      EXPECT_EQ(decoded->price_error->code, error->code);
      EXPECT_EQ(decoded->price_error->detail, error->detail);
      EXPECT_EQ(decoded->price_error->provider_code, error->provider_code);
      EXPECT_EQ(decoded->price_error->provider_message, error->provider_message);
    }
    EXPECT_EQ(decoded->balances[0].total.to_string(), "123456789012.123456789012");
  }
}

TEST(SharedRecord, CoinsSurviveExactly) {
  Coin coin;
  coin.gateway = "ccp-v2";
  coin.coin_id = "1280";
  coin.asset = "USDT";
  coin.name = "Tether";
  coin.status = "Normal";
  coin.logo = "";
  CoinNetwork network;
  network.chain = "BSC";
  network.name = "Binance Smart Chain";
  network.contract = "0x55d3";
  network.precision = 18;
  network.can_deposit = true;
  network.memo_required = true;
  network.min_deposit = dec("0.000000000000000001");
  network.max_withdraw = dec("0");
  coin.networks = {network, CoinNetwork{}};
  const std::vector<Coin> coins{coin, Coin{}};
  const auto decoded = decode_coins(encode_coins(coins));
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(*decoded, coins);
}

TEST(SharedRecord, RecordsSurviveGoodAndFailed) {
  SharedRecord good;
  good.by = "a1b2-7";
  good.epoch = 3;
  good.completed_at = 1764600000123;
  good.latency_ms = 52;
  good.good = true;
  good.payload = encode_coins({});
  auto decoded = decode_record(encode_record(good));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->by, good.by);
  EXPECT_EQ(decoded->epoch, good.epoch);
  EXPECT_EQ(decoded->completed_at, good.completed_at);
  EXPECT_EQ(decoded->latency_ms, good.latency_ms);
  EXPECT_TRUE(decoded->good);
  EXPECT_EQ(decoded->payload, good.payload);

  SharedRecord failed;
  failed.by = "c3-1";
  failed.completed_at = 1;
  failed.error = Error{ErrorCode::timeout, "no answer within 5000 ms | twice", "", ""};
  decoded = decode_record(encode_record(failed));
  ASSERT_TRUE(decoded);
  EXPECT_FALSE(decoded->good);
  EXPECT_EQ(decoded->error.code, ErrorCode::timeout);
  EXPECT_EQ(decoded->error.detail, failed.error.detail);
  EXPECT_EQ(decoded->by, "c3-1");
}

TEST(SharedRecord, AnythingElseIsRefused) {
  for (const char* text : {"", "garbage", "1|2|3|g|by|", "2|1|1|g|by|0|{}", "1|x|1|g|by|0|{}", "1|1|1|q|by|0|{}",
                           "1|1|1|g||0|{}", "1|-5|1|g|by|0|{}", "1|1|1|g|by|e|{}", "1|1|1|e|by|0|{}",
                           "1|1|1|e|by|0|{\"code\":\"nonsense\",\"detail\":\"\",\"provider_code\":\"\","
                           "\"provider_message\":\"\"}"}) {
    EXPECT_FALSE(decode_record(text)) << text;
  }
  for (const char* text : {"", "[]", "{}", "{\"balances\":[],\"prices\":[]}",
                           "{\"balances\":[{\"gateway\":\"g\"}],\"prices\":[],\"price_error\":null}",
                           "{\"balances\":[],\"prices\":[{\"asset\":\"BTC\",\"usd\":\"1.5.5\",\"gateway\":\"g\","
                           "\"quote\":\"USD\",\"raw_id\":\"1\",\"network\":null,\"derived\":false}],\"price_error\":null}"}) {
    EXPECT_FALSE(decode_balances(text)) << text;
  }
  EXPECT_TRUE(decode_balances("{\"balances\":[],\"prices\":[],\"price_error\":null}"));
  // An exponent is not what the encoder writes (and 0.27e2253 would expand past what parses).
  EXPECT_FALSE(decode_balances("{\"balances\":[],\"prices\":[{\"asset\":\"TRX\",\"usd\":\"0.2717955e2253\","
                               "\"gateway\":\"cloud\",\"quote\":\"USD\",\"raw_id\":\"TRX\",\"network\":null,"
                               "\"derived\":true}],\"price_error\":null}"));
  EXPECT_FALSE(decode_coins("{\"coins\":[{\"gateway\":\"g\"}]}"));
}

}  // namespace
}  // namespace coinfan::aggregate
