#include "gateways/cryptocloud/responses.hpp"

#include <gtest/gtest.h>

#include "unit/gateways/fixtures.hpp"

namespace coinfan::gateways::cryptocloud {
namespace {

using testing::dec;
using testing::read_fixture;

std::string balance_item(std::string_view code, std::string_view short_code,
                         std::string_view crypto, std::string_view usd,
                         std::string_view available) {
  return R"({"currency":{"id":1,"code":")" + std::string(code) + R"(","short_code":")" +
         std::string(short_code) +
         R"(","name":"x","stablecoin":false,"obj_network":{"code":"N","id":1,"fullname":"n"},)"
         R"("enable":true},"balance_crypto":)" +
         std::string(crypto) + R"(,"balance_usd":)" + std::string(usd) +
         R"(,"available_balance":)" + std::string(available) + R"(,"available_balance_usd":0})";
}

std::string success_body(const std::string& items) {
  return R"({"status":"success","result":[)" + items + "]}";
}

TEST(CryptocloudResponses, DocumentExampleBecomesAUsdtTrc20Balance) {
  auto snapshot =
      parse_balance_all_response("cloud", read_fixture("cryptocloud/balance_all.repaired.json"));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  ASSERT_EQ(snapshot->balances.size(), 1u);
  const Balance& usdt = snapshot->balances[0];
  EXPECT_EQ(usdt.gateway, "cloud");
  EXPECT_EQ(usdt.asset, "USDT");
  EXPECT_EQ(usdt.network, "TRC20");
  EXPECT_EQ(usdt.raw_asset, "USDT_TRC20");
  EXPECT_EQ(usdt.total, dec("10"));
  EXPECT_EQ(usdt.available, dec("10"));
  EXPECT_TRUE(usdt.locked.is_zero());
  EXPECT_EQ(usdt.usd_value, dec("10"));
  EXPECT_EQ(usdt.usd_price, dec("1"));
  ASSERT_EQ(snapshot->prices.size(), 1u);
  EXPECT_EQ(snapshot->prices[0].asset, "USDT");
  EXPECT_EQ(snapshot->prices[0].usd, dec("1"));
  EXPECT_EQ(snapshot->prices[0].quote, "USD");
  EXPECT_EQ(snapshot->prices[0].raw_id, "USDT_TRC20");
}

TEST(CryptocloudResponses, DocumentExampleWithItsEllipsisIsABadResponse) {
  auto snapshot = parse_balance_all_response("cloud", read_fixture("cryptocloud/balance_all.json"));
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response);
}

TEST(CryptocloudResponses, FloatAmountsKeepTheirExactDecimalText) {
  auto snapshot = parse_balance_all_response(
      "cloud", success_body(balance_item("BTC", "BTC", "0.1", "6123.45", "0.1")));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  const Balance& btc = snapshot->balances[0];
  EXPECT_EQ(btc.total.to_string(), "0.1");  // never 0.1000000000000000055511151231257827
  EXPECT_EQ(btc.usd_value->to_string(), "6123.45");
  EXPECT_EQ(btc.usd_price->to_string(), "61234.5");
  EXPECT_FALSE(btc.network);  // "BTC" names no network
}

TEST(CryptocloudResponses, ManyDigitFloatsAndExponentsStayExact) {
  auto snapshot = parse_balance_all_response(
      "cloud",
      success_body(balance_item("ETH_ERC20", "ETH", "1.23456789012345678901234", "2.5e3", "1e-7")));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  const Balance& eth = snapshot->balances[0];
  EXPECT_EQ(eth.total.to_string(), "1.23456789012345678901234");
  EXPECT_EQ(eth.usd_value->to_string(), "2500");
  EXPECT_EQ(eth.available.to_string(), "0.0000001");
  EXPECT_EQ(eth.locked.to_string(), "1.23456779012345678901234");
  EXPECT_EQ(eth.network, "ERC20");
}

TEST(CryptocloudResponses, PriceIsUsdOverCryptoRoundedToTwelveSignificantDigits) {
  auto snapshot =
      parse_balance_all_response("cloud", success_body(balance_item("TRX", "TRX", "3", "1", "3")));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_EQ(snapshot->balances[0].usd_price->to_string(), "0.333333333333");
  ASSERT_EQ(snapshot->prices.size(), 1u);
  EXPECT_TRUE(snapshot->prices[0].derived);
  // A sub-micro-cent token keeps its twelve digits after the leading zeros.
  auto tiny = parse_balance_all_response("cloud", success_body(balance_item("SHIB", "SHIB", "3000000000", "1", "3000000000")));
  ASSERT_TRUE(tiny.ok()) << tiny.error().detail;
  EXPECT_EQ(tiny->balances[0].usd_price->to_string(), "0.000000000333333333333");
}

