// The demo set: five simulated gateways in one process whose configuration entries pass
// coinfan's validator and whose answers the production parsers read.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>

#include "coinfan/sim/demo.hpp"
#include "gateways/ccpayment_v1/responses.hpp"
#include "gateways/ccpayment_v2/responses.hpp"
#include "gateways/cryptocloud/responses.hpp"
#include "gateways/kuna/responses.hpp"
#include "gateways/trubit/responses.hpp"
#include "integration/sim/requests.hpp"
#include "integration/sim/sim_http.hpp"
#include "gateways/providers.hpp"

namespace coinfan::sim {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sim::testing::exchange;
using sim::testing::HttpRequest;
using sim::testing::SimHarness;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class DemoGatewaysTest : public ::testing::Test {
 protected:
  DemoGatewaysTest() : demo(start_demo_gateways(harness.io())) {}
  ~DemoGatewaysTest() override { demo.simulators.clear(); }

  Simulator& of(config::GatewayType type) {
    for (auto& simulator : demo.simulators) {
      if (simulator->type() == type) return *simulator;
    }
    throw std::runtime_error("no simulator of that type");
  }

  SimHarness harness;
  DemoGateways demo;
};

TEST_F(DemoGatewaysTest, StartsOneSimulatorPerProviderTypeOnItsOwnLoopbackPort) {
  ASSERT_EQ(demo.simulators.size(), 5u);
  ASSERT_EQ(demo.gateways.size(), 5u);
  std::set<std::uint16_t> ports;
  std::set<config::GatewayType> types;
  for (std::size_t i = 0; i < demo.simulators.size(); ++i) {
    ports.insert(demo.simulators[i]->port());
    types.insert(demo.simulators[i]->type());
    EXPECT_EQ(demo.gateways[i].base_url, "http://127.0.0.1:" + std::to_string(demo.simulators[i]->port()));
    EXPECT_EQ(demo.gateways[i].type, demo.simulators[i]->type());
  }
  EXPECT_EQ(ports.size(), 5u);
  EXPECT_EQ(types.size(), 5u);
  EXPECT_EQ(demo.gateways[0].id, "ccp-main");
}

TEST_F(DemoGatewaysTest, GatewayEntriesPassTheConfigurationValidator) {
  json::array gateways;
  for (const auto& gateway : demo.gateways) gateways.push_back(gateway_json(gateway));
  const json::object root{{"gateways", gateways}};
  config::Environment env;
  env.variable = [](const std::string&) { return std::nullopt; };
  env.file = [](const std::string&, std::string& error) -> std::optional<std::string> {
    error = "no files in this test";
    return std::nullopt;
  };
  const auto loaded = config::parse_config(json::serialize(root), env, gateways::provider_schemas());
  for (const auto& error : loaded.errors) ADD_FAILURE() << error.to_string();
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->gateways.size(), 5u);
}

