// The simulated Kuna Core over loopback HTTP: login to a well-formed JWT with an exp claim,
// balances by Bearer token or API key, and 401 for unknown or expired tokens.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateways/kuna/simulator.hpp"
#include "gateways/kuna/token.hpp"
#include "integration/sim/requests.hpp"
#include "integration/sim/sim_http.hpp"
#include "sim/sim_util.hpp"

namespace coinfan::sim {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sim::testing::HttpReply;
using sim::testing::HttpRequest;

class KunaSim : public sim::testing::SimulatorFixture<KunaProvider, KunaAccount> {
 protected:
  KunaSim() : SimulatorFixture(demo_kuna_account()) {}

  std::string login() const {
    const auto reply = call(sim::testing::kuna_login_request(account.merchant_id, account.email, account.password));
    return std::string(reply.json().at("data").at("accessToken").as_string());
  }

  std::string wallet_body(std::string assets = {}) const {
    std::string body = R"({"walletId":")" + account.wallet_id + "\"";
    if (!assets.empty()) body += R"(,"assets":)" + assets;
    return body + "}";
  }

  static std::string error_code(const HttpReply& reply) {
    return std::string(reply.json().at("errors").at(0).at("code").as_string());
  }
};

TEST_F(KunaSim, LoginAnswersAWellFormedJwtWhoseExpIsOneHourAhead) {
  const auto token = login();
  // header.payload.signature, base64url JSON, RS256 header, exp in seconds.
  const auto first = token.find('.');
  const auto last = token.rfind('.');
  ASSERT_NE(first, last);
  const auto header = detail::base64url_decode(token.substr(0, first));
  const auto payload = detail::base64url_decode(token.substr(first + 1, last - first - 1));
  const auto signature = detail::base64url_decode(token.substr(last + 1));
  ASSERT_TRUE(header && payload && signature);
  EXPECT_EQ(json::parse(*header).at("alg").as_string(), "RS256");
  EXPECT_EQ(json::parse(*payload).at("exp").as_int64(), clock.seconds() + 3600);
  EXPECT_EQ(signature->size(), 256u);
  // The production reader of the expiry agrees.
  const auto expiry = gateways::kuna::jwt_expiry(token);
  ASSERT_TRUE(expiry) << expiry.error().detail;
  EXPECT_EQ(expiry->time_since_epoch().count(), clock.seconds() + 3600);
  EXPECT_EQ(provider->logins(), 1u);
}

TEST_F(KunaSim, EveryLoginGetsADifferentToken) { EXPECT_NE(login(), login()); }

TEST_F(KunaSim, WrongPasswordOrMerchantIsUnauthorized) {
  auto reply = call(sim::testing::kuna_login_request(account.merchant_id, account.email, "guess"));
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(error_code(reply), "UNAUTHORIZED");
  reply = call(sim::testing::kuna_login_request("other-merchant", account.email, account.password));
  EXPECT_EQ(reply.status, 401u);
  auto no_merchant = sim::testing::kuna_login_request(account.merchant_id, account.email, account.password);
  std::erase_if(no_merchant.headers, [](const auto& h) { return h.first == "merchant_id"; });
  EXPECT_EQ(call(no_merchant).status, 401u);
  EXPECT_EQ(provider->logins(), 0u);
}

TEST_F(KunaSim, BearerTokenReadsBalancesWithDepositAddresses) {
  const auto reply = call(sim::testing::kuna_balance_request("Authorization", "Bearer " + login(), wallet_body()));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto data = reply.json().at("data").as_array();
  ASSERT_EQ(data.size(), account.balances.size());
  const auto& usdt = data.at(1).as_object();
  EXPECT_EQ(usdt.at("asset").as_string(), "USDT");
  EXPECT_EQ(usdt.at("balance").as_string(), "0.64");
  EXPECT_EQ(usdt.at("depositAddress").at("TRX").at("address").as_string(), "TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc");
  EXPECT_TRUE(usdt.at("depositAddress").at("TRX").at("memo").is_null());
  EXPECT_EQ(data.at(4).at("depositAddress").at("XRP").at("memo").as_string(), "109");
}

TEST_F(KunaSim, AssetsFilterNarrowsTheAnswer) {
  const auto reply = call(
      sim::testing::kuna_balance_request("Authorization", "Bearer " + login(), wallet_body(R"(["USDT","BTC"])")));
  ASSERT_EQ(reply.status, 200u);
  const auto data = reply.json().at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("asset").as_string(), "BTC");
  EXPECT_EQ(data[1].at("asset").as_string(), "USDT");
}

TEST_F(KunaSim, ApiKeyHeaderIsAcceptedAndAWrongOneIsNot) {
  EXPECT_EQ(call(sim::testing::kuna_balance_request("api-key", account.api_key, wallet_body())).status, 200u);
  const auto reply = call(sim::testing::kuna_balance_request("api-key", "wrong-key", wallet_body()));
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(error_code(reply), "UNAUTHORIZED");
}

TEST_F(KunaSim, UnknownOrMissingBearerIsUnauthorized) {
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", "Bearer eyJ.fake.token", wallet_body())).status,
            401u);
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", "Basic abc", wallet_body())).status, 401u);
  HttpRequest bare = sim::testing::kuna_balance_request("X-Nothing", "1", wallet_body());
  EXPECT_EQ(call(bare).status, 401u);
}

TEST_F(KunaSim, TokenIsUnauthorizedOnceItsExpPasses) {
  const auto token = login();
  clock.advance(3599s);
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", "Bearer " + token, wallet_body())).status, 200u);
  clock.advance(1s);
  const auto reply = call(sim::testing::kuna_balance_request("Authorization", "Bearer " + token, wallet_body()));
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(reply.json().at("errors").at(0).at("message").as_string(), "Token has expired");
}

TEST_F(KunaSim, ExpireTokensMakesIssuedTokensUnauthorized) {
  const auto token = login();
  simulator->expire_tokens();
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", "Bearer " + token, wallet_body())).status, 401u);
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", "Bearer " + login(), wallet_body())).status, 200u);
}

TEST_F(KunaSim, BadBodiesAndForeignWalletsAreRejected) {
  const auto token = "Bearer " + login();
  auto reply = call(sim::testing::kuna_balance_request("Authorization", token, "{}"));
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(error_code(reply), "VALIDATION_ERROR");
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", token, wallet_body("[1,2]"))).status, 400u);
  EXPECT_EQ(call(sim::testing::kuna_balance_request("Authorization", token, "not json")).status, 400u);
  reply = call(sim::testing::kuna_balance_request("Authorization", token,
                                                  R"({"walletId":"00000000-0000-0000-0000-000000000000"})"));
  EXPECT_EQ(reply.status, 404u);
  EXPECT_EQ(error_code(reply), "NOT_FOUND");
}

}  // namespace
}  // namespace coinfan::sim