TEST(CryptocloudResponses, EachNetworkIsItsOwnNamedQuote) {
  auto snapshot = parse_balance_all_response(
      "cloud", success_body(balance_item("USDT_TRC20", "USDT", "10", "10.01", "10") + "," +
                            balance_item("USDT_ERC20", "USDT", "5", "4.99", "5")));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  ASSERT_EQ(snapshot->prices.size(), 2u);
  EXPECT_EQ(snapshot->prices[0].network, "TRC20");
  EXPECT_EQ(source_name(snapshot->prices[0]), "cloud USDT/TRC20");
  EXPECT_EQ(snapshot->prices[0].usd.to_string(), "1.001");
  EXPECT_EQ(snapshot->prices[1].network, "ERC20");
  EXPECT_EQ(source_name(snapshot->prices[1]), "cloud USDT/ERC20");
}

TEST(CryptocloudResponses, ZeroCryptoBalanceHasNoPrice) {
  auto snapshot = parse_balance_all_response(
      "cloud", success_body(balance_item("LTC", "LTC", "0.0", "0.0", "0.0")));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_TRUE(snapshot->balances[0].total.is_zero());
  EXPECT_FALSE(snapshot->balances[0].usd_price);
  EXPECT_TRUE(snapshot->prices.empty());
}

TEST(CryptocloudResponses, UnavailablePartIsLocked) {
  auto snapshot = parse_balance_all_response(
      "cloud", success_body(balance_item("USDT_ERC20", "USDT", "15.5", "15.5", "10.25")));
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_EQ(snapshot->balances[0].locked, dec("5.25"));
  EXPECT_EQ(snapshot->balances[0].available, dec("10.25"));
}

TEST(CryptocloudResponses, DetailAboutTheKeyIsAuthFailed) {
  for (const char* body : {R"({"detail":"Invalid header padding"})",
                           R"({"detail":"Signature verification failed"})"}) {
    auto snapshot = parse_balance_all_response("cloud", body);
    ASSERT_FALSE(snapshot.ok());
    EXPECT_EQ(snapshot.error().code, ErrorCode::auth_failed) << body;
    EXPECT_FALSE(snapshot.error().provider_message.empty());
  }
}

TEST(CryptocloudResponses, ThrottledDetailIsRateLimitedAndOtherDetailsAreProviderErrors) {
  auto throttled = parse_balance_all_response(
      "cloud", R"({"detail":"Request was throttled. Expected available in 3 seconds."})");
  EXPECT_EQ(throttled.error().code, ErrorCode::rate_limited);
  auto other = parse_balance_all_response("cloud", R"({"detail":"Not found."})");
  EXPECT_EQ(other.error().code, ErrorCode::provider_error);
  EXPECT_EQ(other.error().provider_message, "Not found.");
}

TEST(CryptocloudResponses, StatusErrorIsAProviderErrorWithTheMessage) {
  auto snapshot = parse_balance_all_response(
      "cloud", R"({"status":"error","result":{"validate_error":"shop not found"}})");
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.error().code, ErrorCode::provider_error);
  EXPECT_EQ(snapshot.error().provider_code, "validate_error");
  EXPECT_EQ(snapshot.error().provider_message, "shop not found");
}

TEST(CryptocloudResponses, WrongShapesAreBadResponses) {
  for (const std::string& body : std::vector<std::string>{
           "", "{", "[]", R"({"status":"success"})", R"({"status":"maybe","result":[]})",
           R"({"status":"success","result":[{"balance_crypto":1}]})",
           success_body(balance_item("", "", "1", "1", "1")),
           // Found by the cryptocloud fuzz target: a code of blanks and no short code.
           success_body(balance_item("          ", "", "20.0", "1", "1")),
           success_body(balance_item("BTC", "BTC", "-1", "1", "1")),
           success_body(balance_item("BTC", "BTC", "\"x\"", "1", "1")),
           success_body(balance_item("BTC", "BTC", "true", "1", "1"))}) {
    auto snapshot = parse_balance_all_response("cloud", body);
    ASSERT_FALSE(snapshot.ok()) << body;
    EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response) << body;
  }
}

TEST(CryptocloudResponses, EveryTruncationOfTheDocumentExampleIsABadResponse) {
  const std::string body = read_fixture("cryptocloud/balance_all.repaired.json");
  const std::size_t complete = body.find_last_of('}') + 1;
  for (std::size_t length = 0; length < complete; ++length) {
    auto snapshot = parse_balance_all_response("cloud", body.substr(0, length));
    ASSERT_FALSE(snapshot.ok()) << length;
    EXPECT_EQ(snapshot.error().code, ErrorCode::bad_response) << length;
  }
}

}  // namespace
}  // namespace coinfan::gateways::cryptocloud