TEST_F(DemoGatewaysTest, CcpaymentAnswersParseWithTheProductionParsers) {
  const auto v2 = demo.gateways[0].settings_as<gateways::ccpayment_v2::Settings>()->credentials;
  auto reply = exchange(of(gateways::ccpayment_v2::type).port(),
                        sim::testing::ccpayment_v2_request(v2.app_id, v2.app_secret, "getAppCoinAssetList", now_seconds(), ""));
  const auto balances = gateways::ccpayment_v2::parse_app_coin_asset_list("ccp-main", reply->body);
  ASSERT_TRUE(balances) << balances.error().detail;
  EXPECT_EQ(balances->size(), 8u);

  reply = exchange(of(gateways::ccpayment_v2::type).port(),
                   sim::testing::ccpayment_v2_request(v2.app_id, v2.app_secret, "getUserSwapRecordList", now_seconds(), ""));
  const auto swaps = gateways::ccpayment_v2::parse_swap_record_list("ccp-main", reply->body);
  ASSERT_TRUE(swaps) << swaps.error().detail;
  EXPECT_EQ(swaps->records.size(), 18u);
  EXPECT_TRUE(swaps->next_id.empty());

  reply = exchange(of(gateways::ccpayment_v2::type).port(),
                   sim::testing::ccpayment_v2_request(v2.app_id, v2.app_secret, "getUserTransferRecordList", now_seconds(),
                                                      R"({"fromUserId":"user-alice-1001"})"));
  const auto transfers = gateways::ccpayment_v2::parse_transfer_record_list("ccp-main", reply->body);
  ASSERT_TRUE(transfers) << transfers.error().detail;
  EXPECT_FALSE(transfers->records.empty());
  for (const auto& record : transfers->records) EXPECT_TRUE(record.created_at.has_value());

  const auto v1 = demo.gateways[1].settings_as<gateways::ccpayment_v1::Settings>()->credentials;
  reply = exchange(of(gateways::ccpayment_v1::type).port(),
                   sim::testing::ccpayment_v1_request(v1.app_id, v1.app_secret, now_seconds(), ""));
  const auto snapshot = gateways::ccpayment_v1::parse_verified_assets_response(
      "ccp-legacy", {v1.app_id, v1.app_secret},
      {reply->header("Appid").value_or(""), reply->header("Timestamp").value_or(""), reply->header("Sign").value_or("")},
      reply->body);
  ASSERT_TRUE(snapshot) << snapshot.error().detail;
  EXPECT_EQ(snapshot->balances.size(), 6u);
}

TEST_F(DemoGatewaysTest, CryptoCloudTruBitAndKunaAnswersParseWithTheProductionParsers) {
  HttpRequest cloud;
  cloud.method = "POST";
  cloud.target = "/v2/merchant/wallet/balance/all";
  cloud.headers = {{"Authorization", "Token " + demo.gateways[2].settings_as<gateways::cryptocloud::Settings>()->api_key}};
  auto reply = exchange(of(gateways::cryptocloud::type).port(), cloud);
  const auto cloud_snapshot = gateways::cryptocloud::parse_balance_all_response("cloud", reply->body);
  ASSERT_TRUE(cloud_snapshot) << cloud_snapshot.error().detail;
  ASSERT_FALSE(cloud_snapshot->balances.empty());
  EXPECT_EQ(cloud_snapshot->balances[1].total, Decimal::parse("0.1").value());

  const auto& trubit = demo.gateways[3].settings_as<gateways::trubit::Settings>()->credentials;
  const auto now_ms = now_seconds() * 1000;
  reply = exchange(of(gateways::trubit::type).port(),
                   sim::testing::trubit_token_request(trubit.api_key, trubit.api_secret, now_ms));
  const auto token = gateways::trubit::parse_token_response(
      reply->body, TimePointMs(std::chrono::milliseconds(now_ms)));
  ASSERT_TRUE(token) << token.error().detail;
  reply = exchange(of(gateways::trubit::type).port(), sim::testing::trubit_assets_request(token->token));
  const auto trubit_balances = gateways::trubit::parse_assets_response("trubit", reply->body);
  ASSERT_TRUE(trubit_balances) << trubit_balances.error().detail;
  EXPECT_EQ(trubit_balances->size(), 5u);

  const auto& kuna = *demo.gateways[4].settings_as<gateways::kuna::Settings>();
  reply = exchange(of(gateways::kuna::type).port(),
                   sim::testing::kuna_login_request(kuna.login.merchant_id, kuna.login.email, kuna.login.password));
  const auto login = gateways::kuna::parse_login_response(reply->body);
  ASSERT_TRUE(login) << login.error().detail;
  reply = exchange(of(gateways::kuna::type).port(),
                   sim::testing::kuna_balance_request("Authorization", "Bearer " + login->access_token,
                                                      R"({"walletId":")" + kuna.wallet_id + "\"}"));
  const auto wallet = gateways::kuna::parse_balance_response("kuna", reply->body);
  ASSERT_TRUE(wallet) << wallet.error().detail;
  EXPECT_EQ(wallet->balances.size(), 6u);
}

}  // namespace
}  // namespace coinfan::sim
