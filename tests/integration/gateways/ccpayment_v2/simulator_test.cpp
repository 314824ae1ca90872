// The simulated CCPayment API v2 over loopback HTTP: signatures, the timestamp window, the
// documents' shapes and quirks, state that moves with transfers and swaps, paging by 20.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>

#include "coinfan/core/types.hpp"
#include "coinfan/sim/demo.hpp"
#include "gateways/ccpayment_v2/record_id.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "integration/sim/requests.hpp"
#include "integration/sim/sim_http.hpp"

namespace coinfan::sim {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using gateways::ccpayment_v2::time_from_record_id;
using sim::testing::exchange;
using sim::testing::HttpReply;
using sim::testing::HttpRequest;

constexpr const char* alice = "user-alice-1001";
constexpr const char* bob = "user-bob-2002";

class CcpaymentV2Sim : public sim::testing::SimulatorFixture<CcpaymentV2Provider, CcpaymentV2Account> {
 protected:
  CcpaymentV2Sim() : SimulatorFixture(demo_ccpayment_v2_account()) {}

  HttpRequest request(const std::string& method, std::string body) const {
    return sim::testing::ccpayment_v2_request(account.app_id, account.app_secret, method, clock.seconds(),
                                              std::move(body));
  }

  HttpReply call(const std::string& method, std::string body = {}) const {
    return SimulatorFixture::call(request(method, std::move(body)));
  }

  static std::int64_t code(const HttpReply& reply) { return reply.json().at("code").as_int64(); }
  static json::object data(const HttpReply& reply) { return reply.json().at("data").as_object(); }

  std::string transfer_body(const std::string& from, const std::string& to, const std::string& amount,
                            const std::string& order_id, std::int64_t coin_id = 1280) const {
    json::object body{{"coinId", coin_id}, {"fromUserId", from}, {"toUserId", to}, {"orderId", order_id},
                      {"amount", amount}};
    return json::serialize(body);
  }
};

// --- authentication ---------------------------------------------------------------------------

TEST_F(CcpaymentV2Sim, CorrectlySignedRequestWithEmptyBodyIsAnswered) {
  const auto reply = call("getAppCoinAssetList");
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(code(reply), 10000);
  EXPECT_EQ(reply.json().at("msg").as_string(), "success");
  EXPECT_FALSE(data(reply).at("assets").as_array().empty());
}

TEST_F(CcpaymentV2Sim, WrongSignatureIsRejectedWith11005) {
  auto bad = request("getAppCoinAssetList", "");
  for (auto& [name, value] : bad.headers) {
    if (name == "Sign") value.back() = value.back() == '0' ? '1' : '0';
  }
  const auto reply = exchange(simulator->port(), bad);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(code(*reply), 11005);
}

TEST_F(CcpaymentV2Sim, SignatureOverADifferentBodyIsRejected) {
  auto signed_empty = request("getCoin", "");
  signed_empty.body = R"({"coinId":1280})";
  EXPECT_EQ(code(*exchange(simulator->port(), signed_empty)), 11005);
}

TEST_F(CcpaymentV2Sim, MissingSignHeaderIsRejectedWith11001) {
  auto bad = request("getCoinList", "");
  std::erase_if(bad.headers, [](const auto& h) { return h.first == "Sign"; });
  EXPECT_EQ(code(*exchange(simulator->port(), bad)), 11001);
}

TEST_F(CcpaymentV2Sim, UnknownAppIdIsRejectedWith11005) {
  const auto bad = sim::testing::ccpayment_v2_request("someone-else-app", account.app_secret, "getCoinList",
                                                      clock.seconds(), "");
  EXPECT_EQ(code(*exchange(simulator->port(), bad)), 11005);
}

TEST_F(CcpaymentV2Sim, AppIdHeaderNameIsCaseInsensitive) {
  auto req = request("getCoinList", "");
  for (auto& [name, value] : req.headers) {
    if (name == "Appid") name = "AppId";
  }
  EXPECT_EQ(code(*exchange(simulator->port(), req)), 10000);
}

TEST_F(CcpaymentV2Sim, TimestampOutsideTheTwoMinuteWindowIsRejectedWith11006) {
  const auto req = request("getCoinList", "");
  clock.advance(120s);  // exactly two minutes later: still valid
  EXPECT_EQ(code(*exchange(simulator->port(), req)), 10000);
  clock.advance(1s);
  EXPECT_EQ(code(*exchange(simulator->port(), req)), 11006);
  // A timestamp from the future is outside the window too.
  const auto future = sim::testing::ccpayment_v2_request(account.app_id, account.app_secret, "getCoinList",
                                                         clock.seconds() + 121, "");
  EXPECT_EQ(code(*exchange(simulator->port(), future)), 11006);
}

TEST_F(CcpaymentV2Sim, UnknownMethodAndGetAreNotFound) {
  auto unknown = request("getEverything", "");
  auto reply = exchange(simulator->port(), unknown);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404u);
  auto get = request("getCoinList", "");
  get.method = "GET";
  reply = exchange(simulator->port(), get);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404u);
}

