// Injected faults, request counters and the simulator's HTTP behaviour, observed on the wire.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "gateways/ccpayment_v1/signer.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/trubit/simulator.hpp"
#include "integration/sim/requests.hpp"
#include "integration/sim/sim_http.hpp"
#include "gateways/providers.hpp"

namespace coinfan::sim {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sim::testing::exchange;
using sim::testing::FakeClock;
using sim::testing::HttpReply;
using sim::testing::HttpRequest;
using sim::testing::SimHarness;

constexpr std::string_view list_path = "/ccpayment/v2/getAppCoinAssetList";

class SimulatorFaults : public ::testing::Test {
 protected:
  SimulatorFaults() {
    v2 = std::make_shared<CcpaymentV2Provider>(v2_account);
    v2->set_clock(clock.hook());
    simulator = &harness.start(v2);
  }

  HttpRequest v2_request(const std::string& method, std::string body = {}) const {
    return sim::testing::ccpayment_v2_request(v2_account.app_id, v2_account.app_secret, method, clock.seconds(),
                                              std::move(body));
  }
  std::optional<HttpReply> call(const std::string& method, std::string body = {}) const {
    return exchange(simulator->port(), v2_request(method, std::move(body)));
  }
  std::string transfer(const std::string& order_id) const {
    return R"({"coinId":1280,"fromUserId":"user-alice-1001","toUserId":"user-bob-2002","amount":"1","orderId":")" +
           order_id + "\"}";
  }

  FakeClock clock{std::chrono::sys_seconds(1'750'000'000s)};
  CcpaymentV2Account v2_account = demo_ccpayment_v2_account();
  SimHarness harness;
  std::shared_ptr<CcpaymentV2Provider> v2;
  Simulator* simulator = nullptr;
};

TEST_F(SimulatorFaults, LatencyDelaysTheAnswerButNotTheHandling) {
  simulator->inject(Fault::latency_of(300ms));
  const auto started = std::chrono::steady_clock::now();
  const auto reply = call("userTransfer", transfer("slow-1"));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json().at("code").as_int64(), 10000);
  EXPECT_GE(elapsed, 300ms);
  EXPECT_EQ(v2->transfer_records().size(), 1u);
}

TEST_F(SimulatorFaults, HttpStatusReplacesTheAnswerAndSkipsHandling) {
  simulator->inject(Fault::http_status_of(503));
  const auto reply = call("userTransfer", transfer("never-1"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503u);
  EXPECT_EQ(reply->header("Retry-After"), "1");
  EXPECT_NE(reply->body.find("503 Service Unavailable"), std::string::npos);
  EXPECT_TRUE(v2->transfer_records().empty());
  EXPECT_EQ(*v2->available("user-alice-1001", 1280), Decimal::parse("250.5").value());
}

TEST_F(SimulatorFaults, ProviderErrorUsesEachProvidersOwnShape) {
  simulator->inject(Fault::provider_error_of("11004", "rate limited").times(1));
  auto reply = call("getCoinList");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->json(), json::parse(R"({"code":11004,"msg":"rate limited"})"));

  auto& cloud = harness.start(gateways::cryptocloud::type);
  cloud.inject(Fault::provider_error_of("", "Internal error"));
  HttpRequest cloud_request;
  cloud_request.method = "POST";
  cloud_request.target = "/v2/merchant/wallet/balance/all";
  reply = exchange(cloud.port(), cloud_request);
  EXPECT_EQ(reply->status, 400u);
  EXPECT_EQ(reply->json().at("status").as_string(), "error");

  auto& trubit = harness.start(gateways::trubit::type);
  trubit.inject(Fault::provider_error_of("-1174", "Repeated request"));
  HttpRequest trubit_request;
  trubit_request.target = "/v2/user/account/assets";
  reply = exchange(trubit.port(), trubit_request);
  EXPECT_EQ(reply->json().at("code").as_int64(), -1174);

  auto& kuna = harness.start(gateways::kuna::type);
  kuna.inject(Fault::provider_error_of("TOO_MANY_REQUESTS", "Slow down").on("/v2/balance"));
  kuna.inject(Fault{Fault::Kind::provider_error, 0ms, 429, "", "", 8, "balance", -1, false, ""});
  reply = exchange(kuna.port(), sim::testing::kuna_balance_request("api-key", "x", "{}"));
  EXPECT_EQ(reply->status, 400u);  // the first matching replacement wins
  EXPECT_EQ(reply->json().at("errors").at(0).at("code").as_string(), "TOO_MANY_REQUESTS");

  auto& v1 = harness.start(gateways::ccpayment_v1::type);
  v1.inject(Fault::provider_error_of("", ""));
  const auto v1_account = demo_ccpayment_v1_account();
  reply = exchange(v1.port(), sim::testing::ccpayment_v1_request(v1_account.app_id, v1_account.app_secret, 1, ""));
  EXPECT_EQ(reply->json(), json::parse(R"({"code":224066,"msg":"service err, please try again"})"));
  EXPECT_TRUE(reply->header("Sign"));  // v1 signs its error answers too
}

TEST_F(SimulatorFaults, MalformedJsonIsACompleteAnswerWithInvalidJson) {
  simulator->inject(Fault::malformed_json().times(1));
  const auto reply = call("getAppCoinAssetList");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->header("Content-Length"), std::to_string(reply->body.size()));
  EXPECT_THROW((void)reply->json(), std::exception);
  EXPECT_NO_THROW((void)call("getAppCoinAssetList")->json());
}

