// The write bodies: every field checked with the provider's rules, every bad field named.

#include <gtest/gtest.h>

#include <set>

#include "coinfan/writes/input.hpp"

namespace coinfan::writes {
namespace {

std::set<std::string> fields(const FieldErrors& errors) {
  std::set<std::string> out;
  for (const auto& error : errors) out.insert(error.field);
  return out;
}

TEST(TransferBody, ValidBodyIsParsed) {
  const auto parsed = parse_transfer_body(
      R"({"from_user_id":"user-alice-1001","to_user_id":"user-bob-2002","asset":"USDT","amount":"12.50","order_id":"o-123","remark":"rent"})");
  ASSERT_TRUE(parsed.body) << (parsed.errors.empty() ? "" : parsed.errors.front().reason);
  EXPECT_EQ(parsed.body->from_user_id, "user-alice-1001");
  EXPECT_EQ(parsed.body->coin.asset, "USDT");
  EXPECT_FALSE(parsed.body->coin.coin_id);
  EXPECT_EQ(parsed.body->amount_text, "12.50");
  EXPECT_EQ(parsed.body->amount.to_string(), "12.5");
  EXPECT_EQ(parsed.body->remark, "rent");
}

TEST(TransferBody, EveryBadFieldIsListed) {
  const auto parsed = parse_transfer_body(
      R"({"from_user_id":"sys-ops-1","to_user_id":1234,"coin_id":-3,"amount":"1e3","order_id":"ab","extra":true})");
  EXPECT_FALSE(parsed.body);
  EXPECT_FALSE(parsed.malformed);
  EXPECT_EQ(fields(parsed.errors),
            (std::set<std::string>{"from_user_id", "to_user_id", "coin_id", "amount", "order_id", "extra"}));
}

TEST(TransferBody, MissingFieldsAreRequired) {
  const auto parsed = parse_transfer_body("{}");
  EXPECT_EQ(fields(parsed.errors), (std::set<std::string>{"from_user_id", "to_user_id", "coin_id", "amount", "order_id"}));
}

TEST(TransferBody, UserIdsFollowTheProvidersRules) {
  auto body = [](const std::string& from, const std::string& to) {
    return R"({"from_user_id":")" + from + R"(","to_user_id":")" + to + R"(","coin_id":1280,"amount":"1","order_id":"o-1"})";
  };
  EXPECT_TRUE(parse_transfer_body(body("abcde", "vwxyz")).body);                    // 5 characters
  EXPECT_FALSE(parse_transfer_body(body("abcd", "vwxyz")).body);                    // 4
  EXPECT_FALSE(parse_transfer_body(body(std::string(65, 'a'), "vwxyz")).body);      // 65
  EXPECT_TRUE(parse_transfer_body(body(std::string(64, 'a'), "vwxyz")).body);       // 64
  EXPECT_FALSE(parse_transfer_body(body("system-user", "vwxyz")).body);             // "sys" prefix
  EXPECT_EQ(fields(parse_transfer_body(body("abcde", "abcde")).errors), (std::set<std::string>{"to_user_id"}));
}

TEST(TransferBody, OrderIdsAndRemarks) {
  auto body = [](const std::string& order, const std::string& remark) {
    return R"({"from_user_id":"abcde","to_user_id":"vwxyz","coin_id":1280,"amount":"1","order_id":")" + order +
           R"(","remark":")" + remark + "\"}";
  };
  EXPECT_TRUE(parse_transfer_body(body("abc", std::string(255, 'r'))).body);
  EXPECT_EQ(fields(parse_transfer_body(body("ab", "")).errors), (std::set<std::string>{"order_id"}));
  EXPECT_EQ(fields(parse_transfer_body(body(std::string(65, 'o'), "")).errors), (std::set<std::string>{"order_id"}));
  EXPECT_EQ(fields(parse_transfer_body(body("has space", "")).errors), (std::set<std::string>{"order_id"}));
  EXPECT_EQ(fields(parse_transfer_body(body("abc", std::string(256, 'r'))).errors), (std::set<std::string>{"remark"}));
  // 255 characters that take more bytes each still fit.
  std::string accents;
  for (int i = 0; i < 255; ++i) accents += "\xC3\xA9";
  EXPECT_TRUE(parse_transfer_body(body("abc", accents)).body);
}

TEST(TransferBody, AmountsAreStringsOfPositivePlainDecimals) {
  auto with_amount = [](const std::string& amount_json) {
    return parse_transfer_body(R"({"from_user_id":"abcde","to_user_id":"vwxyz","coin_id":1280,"amount":)" +
                               amount_json + R"(,"order_id":"o-1"})");
  };
  for (const char* bad : {"1", "1.5", "1e2", "-1", "\"1e2\"", "\"-1\"", "\"+1\"", "\"0\"", "\"0.0\"", "\"\"",
                          "\" 1\"", "\"1 \"", "\"1.\"", "\".5\"", "\"1,5\"", "\"0x10\"", "null", "true"}) {
    const auto parsed = with_amount(bad);
    EXPECT_EQ(fields(parsed.errors), (std::set<std::string>{"amount"})) << bad;
  }
  for (const char* good : {"\"1\"", "\"0.000000000000000000000001\"", "\"123456789012345678901234.5\""}) {
    EXPECT_TRUE(with_amount(good).body) << good;
  }
}

TEST(TransferBody, CoinIsAnIdOrASymbolNotBoth) {
  auto with_coin = [](const std::string& coin) {
    return parse_transfer_body(R"({"from_user_id":"abcde","to_user_id":"vwxyz",)" + coin +
                               R"(,"amount":"1","order_id":"o-1"})");
  };
  EXPECT_EQ(with_coin(R"("coin_id":1280)").body->coin.coin_id, 1280);
  EXPECT_EQ(with_coin(R"("asset":"usdt")").body->coin.asset, "usdt");
  EXPECT_EQ(fields(with_coin(R"("coin_id":1280,"asset":"USDT")").errors), (std::set<std::string>{"coin_id"}));
  EXPECT_EQ(fields(with_coin(R"("coin_id":"1280")").errors), (std::set<std::string>{"coin_id"}));
  EXPECT_EQ(fields(with_coin(R"("coin_id":12.5)").errors), (std::set<std::string>{"coin_id"}));
  EXPECT_EQ(fields(with_coin(R"("asset":"US DT")").errors), (std::set<std::string>{"asset"}));
  EXPECT_EQ(fields(with_coin(R"("asset":"")").errors), (std::set<std::string>{"asset"}));
}

TEST(TransferBody, TextThatIsNotAJsonObjectIsMalformed) {
  for (const char* text : {"", "[]", "\"text\"", "{", "{\"a\":1}{}", "{\"order_id\":\"a\",\"order_id\":\"b\"}"}) {
    const auto parsed = parse_transfer_body(text);
    EXPECT_TRUE(parsed.malformed) << text;
    EXPECT_FALSE(parsed.body) << text;
    ASSERT_EQ(parsed.errors.size(), 1u) << text;
    EXPECT_EQ(parsed.errors.front().field, "");
  }
  EXPECT_TRUE(parse_transfer_body(std::string(max_body_bytes + 1, ' ')).malformed);
}

TEST(SwapBodies, QuoteSwapAndTheirRules) {
  const auto quote = parse_quote_body(R"({"asset_in":"USDT","amount_in":"10","coin_id_out":1482,"extra_fee_rate":"0.01"})");
  ASSERT_TRUE(quote.body);
  EXPECT_EQ(quote.body->coin_in.asset, "USDT");
  EXPECT_EQ(quote.body->coin_out.coin_id, 1482);
  EXPECT_EQ(quote.body->extra_fee_rate, "0.01");
  EXPECT_EQ(fields(parse_quote_body(R"({"asset_in":"USDT","amount_in":"10","asset_out":"usdt"})").errors),
            (std::set<std::string>{"asset_out"}));
  EXPECT_EQ(fields(parse_quote_body(R"({"coin_id_in":1,"amount_in":"10","coin_id_out":1})").errors),
            (std::set<std::string>{"coin_id_out"}));
  EXPECT_EQ(fields(parse_quote_body(R"({"coin_id_in":1,"amount_in":"10","coin_id_out":2,"extra_fee_rate":"1.5"})").errors),
            (std::set<std::string>{"extra_fee_rate"}));
  EXPECT_EQ(fields(parse_quote_body(R"({"coin_id_in":1,"amount_in":"10","coin_id_out":2,"order_id":"o-1"})").errors),
            (std::set<std::string>{"order_id"}));  // a quote has no order

  const auto swap = parse_swap_body(
      R"({"order_id":"s-1","user_id":"abcde","coin_id_in":1280,"amount_in":"10","coin_id_out":1482,"amount_out_minimum":"30"})");
  ASSERT_TRUE(swap.body);
  EXPECT_EQ(swap.body->amount_out_minimum, "30");
  EXPECT_EQ(fields(parse_swap_body(
                R"({"order_id":"s","user_id":"sysx1","coin_id_in":1280,"amount_in":"10","coin_id_out":1482,"amount_out_minimum":"0"})")
                .errors),
            (std::set<std::string>{"order_id", "user_id", "amount_out_minimum"}));
}

TEST(RescanBody, FieldsArePrintableWithoutSpaces) {
  const auto ok = parse_rescan_body(R"({"chain":"TRX","to_address":"TXyz","tx_id":"0xabc","memo":"12345"})");
  ASSERT_TRUE(ok.body);
  EXPECT_EQ(ok.body->memo, "12345");
  EXPECT_EQ(fields(parse_rescan_body(R"({"chain":"","to_address":"a b","tx_id":"x\ny"})").errors),
            (std::set<std::string>{"chain", "to_address", "tx_id"}));
}

Coin coin(std::string id, std::string asset, std::vector<std::int64_t> precisions) {
  Coin out;
  out.coin_id = std::move(id);
  out.asset = std::move(asset);
  for (auto precision : precisions) {
    CoinNetwork network;
    network.precision = precision;
    out.networks.push_back(network);
  }
  return out;
}

TEST(CoinResolution, ByIdBySymbolAndTheAmbiguousCase) {
  const std::vector<Coin> catalogue = {coin("1280", "USDT", {6, 18}), coin("1482", "TRX", {6}), coin("7", "DUP", {}),
                                       coin("8", "DUP", {})};
  auto by_symbol = resolve_coin(catalogue, CoinRef{std::nullopt, "usdt"}, "coin_id", "asset");
  ASSERT_TRUE(std::holds_alternative<const Coin*>(by_symbol));
  EXPECT_EQ(std::get<const Coin*>(by_symbol)->coin_id, "1280");
  auto by_id = resolve_coin(catalogue, CoinRef{1482, std::nullopt}, "coin_id", "asset");
  ASSERT_TRUE(std::holds_alternative<const Coin*>(by_id));
  EXPECT_EQ(std::get<const Coin*>(by_id)->asset, "TRX");

  auto unknown = resolve_coin(catalogue, CoinRef{std::nullopt, "DOGE"}, "coin_id", "asset");
  ASSERT_TRUE(std::holds_alternative<FieldError>(unknown));
  EXPECT_EQ(std::get<FieldError>(unknown).field, "asset");
  auto unknown_id = resolve_coin(catalogue, CoinRef{9, std::nullopt}, "coin_id_in", "asset_in");
  EXPECT_EQ(std::get<FieldError>(unknown_id).field, "coin_id_in");
  auto ambiguous = resolve_coin(catalogue, CoinRef{std::nullopt, "DUP"}, "coin_id", "asset");
  ASSERT_TRUE(std::holds_alternative<FieldError>(ambiguous));
  EXPECT_NE(std::get<FieldError>(ambiguous).reason.find("7, 8"), std::string::npos) << std::get<FieldError>(ambiguous).reason;
}

TEST(CoinResolution, PlacesComeFromTheCoinsNetworks) {
  EXPECT_EQ(coin_places(coin("1", "USDT", {6, 18})), 18u);
  EXPECT_EQ(coin_places(coin("2", "TRX", {6})), 6u);
  EXPECT_EQ(coin_places(coin("3", "NEW", {})), 18u);
  const Coin trx = coin("2", "TRX", {6});
  EXPECT_FALSE(check_places("1.123456", trx, "amount"));
  EXPECT_FALSE(check_places("1.12345600", trx, "amount"));  // trailing zeros hold no value
  EXPECT_FALSE(check_places("100", trx, "amount"));
  const auto too_fine = check_places("1.1234567", trx, "amount");
  ASSERT_TRUE(too_fine);
  EXPECT_EQ(too_fine->field, "amount");
  EXPECT_NE(too_fine->reason.find("at most 6"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::writes