TEST_F(CcpaymentV2Sim, HostileBodiesAreInvalidArgumentsNotCrashes) {
  const std::vector<std::string> bodies = {"{not json", "[1,2]", std::string(500, '['), R"({"coinId":"1280"})",
                                           R"({"coinId":1280.5})", "\"\\ud800\""};
  for (const auto& body : bodies) {
    const auto reply = call("getCoin", body);
    EXPECT_EQ(code(reply), 11000) << body.substr(0, 40);
  }
  EXPECT_EQ(code(call("getCoinList")), 10000);  // still serving
}

// --- balances and catalogue -------------------------------------------------------------------

TEST_F(CcpaymentV2Sim, BalanceListShowsEmptyAvailableForANeverFundedCoin) {
  const auto reply = call("getAppCoinAssetList");
  bool saw_empty = false;
  bool saw_24_digits = false;
  const auto assets = data(reply).at("assets").as_array();
  for (const auto& asset : assets) {
    const auto& available = asset.at("available").as_string();
    if (asset.at("coinSymbol").as_string() == "MATIC") {
      EXPECT_EQ(available, "");
      saw_empty = true;
    }
    if (available == "0.000000000000000000000123") saw_24_digits = true;
  }
  EXPECT_TRUE(saw_empty);
  EXPECT_TRUE(saw_24_digits);
  EXPECT_NE(reply.body.find(R"("available":"")"), std::string::npos);
}

TEST_F(CcpaymentV2Sim, CoinBalanceAnswersOneCoinAndRejectsUnknownCoin) {
  auto reply = call("getAppCoinAsset", R"({"coinId":1280})");
  ASSERT_EQ(code(reply), 10000);
  const auto asset = data(reply).at("asset").as_object();
  EXPECT_EQ(asset.at("coinSymbol").as_string(), "USDT");
  EXPECT_EQ(asset.at("available").as_string(), "15234.56");
  EXPECT_EQ(code(call("getAppCoinAsset", R"({"coinId":999999})")), 13000);
  EXPECT_EQ(code(call("getAppCoinAsset", "")), 11000);
}

TEST_F(CcpaymentV2Sim, CoinListAndCoinCarryNetworksKeyedByChain) {
  auto reply = call("getCoinList");
  ASSERT_EQ(code(reply), 10000);
  const auto coins = data(reply).at("coins").as_array();
  EXPECT_GE(coins.size(), 5u);
  reply = call("getCoin", R"({"coinId":1280})");
  const auto coin = data(reply).at("coin").as_object();
  EXPECT_EQ(coin.at("symbol").as_string(), "USDT");
  const auto& trx = coin.at("networks").at("TRX").as_object();
  EXPECT_EQ(trx.at("chain").as_string(), "TRX");
  EXPECT_EQ(trx.at("precision").as_int64(), 6);
  EXPECT_TRUE(trx.at("canDeposit").as_bool());
  EXPECT_EQ(code(call("getCoin", R"({"coinId":42})")), 13000);
}