TEST_F(SimulatorFaults, TruncatedJsonStopsHalfwayWithAMatchingContentLength) {
  const auto whole = call("getCoinList")->body;
  simulator->inject(Fault::truncated_json().on("getCoinList"));
  const auto reply = call("getCoinList");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, whole.substr(0, whole.size() / 2));
  EXPECT_THROW((void)reply->json(), std::exception);
}

TEST_F(SimulatorFaults, V1BodyFaultsKeepAValidSignatureWhileTamperingBreaksIt) {
  auto v1 = std::make_shared<CcpaymentV1Provider>(demo_ccpayment_v1_account());
  v1->set_clock(clock.hook());
  auto& server = harness.start(v1);
  const auto account = demo_ccpayment_v1_account();
  const auto verifies = [&](const HttpReply& reply) {
    return gateways::ccpayment_v1::verify_response_signature(
               {account.app_id, account.app_secret},
               {reply.header("Appid").value_or(""), reply.header("Timestamp").value_or(""),
                reply.header("Sign").value_or("")},
               reply.body)
        .ok();
  };
  const auto request = [&] {
    return sim::testing::ccpayment_v1_request(account.app_id, account.app_secret, clock.seconds(), "");
  };
  server.inject(Fault::malformed_json().times(1));
  auto reply = exchange(server.port(), request());
  EXPECT_TRUE(verifies(*reply));  // the signature covers the bad bytes: the fault is the JSON
  EXPECT_THROW((void)reply->json(), std::exception);

  server.inject(Fault::tampered_signature().times(1));
  reply = exchange(server.port(), request());
  EXPECT_EQ(reply->json().at("code").as_int64(), 10000);
  EXPECT_FALSE(verifies(*reply));
  EXPECT_TRUE(verifies(*exchange(server.port(), request())));
}

TEST_F(SimulatorFaults, InjectRefusesFaultsTheProviderCannotShow) {
  EXPECT_THROW(simulator->inject(Fault::tampered_signature()), std::invalid_argument);
  EXPECT_THROW(simulator->inject(Fault::token_expiry()), std::invalid_argument);
  EXPECT_EQ(simulator->active_faults(), 0u);
}

