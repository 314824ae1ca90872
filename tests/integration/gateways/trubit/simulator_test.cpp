// The simulated TruBit Business (VelaFi) over loopback HTTP: signed token requests in a
// two-minute window, tokens that expire, balances by token and the VelaFi merchant form.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateways/trubit/simulator.hpp"
#include "integration/sim/requests.hpp"
#include "integration/sim/sim_http.hpp"

namespace coinfan::sim {
namespace {

using namespace std::chrono_literals;
using sim::testing::exchange;
using sim::testing::HttpReply;
using sim::testing::HttpRequest;

class TruBitSim : public sim::testing::SimulatorFixture<TruBitProvider, TruBitAccount> {
 protected:
  TruBitSim() : SimulatorFixture(demo_trubit_account()) {}

  static std::int64_t code(const HttpReply& reply) { return reply.json().at("code").as_int64(); }

  std::string token() const {
    const auto reply = call(sim::testing::trubit_token_request(account.api_key, account.api_secret, clock.millis()));
    return std::string(reply.json().at("data").at("token").as_string());
  }
};

TEST_F(TruBitSim, SignedTokenRequestIssuesATokenWithMillisecondExpireTime) {
  const auto reply = call(sim::testing::trubit_token_request(account.api_key, account.api_secret, clock.millis()));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto root = reply.json().as_object();
  EXPECT_EQ(root.at("code").as_int64(), 200);
  EXPECT_EQ(root.at("msg").as_string(), "SUCCESS");
  EXPECT_FALSE(root.at("data").at("token").as_string().empty());
  // expireTime is milliseconds, as a string: two hours after the clock.
  EXPECT_EQ(root.at("data").at("expireTime").as_string(), std::to_string(clock.millis() + 2 * 3600 * 1000));
  EXPECT_EQ(provider->tokens_issued(), 1u);
}

TEST_F(TruBitSim, ReferenceVectorSignatureIsAccepted) {
  // PROVIDERS.md: HMAC-SHA256("timestamp=1740568725231", "testSecret").
  TruBitAccount vector_account = account;
  vector_account.api_secret = "testSecret";
  auto vector_provider = std::make_shared<TruBitProvider>(vector_account);
  vector_provider->set_clock([] { return std::chrono::system_clock::time_point(1740568725231ms); });
  auto& other = harness.start(vector_provider);
  HttpRequest request;
  request.target = "/v2/token/generate?timestamp=1740568725231&signature="
                   "6777517a18524c276f22be0afce9f883544dd56e13513f5a188cf8cb7a07dabb";
  request.headers = {{"X-BH-APIKEY", account.api_key}};
  EXPECT_EQ(exchange(other.port(), request)->json().at("code").as_int64(), 200);
}

TEST_F(TruBitSim, WrongSignatureIsRejectedWithMinus1022) {
  auto request = sim::testing::trubit_token_request(account.api_key, "not-the-secret", clock.millis());
  const auto reply = call(request);
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(code(reply), -1022);
}

TEST_F(TruBitSim, UnknownOrMissingApiKeyIsNotAnApiUser) {
  auto request = sim::testing::trubit_token_request("someone-else", account.api_secret, clock.millis());
  auto reply = call(request);
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(code(reply), -5033);
  request.headers.clear();
  EXPECT_EQ(code(call(request)), -5033);
}

TEST_F(TruBitSim, MissingTimestampOrSignatureIsAnInvalidParameter) {
  HttpRequest request;
  request.target = "/v2/token/generate?timestamp=" + std::to_string(clock.millis());
  request.headers = {{"X-BH-APIKEY", account.api_key}};
  EXPECT_EQ(code(call(request)), -4010);
  request.target = "/v2/token/generate?timestamp=soon&signature=abc";
  EXPECT_EQ(code(call(request)), -4010);
}

TEST_F(TruBitSim, TimestampOutsideTheTwoMinuteWindowIsRejectedWithMinus1021) {
  const auto request = sim::testing::trubit_token_request(account.api_key, account.api_secret, clock.millis());
  clock.advance(120000ms);
  EXPECT_EQ(code(call(request)), 200);
  clock.advance(1ms);
  const auto reply = call(request);
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(code(reply), -1021);
}

TEST_F(TruBitSim, AssetsWithAnIssuedTokenKeepTheDocumentsAmountText) {
  const auto reply = call(sim::testing::trubit_assets_request(token()));
  ASSERT_EQ(code(reply), 200) << reply.body;
  const auto data = reply.json().at("data").as_object();
  EXPECT_TRUE(data.at("canDeposit").as_bool());
  const auto& btc = data.at("balances").as_array().at(0).as_object();
  EXPECT_EQ(btc.at("asset").as_string(), "BTC");
  EXPECT_EQ(btc.at("assetId").as_string(), "1");
  EXPECT_EQ(btc.at("total").as_string(), "1.5");
  EXPECT_EQ(btc.at("free").as_string(), "1.0");
  EXPECT_EQ(btc.at("locked").as_string(), "0.5");
}

TEST_F(TruBitSim, UnknownTokenIsRejectedWithMinus1002) {
  auto reply = call(sim::testing::trubit_assets_request("not-a-token"));
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(code(reply), -1002);
  HttpRequest bare;
  bare.target = "/v2/user/account/assets";
  EXPECT_EQ(code(call(bare)), -1002);
}

TEST_F(TruBitSim, TokenStopsWorkingWhenItsLifetimeEnds) {
  const auto issued = token();
  clock.advance(2h - 1ms);
  EXPECT_EQ(code(call(sim::testing::trubit_assets_request(issued))), 200);
  clock.advance(1ms);
  const auto reply = call(sim::testing::trubit_assets_request(issued));
  EXPECT_EQ(code(reply), -1002);
  EXPECT_EQ(reply.json().at("msg").as_string(), "Token has expired");
}

TEST_F(TruBitSim, ExpireTokensInvalidatesEveryIssuedTokenButNotNewOnes) {
  const auto first = token();
  const auto second = token();
  simulator->expire_tokens();
  EXPECT_EQ(code(call(sim::testing::trubit_assets_request(first))), -1002);
  EXPECT_EQ(code(call(sim::testing::trubit_assets_request(second))), -1002);
  EXPECT_EQ(code(call(sim::testing::trubit_assets_request(token()))), 200);
}

TEST_F(TruBitSim, VelaFiAliasAnswersPerMerchant) {
  const auto issued = token();
  auto all = call(sim::testing::trubit_assets_request(issued, "/v2/assets/account/assets?merchantId=0"));
  ASSERT_EQ(code(all), 200);
  EXPECT_EQ(all.json().at("data").at("balances").as_array().size(), account.balances.size());
  auto one = call(sim::testing::trubit_assets_request(issued, "/v2/assets/account/assets?merchantId=102"));
  ASSERT_EQ(code(one), 200);
  EXPECT_EQ(one.json().at("data").at("balances").as_array().at(1).at("total").as_string(), "500.75");
  EXPECT_EQ(code(call(sim::testing::trubit_assets_request(issued, "/v2/assets/account/assets?merchantId=999"))), -5006);
  EXPECT_EQ(code(call(sim::testing::trubit_assets_request(issued, "/v2/assets/account/assets"))), -4010);
}

TEST_F(TruBitSim, StaticDashboardTokenWorksUntilExpired) {
  TruBitAccount with_static = account;
  with_static.static_token = "static-dashboard-token-1";
  auto static_provider = std::make_shared<TruBitProvider>(with_static);
  auto& other = harness.start(static_provider);
  EXPECT_EQ(exchange(other.port(), sim::testing::trubit_assets_request("static-dashboard-token-1"))->json().at("code").as_int64(), 200);
  other.expire_tokens();
  EXPECT_EQ(exchange(other.port(), sim::testing::trubit_assets_request("static-dashboard-token-1"))->json().at("code").as_int64(), -1002);
}

}  // namespace
}  // namespace coinfan::sim