TEST_F(CcpaymentV2Sim, PricesAreKeyedByCoinIdAndCappedAt100Ids) {
  auto reply = call("getCoinUSDTPrice", R"({"coinIds":[1280,1482,777]})");
  ASSERT_EQ(code(reply), 10000);
  const auto prices = data(reply).at("prices").as_object();
  EXPECT_EQ(prices.at("1280").as_string(), "1");
  EXPECT_EQ(prices.at("1482").as_string(), "0.2718");
  EXPECT_FALSE(prices.contains("777"));
  json::array many;
  for (int i = 0; i < 101; ++i) many.push_back(1280 + i);
  EXPECT_EQ(code(call("getCoinUSDTPrice", json::serialize(json::object{{"coinIds", many}}))), 11010);
}

// --- transfers --------------------------------------------------------------------------------

TEST_F(CcpaymentV2Sim, TransferMovesBalancesAndIsFoundByOrderAndRecordId) {
  const auto reply = call("userTransfer", transfer_body(alice, bob, "10.5", "order-1001"));
  ASSERT_EQ(code(reply), 10000) << reply.body;
  const std::string record_id(data(reply).at("recordId").as_string());
  EXPECT_EQ(*provider->available(alice, 1280), Decimal::parse("240").value());
  EXPECT_EQ(*provider->available(bob, 1280), Decimal::parse("90.5").value());

  // The record id starts with the UTC creation time (the clock hook's time).
  const auto created = time_from_record_id(record_id);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->time_since_epoch().count(), clock.seconds());

  const std::vector<std::string> lookups = {R"({"orderId":"order-1001"})", R"({"recordId":")" + record_id + R"("})"};
  for (const auto& lookup : lookups) {
    const auto found = call("getUserTransferRecord", lookup);
    ASSERT_EQ(code(found), 10000) << found.body;
    const auto record = data(found).at("record").as_object();
    EXPECT_EQ(record.at("recordId").as_string(), record_id);
    EXPECT_EQ(record.at("orderId").as_string(), "order-1001");
    EXPECT_EQ(record.at("amount").as_string(), "10.5");
    EXPECT_EQ(record.at("coinSymbol").as_string(), "USDT");
    EXPECT_EQ(record.at("status").as_string(), "Success");
  }
  EXPECT_EQ(code(call("getUserTransferRecord", R"({"orderId":"no-such-order"})")), 11003);
  EXPECT_EQ(code(call("getUserTransferRecord", "{}")), 11000);
}

TEST_F(CcpaymentV2Sim, TransferToTheAppIdCreditsTheMerchantBalance) {
  ASSERT_EQ(code(call("userTransfer", transfer_body(alice, account.app_id, "50", "to-merchant-1"))), 10000);
  const auto asset = data(call("getAppCoinAsset", R"({"coinId":1280})")).at("asset").as_object();
  EXPECT_EQ(asset.at("available").as_string(), "15284.56");
}

TEST_F(CcpaymentV2Sim, DuplicateTransferOrderIdIsRejectedWith11011AndMovesNothing) {
  ASSERT_EQ(code(call("userTransfer", transfer_body(alice, bob, "1", "dup-order"))), 10000);
  const auto again = call("userTransfer", transfer_body(alice, bob, "1", "dup-order"));
  EXPECT_EQ(code(again), 11011);
  EXPECT_EQ(*provider->available(alice, 1280), Decimal::parse("249.5").value());
  EXPECT_EQ(provider->transfer_records().size(), 1u);
}

TEST_F(CcpaymentV2Sim, TransferBeyondTheBalanceIsRejectedWith14000) {
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, bob, "250.51", "too-much"))), 14000);
  EXPECT_EQ(code(call("userTransfer", transfer_body("user-nobody-1", bob, "1", "nobody"))), 14000);
  EXPECT_EQ(*provider->available(alice, 1280), Decimal::parse("250.5").value());
}

