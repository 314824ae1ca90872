// The simulated CCPayment API v1 over loopback HTTP: SHA-256 request signatures, the two-minute
// window, and signed answers that the production verifier accepts.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateways/ccpayment_v1/signer.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "integration/sim/requests.hpp"
#include "integration/sim/sim_http.hpp"

namespace coinfan::sim {
namespace {

using namespace std::chrono_literals;
using sim::testing::HttpReply;
using sim::testing::HttpRequest;

class CcpaymentV1Sim : public sim::testing::SimulatorFixture<CcpaymentV1Provider, CcpaymentV1Account> {
 protected:
  CcpaymentV1Sim() : SimulatorFixture(demo_ccpayment_v1_account()) {}

  HttpRequest request(std::string body) const {
    return sim::testing::ccpayment_v1_request(account.app_id, account.app_secret, clock.seconds(), std::move(body));
  }
  static std::int64_t code(const HttpReply& reply) { return reply.json().at("code").as_int64(); }

  bool signature_verifies(const HttpReply& reply) const {
    const auto app_id = reply.header("Appid").value_or("");
    const auto timestamp = reply.header("Timestamp").value_or("");
    const auto sign = reply.header("Sign").value_or("");
    return gateways::ccpayment_v1::verify_response_signature({account.app_id, account.app_secret},
                                                             {app_id, timestamp, sign}, reply.body)
        .ok();
  }
};

TEST_F(CcpaymentV1Sim, EmptyBodyListsEveryCoinInASignedAnswer) {
  const auto reply = call(request(""));
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(code(reply), 10000);
  const auto list = reply.json().at("data").at("list").as_array();
  EXPECT_EQ(list.size(), account.coins.size());
  EXPECT_EQ(list[0].at("coin_id").as_string(), "8e5741cf-6e51-4892-9d04-3d40e1dd0128");
  EXPECT_EQ(list[0].at("value").as_string(), "127.9514");
  EXPECT_EQ(list[0].at("price").as_string(), "1");
  EXPECT_TRUE(signature_verifies(reply));
  EXPECT_EQ(reply.header("Appid"), account.app_id);
  EXPECT_EQ(reply.header("Timestamp"), std::to_string(clock.seconds()));
}

TEST_F(CcpaymentV1Sim, EmptyObjectBodyAlsoListsEveryCoin) {
  const auto reply = call(request("{}"));
  ASSERT_EQ(code(reply), 10000);
  EXPECT_EQ(reply.json().at("data").at("list").as_array().size(), account.coins.size());
}

TEST_F(CcpaymentV1Sim, CoinIdBodyAnswersThatCoinOnly) {
  const auto reply = call(request(R"({"coin_id":"f36ad1cf-222a-4933-9ad0-86df8069f916"})"));
  ASSERT_EQ(code(reply), 10000);
  const auto list = reply.json().at("data").at("list").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("crypto").as_string(), "BTC");
  EXPECT_TRUE(signature_verifies(reply));
  EXPECT_EQ(code(call(request(R"({"coin_id":"00000000-0000-0000-0000-000000000000"})"))), 11003);
}

TEST_F(CcpaymentV1Sim, ValueChangesShowInTheNextAnswer) {
  ASSERT_TRUE(provider->set_value("8e5741cf-6e51-4892-9d04-3d40e1dd0128", Decimal::parse("0.000001").value()));
  const auto list = call(request("")).json().at("data").at("list").as_array();
  EXPECT_EQ(list[0].at("value").as_string(), "0.000001");
}

TEST_F(CcpaymentV1Sim, WrongSignatureIsRejectedWith11005InASignedAnswer) {
  auto bad = request("");
  bad.body = "{}";  // signed over "", sent "{}"
  const auto reply = call(bad);
  EXPECT_EQ(code(reply), 11005);
  EXPECT_TRUE(signature_verifies(reply));  // the provider signs every answer
}

TEST_F(CcpaymentV1Sim, MissingHeadersAreRejectedWith11001) {
  for (const char* dropped : {"Appid", "Timestamp", "Sign"}) {
    auto bad = request("");
    std::erase_if(bad.headers, [&](const auto& h) { return h.first == dropped; });
    EXPECT_EQ(code(call(bad)), 11001) << dropped;
  }
}

TEST_F(CcpaymentV1Sim, UnknownAppIdIsRejectedWithoutASignature) {
  const auto bad = sim::testing::ccpayment_v1_request("stranger-app", "x", clock.seconds(), "");
  const auto reply = call(bad);
  EXPECT_EQ(code(reply), 11005);
  EXPECT_FALSE(reply.header("Sign"));
}

TEST_F(CcpaymentV1Sim, TimestampOutsideTheTwoMinuteWindowIsRejectedWith11006) {
  const auto req = request("");
  clock.advance(120s);
  EXPECT_EQ(code(call(req)), 10000);
  clock.advance(1s);
  EXPECT_EQ(code(call(req)), 11006);
  const auto early = sim::testing::ccpayment_v1_request(account.app_id, account.app_secret, clock.seconds() + 121, "");
  EXPECT_EQ(code(call(early)), 11006);
}

TEST_F(CcpaymentV1Sim, BodiesOtherThanACoinObjectAreInvalidArguments) {
  EXPECT_EQ(code(call(request("[]"))), 11000);
  EXPECT_EQ(code(call(request(R"({"coin_id":12})"))), 11000);
  EXPECT_EQ(code(call(request("{oops"))), 11000);
}

TEST_F(CcpaymentV1Sim, OtherPathsAndMethodsAreNotFound) {
  auto wrong = request("");
  wrong.target = "/ccpayment/v1/bill/create";
  EXPECT_EQ(call(wrong).status, 404u);
  wrong = request("");
  wrong.method = "GET";
  EXPECT_EQ(call(wrong).status, 404u);
}

}  // namespace
}  // namespace coinfan::sim