TEST_F(SimulatorFaults, TokenExpiryFaultInvalidatesIssuedTokensWhenTheRequestArrives) {
  auto& trubit = harness.start(gateways::trubit::type);
  const auto account = demo_trubit_account();
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto token_reply = exchange(trubit.port(), sim::testing::trubit_token_request(account.api_key, account.api_secret, now_ms));
  const std::string token(token_reply->json().at("data").at("token").as_string());
  EXPECT_EQ(exchange(trubit.port(), sim::testing::trubit_assets_request(token))->json().at("code").as_int64(), 200);
  trubit.inject(Fault::token_expiry().on("assets").times(1));
  EXPECT_EQ(exchange(trubit.port(), sim::testing::trubit_assets_request(token))->json().at("code").as_int64(), -1002);
}

TEST_F(SimulatorFaults, DroppedConnectionClosesWithoutAnswerAfterHandling) {
  simulator->inject(Fault::drop_connection().on("userTransfer").times(1));
  EXPECT_FALSE(call("userTransfer", transfer("dropped-1")));
  // The transfer happened: looking the order id up finds it, and a retry is a duplicate.
  const auto found = call("getUserTransferRecord", R"({"orderId":"dropped-1"})");
  EXPECT_EQ(found->json().at("code").as_int64(), 10000);
  EXPECT_EQ(call("userTransfer", transfer("dropped-1"))->json().at("code").as_int64(), 11011);
}

TEST_F(SimulatorFaults, DropBeforeHandlingLeavesNoTrace) {
  simulator->inject(Fault::drop_connection().before_handling().on("userTransfer").times(1));
  EXPECT_FALSE(call("userTransfer", transfer("lost-1")));
  EXPECT_EQ(call("getUserTransferRecord", R"({"orderId":"lost-1"})")->json().at("code").as_int64(), 11003);
  EXPECT_EQ(*v2->available("user-alice-1001", 1280), Decimal::parse("250.5").value());
  EXPECT_EQ(simulator->requests("/ccpayment/v2/userTransfer"), 1u);  // it did arrive
}

TEST_F(SimulatorFaults, LatencyBeforeHandlingHoldsTheRequestBackFromTheProvider) {
  simulator->inject(Fault::latency_of(5s).before_handling().on("userTransfer"));
  const auto seen = sim::testing::observe_with_deadline(simulator->port(), v2_request("userTransfer", transfer("late-1")), 100ms);
  EXPECT_FALSE(seen.headers_received);
  EXPECT_EQ(simulator->requests("/ccpayment/v2/userTransfer"), 1u);
  EXPECT_TRUE(v2->transfer_records().empty());  // still waiting; handled only after the delay
}

TEST_F(SimulatorFaults, SlowBodySendsHeadersAtOnceThenTricklesPastTheDeadline) {
  simulator->inject(Fault::slow_body_of(100ms, 8).times(1));
  const auto seen = sim::testing::observe_with_deadline(simulator->port(), v2_request("getCoinList"), 450ms);
  EXPECT_TRUE(seen.headers_received);
  EXPECT_EQ(seen.status, 200u);
  EXPECT_GT(seen.content_length, 100u);
  EXPECT_FALSE(seen.complete);
  EXPECT_LE(seen.body_bytes, 5u * 8u);
  EXPECT_GT(seen.body_bytes, 0u);
}

TEST_F(SimulatorFaults, SlowBodyEventuallyDeliversTheWholeAnswer) {
  simulator->inject(Fault::slow_body_of(1ms, 64).times(1));
  const auto reply = call("getCoinList");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json().at("code").as_int64(), 10000);
}

TEST_F(SimulatorFaults, FaultsAreScopedToAPathAndACount) {
  simulator->inject(Fault::http_status_of(500).on("getCoinList").times(2));
  EXPECT_EQ(simulator->active_faults(), 1u);
  EXPECT_EQ(call("getAppCoinAssetList")->status, 200u);  // another path: untouched
  EXPECT_EQ(call("getCoinList")->status, 500u);
  EXPECT_EQ(call("getCoinList")->status, 500u);
  EXPECT_EQ(simulator->active_faults(), 0u);
  EXPECT_EQ(call("getCoinList")->status, 200u);

  simulator->inject(Fault::http_status_of(502).on("/ccpayment/v2/getCoin"));  // exact path
  EXPECT_EQ(call("getCoin", R"({"coinId":1280})")->status, 502u);
  EXPECT_EQ(call("getCoinList")->status, 200u);
}