TEST_F(CcpaymentV2Sim, TransferInputIsValidatedByTheDocumentedRules) {
  EXPECT_EQ(code(call("userTransfer", transfer_body("sysadmin-1", bob, "1", "o-1"))), 11000);
  EXPECT_EQ(code(call("userTransfer", transfer_body("abcd", bob, "1", "o-2"))), 11000);
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, alice, "1", "o-3"))), 11000);
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, bob, "-1", "o-4"))), 11000);
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, bob, "1e2", "o-5"))), 11000);
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, bob, "0.0009", "o-6"))), 11000);  // < 0.001 USD
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, bob, "1", "ab"))), 11000);
  EXPECT_EQ(code(call("userTransfer", transfer_body(alice, bob, "1", "o-7", 424242))), 13000);
  json::object long_remark{{"coinId", 1280}, {"fromUserId", alice}, {"toUserId", bob}, {"orderId", "o-8"},
                           {"amount", "1"}, {"remark", std::string(256, 'r')}};
  EXPECT_EQ(code(call("userTransfer", json::serialize(long_remark))), 11000);
  EXPECT_TRUE(provider->transfer_records().empty());
}

// --- swaps ------------------------------------------------------------------------------------

TEST_F(CcpaymentV2Sim, EstimateQuotesWithoutMovingBalances) {
  const auto reply = call("estimate", R"({"coinIdIn":1280,"amountIn":"100","coinIdOut":1482,"extraFeeRate":"0.01"})");
  ASSERT_EQ(code(reply), 10000) << reply.body;
  const auto quote = data(reply);
  const auto amount_out = Decimal::parse(quote.at("amountOut").as_string()).value();
  const auto fee = Decimal::parse(quote.at("fee").as_string()).value();
  const auto extra = Decimal::parse(quote.at("extraFee").as_string()).value();
  const auto net = Decimal::parse(quote.at("netAmountOut").as_string()).value();
  EXPECT_EQ(net, amount_out - fee - extra);
  EXPECT_EQ(extra, (amount_out * Decimal::parse("0.01").value()));
  EXPECT_EQ(*provider->available(account.app_id, 1280), Decimal::parse("15234.56").value());
}

TEST_F(CcpaymentV2Sim, SmallSwapPaysTheMinimumFeeOfPointOneUsdt) {
  const auto reply = call("estimate", R"({"coinIdIn":1280,"amountIn":"1","coinIdOut":1482})");
  ASSERT_EQ(code(reply), 10000);
  const auto fee = Decimal::parse(data(reply).at("fee").as_string()).value();
  const auto fee_in_usdt = fee * Decimal::parse("0.2718").value();
  EXPECT_GE(fee_in_usdt, Decimal::parse("0.0999999").value());
  EXPECT_NE(data(reply).at("feeRate").as_string(), "0.002");  // the reported rate follows the fee
}

TEST_F(CcpaymentV2Sim, SwapMovesBothBalancesAndItsRecordUses24DigitAmounts) {
  const auto reply = call(
      "userSwap", R"({"orderId":"swap-001","userId":"user-alice-1001","coinIdIn":1280,"amountIn":"100","coinIdOut":1482})");
  ASSERT_EQ(code(reply), 10000) << reply.body;
  const auto swap = data(reply);
  const std::string record_id(swap.at("recordId").as_string());
  const auto net = Decimal::parse(swap.at("netAmountOut").as_string()).value();
  EXPECT_EQ(*provider->available(alice, 1280), Decimal::parse("150.5").value());
  EXPECT_EQ(*provider->available(alice, 1482), Decimal::parse("1000").value() + net);

  const auto found = call("getUserSwapRecord", R"({"recordId":")" + record_id + R"("})");
  ASSERT_EQ(code(found), 10000);
  const auto record = data(found).at("record").as_object();
  EXPECT_EQ(record.at("amountIn").as_string(), "100.000000000000000000000000");
  EXPECT_EQ(record.at("netAmountOut").as_string().size(),
            record.at("netAmountOut").as_string().find('.') + 25);
  EXPECT_EQ(record.at("userId").as_string(), alice);
  EXPECT_EQ(record.at("coinInSymbol").as_string(), "USDT");
  EXPECT_EQ(record.at("coinOutSymbol").as_string(), "TRX");
  EXPECT_EQ(record.at("createdAt").as_int64(), clock.seconds());
  EXPECT_EQ(code(call("getUserSwapRecord", R"({"orderId":"swap-001"})")), 10000);
  EXPECT_EQ(code(call("getUserSwapRecord", R"({"orderId":"swap-001","recordId":")" + record_id + R"("})")), 11000);
}

