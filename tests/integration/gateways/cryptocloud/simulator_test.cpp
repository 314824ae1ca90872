// The simulated CryptoCloud API v2 over loopback HTTP: Token authentication with DRF/PyJWT
// error details, and float amounts written exactly as configured.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "coinfan/core/json.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "integration/sim/sim_http.hpp"

namespace coinfan::sim {
namespace {

using namespace std::chrono_literals;
using sim::testing::exchange;
using sim::testing::HttpReply;
using sim::testing::HttpRequest;

class CryptoCloudSim : public sim::testing::SimulatorFixture<CryptoCloudProvider, CryptoCloudAccount> {
 protected:
  CryptoCloudSim() : SimulatorFixture(demo_cryptocloud_account()) {}

  HttpReply call(std::optional<std::string> authorization, std::string method = "POST") const {
    HttpRequest request;
    request.method = std::move(method);
    request.target = "/v2/merchant/wallet/balance/all";
    if (authorization) request.headers.emplace_back("Authorization", *authorization);
    return SimulatorFixture::call(request);
  }
  static std::string detail(const HttpReply& reply) { return std::string(reply.json().at("detail").as_string()); }
};

TEST_F(CryptoCloudSim, ValidKeyAnswersBalancesWithFloatsWrittenExactly) {
  const auto reply = call("Token " + account.api_key);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_NE(reply.body.find(R"("balance_crypto":10.0,)"), std::string::npos);
  EXPECT_NE(reply.body.find(R"("balance_crypto":0.1,)"), std::string::npos);
  EXPECT_NE(reply.body.find(R"("balance_crypto":1e-08,)"), std::string::npos);
  EXPECT_EQ(reply.body.find("0.1000000000"), std::string::npos);  // never through a double

  const auto parsed = parse_json_exact(reply.body);
  ASSERT_TRUE(parsed);
  const auto& root = parsed->as_object();
  EXPECT_EQ(root.at("status").as_string(), "success");
  const auto& first = root.at("result").as_array().at(0).as_object();
  EXPECT_EQ(first.at("currency").at("code").as_string(), "USDT_TRC20");
  EXPECT_EQ(first.at("currency").at("short_code").as_string(), "USDT");
  EXPECT_EQ(first.at("currency").at("obj_network").at("code").as_string(), "TRC20");
  EXPECT_EQ(first.at("balance_crypto").as_string(), "10.0");  // preserved number text
}

TEST_F(CryptoCloudSim, AnotherWellFormedKeyFailsSignatureVerification) {
  const auto stranger = make_cryptocloud_api_key("SHOP-OTHER", "another-secret", std::chrono::sys_seconds(2'000'000'000s));
  const auto reply = call("Token " + stranger);
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(detail(reply), "Signature verification failed");
  EXPECT_EQ(reply.header("WWW-Authenticate"), "Token");
}

TEST_F(CryptoCloudSim, MalformedKeyHeaderIsInvalidHeaderPadding) {
  const auto reply = call("Token a.b.c");
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(detail(reply), "Invalid header padding");
  EXPECT_EQ(detail(call("Token not-a-jwt")), "Not enough segments");
}

TEST_F(CryptoCloudSim, MissingOrForeignSchemeIsNotAuthenticated) {
  EXPECT_EQ(detail(call(std::nullopt)), "Authentication credentials were not provided.");
  EXPECT_EQ(detail(call("Bearer " + account.api_key)), "Authentication credentials were not provided.");
  EXPECT_EQ(detail(call("Token")), "Invalid token header. No credentials provided.");
  EXPECT_EQ(detail(call("Token a b")), "Invalid token header. Token string should not contain spaces.");
  EXPECT_EQ(call(std::nullopt).status, 401u);
}

TEST_F(CryptoCloudSim, KeyPastItsExpiryIsRejected) {
  CryptoCloudAccount short_lived = account;
  short_lived.api_key = make_cryptocloud_api_key("SHOP-4Xb9Q2", "s", std::chrono::sys_seconds(1'750'000'100s));
  auto expiring = std::make_shared<CryptoCloudProvider>(short_lived);
  expiring->set_clock(clock.hook());
  auto& other = harness.start(expiring);
  HttpRequest request;
  request.method = "POST";
  request.target = "/v2/merchant/wallet/balance/all";
  request.headers = {{"Authorization", "Token " + short_lived.api_key}};
  EXPECT_EQ(exchange(other.port(), request)->status, 200u);
  clock.advance(100s);
  const auto reply = exchange(other.port(), request);
  EXPECT_EQ(reply->status, 401u);
  EXPECT_EQ(detail(*reply), "Signature has expired");
}

TEST_F(CryptoCloudSim, GetIsMethodNotAllowed) {
  const auto reply = call("Token " + account.api_key, "GET");
  EXPECT_EQ(reply.status, 405u);
  EXPECT_EQ(detail(reply), "Method \"GET\" not allowed.");
}

TEST_F(CryptoCloudSim, BalanceUpdatesAreServedAndRejectNonNumbers) {
  ASSERT_TRUE(provider->set_balance("USDT_TRC20", "12.5", "12.5", "2.5", "2.5"));
  EXPECT_NE(call("Token " + account.api_key).body.find(R"("available_balance":2.5,)"), std::string::npos);
  EXPECT_THROW(provider->set_balance("USDT_TRC20", "1,5", "1", "1", "1"), std::invalid_argument);
  EXPECT_FALSE(provider->set_balance("DOGE", "1", "1", "1", "1"));
}

}  // namespace
}  // namespace coinfan::sim