TEST_F(SimulatorFaults, UnlimitedFaultLastsUntilCleared) {
  simulator->inject(Fault::http_status_of(429));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call("getCoinList")->status, 429u);
  simulator->clear_faults();
  EXPECT_EQ(call("getCoinList")->status, 200u);
}

TEST_F(SimulatorFaults, CountersCountEveryRequestPerPath) {
  call("getAppCoinAssetList");
  call("getAppCoinAssetList");
  auto unsigned_request = v2_request("getCoinList");
  unsigned_request.headers.clear();
  exchange(simulator->port(), unsigned_request);  // rejected requests count too
  EXPECT_EQ(simulator->requests(list_path), 2u);
  EXPECT_EQ(simulator->requests("/ccpayment/v2/getCoinList"), 1u);
  EXPECT_EQ(simulator->requests(), 3u);
  EXPECT_EQ(simulator->request_counts().size(), 2u);
  simulator->reset_counters();
  EXPECT_EQ(simulator->requests(), 0u);
}

TEST_F(SimulatorFaults, KeepAliveServesSeveralRequestsOnOneConnection) {
  sim::testing::Connection connection(simulator->port());
  for (int i = 0; i < 3; ++i) {
    const auto reply = connection.send(v2_request("getCoinList"));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200u);
  }
  EXPECT_EQ(simulator->connections(), 1u);
  EXPECT_EQ(simulator->requests(), 3u);
}

TEST_F(SimulatorFaults, MalformedHttpGets400AndAClosedConnection) {
  sim::testing::Connection connection(simulator->port());
  const auto reply = connection.send_raw("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400u);
  EXPECT_TRUE(connection.closed_by_peer());
  EXPECT_EQ(call("getCoinList")->status, 200u);
}

TEST_F(SimulatorFaults, OversizedBodyGets413) {
  sim::testing::Connection connection(simulator->port());
  const std::string head = "POST /ccpayment/v2/getCoin HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n";
  const auto reply = connection.send_raw(head);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413u);
}

TEST_F(SimulatorFaults, ConcurrentClientsAreAllAnsweredAndCounted) {
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        const auto reply = exchange(simulator->port(), v2_request("getAppCoinAssetList"));
        if (reply && reply->status == 200) ++ok;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(simulator->requests(list_path), 200u);
}

TEST_F(SimulatorFaults, ConcurrentTransfersNeverOverspend) {
  v2->set_available("user-carol-3003", 1280, Decimal::parse("10").value());
  std::vector<std::thread> clients;
  std::atomic<int> accepted{0};
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const auto body = R"({"coinId":1280,"fromUserId":"user-carol-3003","toUserId":"user-bob-2002","amount":"1","orderId":"race-)" +
                          std::to_string(t) + "-" + std::to_string(i) + "\"}";
        const auto reply = exchange(simulator->port(), v2_request("userTransfer", body));
        if (reply && reply->json().at("code").as_int64() == 10000) ++accepted;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(accepted.load(), 10);
  EXPECT_EQ(*v2->available("user-carol-3003", 1280), Decimal());
}

TEST_F(SimulatorFaults, StoppedSimulatorAnswersNothing) {
  const auto port = simulator->port();
  simulator->stop();
  // Refused (listener closed) or closed at once (accepted after stop): never an answer.
  bool answered = true;
  try {
    answered = exchange(port, v2_request("getCoinList"), 2s).has_value();
  } catch (const std::exception&) {
    answered = false;
  }
  EXPECT_FALSE(answered);
}

}  // namespace
}  // namespace coinfan::sim