TEST_F(CcpaymentV2Sim, SwapRejectsDuplicateOrderInsufficientBalanceAndAnUnreachableMinimum) {
  const std::string swap = R"({"orderId":"swap-dup","userId":"user-alice-1001","coinIdIn":1280,"amountIn":"10","coinIdOut":1482})";
  ASSERT_EQ(code(call("userSwap", swap)), 10000);
  EXPECT_EQ(code(call("userSwap", swap)), 11011);
  EXPECT_EQ(code(call("userSwap", R"({"orderId":"swap-big","userId":"user-alice-1001","coinIdIn":1280,"amountIn":"1000","coinIdOut":1482})")),
            14000);
  EXPECT_EQ(code(call("userSwap", R"({"orderId":"swap-min","userId":"user-alice-1001","coinIdIn":1280,"amountIn":"10","coinIdOut":1482,"amountOutMinimum":"1000"})")),
            10001);
  EXPECT_EQ(provider->swap_records().size(), 1u);
}

// --- record lists -----------------------------------------------------------------------------

TEST_F(CcpaymentV2Sim, SeededHistoryInterleavesTransfersAndSwapsInTime) {
  CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.transfers = 137;
  spec.swaps = 61;
  spec.first_at = std::chrono::sys_seconds(1'740'000'000s);
  spec.spacing = 30s;
  const auto seeded = provider->seed_history(spec);
  ASSERT_EQ(seeded.transfer_record_ids.size(), 137u);
  ASSERT_EQ(seeded.swap_record_ids.size(), 61u);
  const auto transfers = provider->transfer_records();
  const auto swaps = provider->swap_records();
  // Swaps are spread through the transfers, not appended after them.
  EXPECT_LT(swaps.front().created_at, transfers.back().created_at);
  EXPECT_GT(swaps.back().created_at, transfers.front().created_at);
  std::set<std::chrono::sys_seconds> times;
  for (const auto& t : transfers) times.insert(t.created_at);
  for (const auto& s : swaps) times.insert(s.created_at);
  EXPECT_EQ(times.size(), 198u);  // every record has its own second
  for (const auto& t : transfers) EXPECT_EQ(time_from_record_id(t.record_id), t.created_at);
}

TEST_F(CcpaymentV2Sim, TransferListPagesBy20NewestFirstUntilNextIdIsEmpty) {
  CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.transfers = 137;
  spec.swaps = 61;
  spec.first_at = std::chrono::sys_seconds(1'740'000'000s);
  provider->seed_history(spec);

  std::vector<std::string> ids;
  std::vector<std::size_t> page_sizes;
  std::string next_id;
  do {
    json::object query{{"fromUserId", alice}};
    if (!next_id.empty()) query["nextId"] = next_id;
    const auto reply = call("getUserTransferRecordList", json::serialize(query));
    ASSERT_EQ(code(reply), 10000) << reply.body;
    const auto page = data(reply);
    page_sizes.push_back(page.at("records").as_array().size());
    for (const auto& record : page.at("records").as_array()) {
      EXPECT_EQ(record.at("fromUserId").as_string(), alice);
      ids.emplace_back(record.at("recordId").as_string());
    }
    next_id = std::string(page.at("nextId").as_string());
  } while (!next_id.empty() && page_sizes.size() < 20);
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{20, 20, 20, 9}));  // 69 of 137 are alice's
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (std::size_t i = 1; i < ids.size(); ++i) {
    EXPECT_GT(ids[i - 1].substr(0, 14), ids[i].substr(0, 14)) << "newest first";
  }
}

TEST_F(CcpaymentV2Sim, SwapListPagesBy20AndFiltersAsDocumented) {
  CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.transfers = 137;
  spec.swaps = 61;
  spec.first_at = std::chrono::sys_seconds(1'740'000'000s);
  spec.spacing = 60s;
  const auto seeded = provider->seed_history(spec);

  std::size_t total = 0;
  std::size_t pages = 0;
  std::string next_id;
  do {
    const auto reply = call("getUserSwapRecordList", next_id.empty() ? std::string() : R"({"nextId":")" + next_id + R"("})");
    ASSERT_EQ(code(reply), 10000) << reply.body;
    total += data(reply).at("records").as_array().size();
    next_id = std::string(data(reply).at("nextId").as_string());
    ++pages;
  } while (!next_id.empty() && pages < 10);
  EXPECT_EQ(total, 61u);
  EXPECT_EQ(pages, 4u);

  const auto bobs = data(call("getUserSwapRecordList", R"({"userId":"user-bob-2002"})"));
  for (const auto& record : bobs.at("records").as_array()) EXPECT_EQ(record.at("userId").as_string(), bob);
  const auto by_id = data(call("getUserSwapRecordList", R"({"recordIds":[")" + seeded.swap_record_ids[3] + R"("]})"));
  ASSERT_EQ(by_id.at("records").as_array().size(), 1u);
  EXPECT_EQ(by_id.at("nextId").as_string(), "");

  // startAt / endAt are inclusive 10-digit seconds on createdAt.
  const auto swaps = provider->swap_records();
  const auto from = swaps[10].created_at.time_since_epoch().count();
  const auto to = swaps[12].created_at.time_since_epoch().count();
  const auto window = data(call("getUserSwapRecordList",
                                R"({"startAt":)" + std::to_string(from) + R"(,"endAt":)" + std::to_string(to) + "}"));
  EXPECT_EQ(window.at("records").as_array().size(), 3u);
}

TEST_F(CcpaymentV2Sim, ListRejectsAForeignNextIdAndAMissingUser) {
  EXPECT_EQ(code(call("getUserTransferRecordList", R"({"fromUserId":"user-alice-1001","nextId":"20990101000000123"})")),
            11000);
  EXPECT_EQ(code(call("getUserTransferRecordList", "{}")), 11000);
}

TEST_F(CcpaymentV2Sim, NewRecordsAppearFirstInTheList) {
  CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.transfers = 5;
  spec.first_at = std::chrono::sys_seconds(1'740'000'000s);
  provider->seed_history(spec);
  const auto made = call("userTransfer", transfer_body(alice, bob, "1", "fresh-order"));
  ASSERT_EQ(code(made), 10000);
  const auto page = data(call("getUserTransferRecordList", R"({"fromUserId":"user-alice-1001"})"));
  EXPECT_EQ(page.at("records").as_array().front().at("orderId").as_string(), "fresh-order");
}

// --- deposits ---------------------------------------------------------------------------------

TEST_F(CcpaymentV2Sim, RescanAcceptsAKnownChainAndDescribesWhatHappens) {
  const auto reply = call("rescanLostTransaction",
                          R"({"chain":"TRX","toAddress":"TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc","txId":"9f15970"})");
  ASSERT_EQ(code(reply), 10000);
  EXPECT_FALSE(data(reply).at("description").as_string().empty());
  EXPECT_EQ(code(call("rescanLostTransaction", R"({"chain":"NOPE","toAddress":"x","txId":"y"})")), 11000);
  EXPECT_EQ(code(call("rescanLostTransaction", R"({"chain":"TRX"})")), 11000);
}

}  // namespace
}  // namespace coinfan::sim
