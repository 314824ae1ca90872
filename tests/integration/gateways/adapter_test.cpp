// Every provider adapter through the real upstream client against its simulator on loopback:
// success paths, token refresh (alone and through a store shared with other replicas), and
// each injected fault mapped to its designed error code.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "coinfan/gateways/gateway.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/common/credential_share.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/trubit/simulator.hpp"
#include "gateways/providers.hpp"

namespace coinfan::gateways {
namespace {

namespace asio = boost::asio;
using config::GatewayType;
using sim::Fault;

// A simulator of one type plus the adapter pointed at it, on a shared multi-threaded io_context.
class AdapterRig {
 public:
  explicit AdapterRig(GatewayType type, std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                      unsigned retries = 1)
      : AdapterRig(sim::make_demo_provider(type, std::chrono::system_clock::now()), type, timeout, retries) {}
  AdapterRig(std::shared_ptr<sim::Provider> provider, GatewayType type,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000), unsigned retries = 1)
      : work_(asio::make_work_guard(io_)), provider_(std::move(provider)), simulator_(sim::Simulator::start(io_, provider_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    config_ = simulator_->gateway_config("gw-" + std::string(config::to_string(type)));
    config_.timeout = timeout;
    config_.retries = retries;
  }
  ~AdapterRig() {
    gateway_.reset();
    simulator_->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  Gateway& gateway() {
    if (!gateway_) gateway_ = another_gateway();
    return *gateway_;
  }

  // A new adapter of the same account, as another replica has (with the same store, if any).
  std::shared_ptr<Gateway> another_gateway() {
    GatewayEnvironment env{io_.get_executor(), [this] { return std::chrono::system_clock::now() + skew_.load(); }};
    if (share_) env.shared_credentials = [share = share_](const config::GatewayConfig&) { return share; };
    auto made = make_gateway(config_, env);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().detail);
    return made.ok() ? std::move(*made) : nullptr;
  }

  // The adapters made from now on share their issued credentials through `share`.
  void share_credentials(std::shared_ptr<CredentialShare> share) { share_ = std::move(share); }

  template <typename T>
  T run(asio::awaitable<T> operation) {
    return asio::co_spawn(io_, std::move(operation), asio::use_future).get();
  }

  Result<BalanceSnapshot> balances() { return run(gateway().balances()); }

  config::GatewayConfig& config() { return config_; }
  sim::Simulator& simulator() { return *simulator_; }
  template <typename P>
  P& provider() {
    return dynamic_cast<P&>(*provider_);
  }
  // Moves the adapter's wall clock (signatures, token expiry) without touching the simulator's.
  void skew_adapter_clock(std::chrono::seconds by) { skew_ = by; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<sim::Provider> provider_;
  std::unique_ptr<sim::Simulator> simulator_;
  std::vector<std::thread> threads_;
  config::GatewayConfig config_;
  std::shared_ptr<Gateway> gateway_;
  std::shared_ptr<CredentialShare> share_;
  std::atomic<std::chrono::seconds> skew_{std::chrono::seconds(0)};
};

const Balance* find_balance(const BalanceSnapshot& snapshot, std::string_view asset,
                            std::optional<std::string_view> network = std::nullopt) {
  for (const auto& balance : snapshot.balances) {
    if (balance.asset == asset && (!network || balance.network == std::optional<std::string>(*network))) return &balance;
  }
  return nullptr;
}

ErrorCode code_of(const Result<BalanceSnapshot>& result) {
  return result.ok() ? ErrorCode::internal : result.error().code;
}

// --- CCPayment v1 -------------------------------------------------------------------------

TEST(CcpaymentV1Adapter, ReadsSignedBalancesAndPrices) {
  AdapterRig rig(gateways::ccpayment_v1::type);
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_FALSE(result->balances.empty());
  EXPECT_FALSE(result->prices.empty());
  for (const auto& balance : result->balances) {
    EXPECT_EQ(balance.gateway, "gw-ccpayment-v1");
    EXPECT_EQ(balance.total, balance.available + balance.locked);
  }
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v1/assets"), 1u);
}

TEST(CcpaymentV1Adapter, TamperedResponseSignatureIsRejected) {
  AdapterRig rig(gateways::ccpayment_v1::type);
  rig.simulator().inject(Fault::tampered_signature());
  auto result = rig.balances();
  EXPECT_EQ(code_of(result), ErrorCode::bad_signature);
}

TEST(CcpaymentV1Adapter, WrongSecretIsAuthOrProviderError) {
  AdapterRig rig(gateways::ccpayment_v1::type);
  rig.config().settings_as<gateways::ccpayment_v1::Settings>()->credentials.app_secret = "not-the-secret";
  auto result = rig.balances();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::provider_error);
  EXPECT_EQ(result.error().provider_code, "11005");
  EXPECT_EQ(result.error().detail.find("not-the-secret"), std::string::npos);
}

TEST(CcpaymentV1Adapter, ProviderErrorKeepsCodeAndMessage) {
  AdapterRig rig(gateways::ccpayment_v1::type);
  rig.simulator().inject(Fault::provider_error_of("224066", "service err, please try again"));
  auto result = rig.balances();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::provider_error);
  EXPECT_EQ(result.error().provider_code, "224066");
  EXPECT_EQ(result.error().provider_message, "service err, please try again");
}

// --- CCPayment v2 -------------------------------------------------------------------------

TEST(CcpaymentV2Adapter, BalancesTreatEmptyAvailableAsZero) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  ASSERT_FALSE(result->balances.empty());
  bool saw_zero = false;
  for (const auto& balance : result->balances) saw_zero = saw_zero || balance.total.is_zero();
  EXPECT_TRUE(saw_zero);
  // The demo's 24-digit dust amount survives exactly.
  bool saw_dust = false;
  for (const auto& balance : result->balances) saw_dust = saw_dust || balance.total.to_string() == "0.000000000000000000000123";
  EXPECT_TRUE(saw_dust);
}

TEST(CcpaymentV2Adapter, CoinsListEveryCoinWithItsNetworks) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  auto coins = rig.run(rig.gateway().coins());
  ASSERT_TRUE(coins.ok()) << coins.error().detail;
  EXPECT_FALSE(coins->empty());
  EXPECT_FALSE(coins->front().networks.empty());
}

TEST(CcpaymentV2Adapter, BalancesBringAUsdtPriceForEveryHeldCoinInOneCall) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  ASSERT_TRUE(rig.gateway().has_prices());
  auto snapshot = rig.balances();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_FALSE(snapshot->price_error.has_value());
  std::set<std::string> held;
  for (const auto& balance : snapshot->balances) held.insert(balance.asset);
  std::set<std::string> priced;
  for (const auto& price : snapshot->prices) {
    EXPECT_EQ(price.quote, "USDT");
    EXPECT_FALSE(price.derived);
    priced.insert(price.asset);
  }
  // Every coin of the demo account has a price, USDT (1) included; no coin it does not hold.
  EXPECT_EQ(priced, held);
  EXPECT_TRUE(priced.count("USDT"));
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getAppCoinAssetList"), 1u);
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getCoinUSDTPrice"), 1u);
  EXPECT_EQ(rig.simulator().requests(), 2u);  // no coin list: the balances name the coins
}

TEST(CcpaymentV2Adapter, TheCoinsListedBeforeArePricedWhileTheBalancesAreFetched) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  constexpr auto delay = std::chrono::milliseconds(400);
  rig.simulator().inject(Fault::latency_of(delay).on("/ccpayment/v2/getAppCoinAssetList"));
  rig.simulator().inject(Fault::latency_of(delay).on("/ccpayment/v2/getCoinUSDTPrice"));
  // The first call knows no coins: balances, then their prices, one after the other.
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(rig.balances().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 2 * delay);
  // The second prices the coins the first listed at the same time as it fetches the balances.
  started = std::chrono::steady_clock::now();
  auto snapshot = rig.balances();
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_LT(took, 2 * delay - std::chrono::milliseconds(150));
  EXPECT_FALSE(snapshot->prices.empty());
  for (const auto& price : snapshot->prices) EXPECT_FALSE(price.asset.empty()) << price.raw_id;
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getCoinUSDTPrice"), 2u);
}

// With the shared call tier, another replica's answer may be the last this adapter saw: learning
// its coins lets the next call price them alongside the balances, as after its own answer.
TEST(CcpaymentV2Adapter, ACoinListLearnedFromAnotherReplicaIsPricedWhileTheBalancesAreFetched) {
  AdapterRig other(gateways::ccpayment_v2::type);
  const auto answer = other.balances();
  ASSERT_TRUE(answer.ok()) << answer.error().detail;
  AdapterRig rig(gateways::ccpayment_v2::type);
  constexpr auto delay = std::chrono::milliseconds(400);
  rig.simulator().inject(Fault::latency_of(delay).on("/ccpayment/v2/getAppCoinAssetList"));
  rig.simulator().inject(Fault::latency_of(delay).on("/ccpayment/v2/getCoinUSDTPrice"));
  rig.gateway().learn(*answer);
  const auto started = std::chrono::steady_clock::now();
  const auto snapshot = rig.balances();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2 * delay - std::chrono::milliseconds(150));
  EXPECT_EQ(snapshot->prices.size(), answer->prices.size());
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getCoinUSDTPrice"), 1u);  // all known: one call
}

TEST(CcpaymentV2Adapter, ACoinNewInTheListIsPricedAfterTheBalances) {
  auto account = sim::demo_ccpayment_v2_account();
  std::erase_if(account.balances, [&](const sim::CcpaymentV2Balance& b) { return b.user_id == account.app_id && b.coin_id == 1390; });
  auto provider = std::make_shared<sim::CcpaymentV2Provider>(account);
  AdapterRig rig(provider, gateways::ccpayment_v2::type);
  auto first = rig.balances();
  ASSERT_TRUE(first.ok()) << first.error().detail;
  for (const auto& price : first->prices) EXPECT_NE(price.asset, "XRP");
  provider->set_available(provider->app_id(), 1390, Decimal::parse("5").value());
  auto second = rig.balances();
  ASSERT_TRUE(second.ok()) << second.error().detail;
  bool xrp = false;
  for (const auto& price : second->prices) xrp = xrp || (price.asset == "XRP" && price.usd.to_string() == "0.5231");
  EXPECT_TRUE(xrp);
  // One price call with the first balances, then on the second: the known coins alongside,
  // XRP after.
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getCoinUSDTPrice"), 3u);
}

TEST(CcpaymentV2Adapter, AFailedPriceCallLeavesTheBalancesGood) {
  AdapterRig rig(gateways::ccpayment_v2::type, std::chrono::milliseconds(2000), 0);
  rig.simulator().inject(sim::Fault::http_status_of(503).on("/ccpayment/v2/getCoinUSDTPrice"));
  auto snapshot = rig.balances();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().detail;
  EXPECT_FALSE(snapshot->balances.empty());
  EXPECT_TRUE(snapshot->prices.empty());
  ASSERT_TRUE(snapshot->price_error.has_value());
  EXPECT_EQ(snapshot->price_error->code, ErrorCode::http_status);
  // Again when the known coins are priced alongside the balances.
  auto again = rig.balances();
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_FALSE(again->balances.empty());
  EXPECT_TRUE(again->prices.empty());
  ASSERT_TRUE(again->price_error.has_value());
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/getCoinUSDTPrice"), 2u);
}

TEST(CcpaymentV2Adapter, TransferMovesBalancesAndReadsTheRecordBack) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  auto& provider = rig.provider<sim::CcpaymentV2Provider>();
  const std::string from = sim::demo_ccpayment_v2_users[0];
  const std::string to = sim::demo_ccpayment_v2_users[1];
  const auto before_from = provider.available(from, 1280).value_or(Decimal());
  const auto before_to = provider.available(to, 1280).value_or(Decimal());
  TransferInput input{from, to, 1280, "1.25", "order-transfer-1", std::string("test")};
  auto record = rig.run(rig.gateway().money()->transfer(input));
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->order_id, "order-transfer-1");
  EXPECT_EQ(record->amount.to_string(), "1.25");
  EXPECT_TRUE(record->created_at.has_value());
  EXPECT_EQ(provider.available(from, 1280).value_or(Decimal()), before_from - *Decimal::parse("1.25"));
  EXPECT_EQ(provider.available(to, 1280).value_or(Decimal()), before_to + *Decimal::parse("1.25"));

  // The same order id again is the provider's duplicate-order error, and nothing moves.
  auto again = rig.run(rig.gateway().money()->transfer(input));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::provider_error);
  EXPECT_EQ(again.error().provider_code, "11011");
  EXPECT_EQ(provider.available(to, 1280).value_or(Decimal()), before_to + *Decimal::parse("1.25"));
}

TEST(CcpaymentV2Adapter, InvalidWriteInputIsRejectedBeforeSending) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  TransferInput input{"sysadmin1", "user-bob-2002", 1280, "1", "order-x", std::nullopt};
  auto record = rig.run(rig.gateway().money()->transfer(input));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(rig.simulator().requests(), 0u);
}

TEST(CcpaymentV2Adapter, TransferWhoseAnswerIsLostIsSentOnceAndReportedAsLost) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  rig.simulator().inject(Fault::drop_connection().on("userTransfer").times(1));
  TransferInput input{sim::demo_ccpayment_v2_users[0], sim::demo_ccpayment_v2_users[1], 1280, "0.5", "order-lost-1",
                      std::nullopt};
  auto record = rig.run(rig.gateway().money()->transfer(input));
  ASSERT_FALSE(record.ok());
  // A closed connection is no answer: the adapter says so and leaves the lookup to the write
  // service; it never sends the write a second time (the simulator carried it out once).
  EXPECT_TRUE(record.error().code == ErrorCode::unreachable || record.error().code == ErrorCode::bad_response)
      << to_string(record.error().code) << ": " << record.error().detail;
  EXPECT_EQ(rig.simulator().requests("/ccpayment/v2/userTransfer"), 1u);
  EXPECT_EQ(rig.provider<sim::CcpaymentV2Provider>().transfer_records().back().order_id, "order-lost-1");
}

TEST(CcpaymentV2Adapter, SwapQuoteAndExecution) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  auto quote = rig.run(rig.gateway().money()->quote(QuoteInput{1280, "10", 1482, std::nullopt}));
  ASSERT_TRUE(quote.ok()) << quote.error().detail;
  EXPECT_EQ(quote->amount_in.to_string(), "10");
  auto swap = rig.run(rig.gateway().money()->swap(
      SwapInput{"order-swap-1", sim::demo_ccpayment_v2_users[0], 1280, "10", 1482, std::nullopt, std::nullopt}));
  ASSERT_TRUE(swap.ok()) << swap.error().detail;
  EXPECT_EQ(swap->order_id, "order-swap-1");
  EXPECT_EQ(swap->net_amount_out, quote->net_amount_out);
}

TEST(CcpaymentV2Adapter, RecordPagesFollowNextId) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  auto* records = rig.gateway().records();
  ASSERT_NE(records, nullptr);
  SwapRecordFilter filter;
  std::size_t total = 0;
  int pages = 0;
  do {
    auto page = rig.run(records->swap_records(filter));
    ASSERT_TRUE(page.ok()) << page.error().detail;
    EXPECT_LE(page->records.size(), 20u);
    total += page->records.size();
    filter.next_id = page->next_id;
    ++pages;
  } while (!filter.next_id.empty() && pages < 50);
  EXPECT_EQ(total, rig.provider<sim::CcpaymentV2Provider>().swap_records().size());
  EXPECT_GE(pages, 1);
}

TEST(CcpaymentV2Adapter, UnknownRecordIsNotFound) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  auto record = rig.run(rig.gateway().records()->transfer_record(std::string("20240101000000nope"), std::nullopt));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().code, ErrorCode::not_found);
}

TEST(CcpaymentV2Adapter, WrongSecretIsAuthFailed) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  rig.config().settings_as<gateways::ccpayment_v2::Settings>()->credentials.app_secret = "wrong";
  auto result = rig.balances();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(result.error().provider_code, "11005");
}

TEST(CcpaymentV2Adapter, TimestampOutsideWindowIsAuthFailed) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  rig.skew_adapter_clock(std::chrono::seconds(-300));
  auto result = rig.balances();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::auth_failed);
  EXPECT_EQ(result.error().provider_code, "11006");
}

TEST(CcpaymentV2Adapter, ProviderRateLimitIsRateLimited) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  rig.simulator().inject(Fault::provider_error_of("11004", "rate limited"));
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::rate_limited);
}

// --- Faults every adapter maps the same way (shown on CCPayment v2) -----------------------

TEST(AdapterFaults, MalformedAndTruncatedJsonAreBadResponse) {
  AdapterRig rig(gateways::ccpayment_v2::type);
  rig.simulator().inject(Fault::malformed_json().times(1));
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::bad_response);
  rig.simulator().inject(Fault::truncated_json().times(1));
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::bad_response);
  EXPECT_TRUE(rig.balances().ok());
}

TEST(AdapterFaults, PersistentServerErrorIsHttpStatusAfterRetries) {
  AdapterRig rig(gateways::ccpayment_v2::type, std::chrono::milliseconds(3000), 1);
  rig.simulator().inject(Fault::http_status_of(502));
  auto result = rig.balances();
  EXPECT_EQ(code_of(result), ErrorCode::http_status);
  EXPECT_EQ(rig.simulator().requests(), 2u);  // the read was retried once
}

TEST(AdapterFaults, LatencyBeyondTheDeadlineIsTimeout) {
  AdapterRig rig(gateways::cryptocloud::type, std::chrono::milliseconds(300), 0);
  rig.simulator().inject(Fault::latency_of(std::chrono::milliseconds(2000)));
  const auto started = std::chrono::steady_clock::now();
  auto result = rig.balances();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(code_of(result), ErrorCode::timeout);
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
}

TEST(AdapterFaults, SlowBodyIsTimeout) {
  AdapterRig rig(gateways::cryptocloud::type, std::chrono::milliseconds(300), 0);
  rig.simulator().inject(Fault::slow_body_of(std::chrono::milliseconds(100), 8));
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::timeout);
}

TEST(AdapterFaults, DroppedConnectionIsUnreachable) {
  AdapterRig rig(gateways::kuna::type, std::chrono::milliseconds(2000), 0);
  rig.simulator().inject(Fault::drop_connection());
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::unreachable);
}

// --- CryptoCloud --------------------------------------------------------------------------

TEST(CryptocloudAdapter, FloatAmountsStayExactAndNetworksSplit) {
  AdapterRig rig(gateways::cryptocloud::type);
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  bool saw_tenth = false;
  for (const auto& balance : result->balances) {
    saw_tenth = saw_tenth || balance.total.to_string() == "0.1";
    EXPECT_EQ(balance.asset.find('_'), std::string::npos);
  }
  EXPECT_TRUE(saw_tenth);
  EXPECT_NE(find_balance(*result, "USDT", "TRC20"), nullptr);
}

TEST(CryptocloudAdapter, BadKeyIsAuthFailed) {
  AdapterRig rig(gateways::cryptocloud::type);
  rig.config().settings_as<gateways::cryptocloud::Settings>()->api_key = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad";
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::auth_failed);
}

// --- TruBit -------------------------------------------------------------------------------

TEST(TrubitAdapter, TokenIsFetchedOnceAndReused) {
  AdapterRig rig(gateways::trubit::type);
  ASSERT_TRUE(rig.balances().ok());
  auto second = rig.balances();
  ASSERT_TRUE(second.ok()) << second.error().detail;
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 1u);
  const auto* btc = find_balance(*second, "BTC");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->total, btc->available + btc->locked);
}

TEST(TrubitAdapter, ExpiredTokenIsReplacedOnceAfterAuthFailure) {
  AdapterRig rig(gateways::trubit::type);
  ASSERT_TRUE(rig.balances().ok());
  rig.simulator().expire_tokens();
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 2u);
}

TEST(TrubitAdapter, TokenIsRefreshedBeforeItsExpireTime) {
  AdapterRig rig(gateways::trubit::type);
  ASSERT_TRUE(rig.balances().ok());
  // The adapter's clock moves past the token's expireTime (2 h); the simulator's does not, so
  // only a refresh decided by the adapter itself can explain a second token.
  rig.skew_adapter_clock(std::chrono::hours(3));
  rig.simulator().set_clock([] { return std::chrono::system_clock::now() + std::chrono::hours(3); });
  ASSERT_TRUE(rig.balances().ok());
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 2u);
  EXPECT_EQ(rig.simulator().requests("/v2/user/account/assets"), 2u);  // no failed attempt first
}

TEST(TrubitAdapter, WrongSecretIsAuthFailed) {
  AdapterRig rig(gateways::trubit::type);
  rig.config().settings_as<gateways::trubit::Settings>()->credentials.api_secret = "wrong";
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::auth_failed);
}

// --- Kuna ---------------------------------------------------------------------------------

TEST(KunaAdapter, LogsInOnceAndMapsHoldAndLockAsLocked) {
  AdapterRig rig(gateways::kuna::type);
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  ASSERT_TRUE(rig.balances().ok());
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 1u);
  bool saw_locked = false;
  for (const auto& balance : result->balances) {
    EXPECT_EQ(balance.total, balance.available + balance.locked);
    saw_locked = saw_locked || !balance.locked.is_zero();
  }
  EXPECT_TRUE(saw_locked);
}

TEST(KunaAdapter, RevokedJwtCausesOneReloginAfter401) {
  AdapterRig rig(gateways::kuna::type);
  ASSERT_TRUE(rig.balances().ok());
  rig.simulator().expire_tokens();
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 2u);
}

TEST(KunaAdapter, ReloginHappensBeforeTheJwtExpires) {
  AdapterRig rig(gateways::kuna::type);
  ASSERT_TRUE(rig.balances().ok());
  rig.skew_adapter_clock(std::chrono::hours(48));
  rig.simulator().set_clock([] { return std::chrono::system_clock::now() + std::chrono::hours(48); });
  ASSERT_TRUE(rig.balances().ok());
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 2u);
  EXPECT_EQ(rig.simulator().requests("/v2/balance"), 2u);
}

TEST(KunaAdapter, WrongPasswordIsAuthFailed) {
  AdapterRig rig(gateways::kuna::type);
  rig.config().settings_as<gateways::kuna::Settings>()->login.password = "wrong";
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::auth_failed);
}


// --- Credentials shared with other replicas -----------------------------------------------

// The replicas' store in memory: one credential, one lease, and what was asked of it. With
// `failing`, every call fails as a Redis that does not answer would.
class MemoryCredentialShare final : public CredentialShare {
 public:
  asio::awaitable<Result<std::optional<IssuedCredential>>> load() override {
    std::lock_guard lock(mutex_);
    ++loads_;
    if (failing_) co_return down();
    co_return stored_;
  }
  asio::awaitable<Result<bool>> discard(std::string refused) override {
    std::lock_guard lock(mutex_);
    if (failing_) co_return down();
    ++discards_;
    if (!stored_ || stored_->value != refused) co_return false;
    stored_.reset();
    co_return true;
  }
  asio::awaitable<Result<std::optional<std::string>>> claim(std::chrono::milliseconds) override {
    std::lock_guard lock(mutex_);
    ++claims_;
    if (failing_) co_return down();
    if (lease_) co_return std::optional<std::string>();
    lease_ = "lease-" + std::to_string(claims_);
    co_return lease_;
  }
  asio::awaitable<Result<bool>> publish(IssuedCredential credential, std::chrono::milliseconds lifetime,
                                        std::string lease) override {
    std::lock_guard lock(mutex_);
    if (failing_) co_return down();
    ++publishes_;
    last_lifetime_ = lifetime;
    stored_ = std::move(credential);
    co_return release_locked(lease);
  }
  asio::awaitable<Result<bool>> release(std::string lease) override {
    std::lock_guard lock(mutex_);
    if (failing_) co_return down();
    ++releases_;
    co_return release_locked(lease);
  }

  template <typename Fn>
  auto locked(Fn fn) -> decltype(fn()) {
    std::lock_guard lock(mutex_);
    return fn();
  }

  void set_failing(bool failing) { locked([&] { failing_ = failing; }); }
  void hold_lease_elsewhere() { locked([&] { lease_ = "another replica"; }); }
  void set_stored(std::optional<IssuedCredential> credential) { locked([&] { stored_ = std::move(credential); }); }
  std::optional<IssuedCredential> stored() { return locked([&] { return stored_; }); }
  bool lease_held() { return locked([&] { return lease_.has_value(); }); }
  int claims() { return locked([&] { return claims_; }); }
  int loads() { return locked([&] { return loads_; }); }
  int publishes() { return locked([&] { return publishes_; }); }
  int releases() { return locked([&] { return releases_; }); }
  int discards() { return locked([&] { return discards_; }); }
  std::chrono::milliseconds last_lifetime() { return locked([&] { return last_lifetime_; }); }

 private:
  static Error down() { return make_error(ErrorCode::timeout, "redis did not answer in time"); }
  bool release_locked(const std::string& lease) {
    if (lease_ != lease) return false;
    lease_.reset();
    return true;
  }

  std::mutex mutex_;
  bool failing_ = false;
  std::optional<IssuedCredential> stored_;
  std::optional<std::string> lease_;
  int loads_ = 0, claims_ = 0, publishes_ = 0, releases_ = 0, discards_ = 0;
  std::chrono::milliseconds last_lifetime_{0};
};

TEST(SharedCredentials, OneTokenServesEveryReplicaOfTheAccount) {
  AdapterRig rig(gateways::trubit::type);
  auto share = std::make_shared<MemoryCredentialShare>();
  rig.share_credentials(share);
  ASSERT_TRUE(rig.balances().ok());
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 1u);
  ASSERT_TRUE(share->stored());
  EXPECT_EQ(share->publishes(), 1);
  EXPECT_FALSE(share->lease_held());  // handed back with the credential
  // Stored for its time left until expireTime (2 h), less what the call took.
  EXPECT_GT(share->last_lifetime(), std::chrono::minutes(119));
  EXPECT_LE(share->last_lifetime(), std::chrono::minutes(120));

  // Two more replicas: the stored token, no new one.
  for (int replica = 0; replica < 2; ++replica) {
    auto other = rig.another_gateway();
    auto result = rig.run(other->balances());
    ASSERT_TRUE(result.ok()) << result.error().detail;
  }
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 1u);
  EXPECT_EQ(share->claims(), 1);
}

TEST(SharedCredentials, ARevokedTokenIsReplacedOnceForAllReplicas) {
  AdapterRig rig(gateways::trubit::type);
  auto share = std::make_shared<MemoryCredentialShare>();
  rig.share_credentials(share);
  auto first = rig.another_gateway();
  auto second = rig.another_gateway();
  ASSERT_TRUE(rig.run(first->balances()).ok());
  ASSERT_TRUE(rig.run(second->balances()).ok());
  const auto revoked = share->stored();
  rig.simulator().expire_tokens();

  // The first to be refused removes the refused token and renews it for all.
  ASSERT_TRUE(rig.run(first->balances()).ok());
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 2u);
  ASSERT_TRUE(share->stored());
  EXPECT_NE(share->stored()->value, revoked->value);
  // The second, refused too, finds the newer one stored: no third token.
  auto result = rig.run(second->balances());
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 2u);
  EXPECT_EQ(share->claims(), 2);
}

TEST(SharedCredentials, ATokenRefusedRightAfterAnotherReplicaStoredItIsRenewedOnce) {
  // The stored token is good by its expiry but revoked: the replica that took it from the
  // store is refused, removes it, and renews once.
  AdapterRig rig(gateways::trubit::type);
  auto share = std::make_shared<MemoryCredentialShare>();
  rig.share_credentials(share);
  ASSERT_TRUE(rig.balances().ok());
  rig.simulator().expire_tokens();
  auto fresh = rig.another_gateway();
  auto result = rig.run(fresh->balances());
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 2u);
  EXPECT_EQ(share->discards(), 1);
  EXPECT_EQ(rig.simulator().requests("/v2/user/account/assets"), 3u);  // ok, refused, ok
}

TEST(SharedCredentials, WhileAnotherReplicaRenewsTheReplicaWaitsForItsToken) {
  AdapterRig rig(gateways::trubit::type);
  auto share = std::make_shared<MemoryCredentialShare>();
  rig.share_credentials(share);
  ASSERT_TRUE(rig.balances().ok());
  const auto token = share->stored();
  share->set_stored(std::nullopt);
  share->hold_lease_elsewhere();

  auto waiting = rig.another_gateway();
  auto answer = std::async(std::launch::async, [&rig, waiting] { return rig.run(waiting->balances()); });
  // Once the waiter has asked for the lease twice, the holder stores its token.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (share->claims() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_GE(share->claims(), 3);
  share->set_stored(token);
  auto result = answer.get();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(rig.provider<sim::TruBitProvider>().tokens_issued(), 1u);
}

TEST(SharedCredentials, AStoreThatCannotAnswerLeavesEachReplicaToRenewAlone) {
  AdapterRig rig(gateways::kuna::type);
  auto share = std::make_shared<MemoryCredentialShare>();
  share->set_failing(true);
  rig.share_credentials(share);
  auto result = rig.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 1u);
  EXPECT_EQ(share->loads(), 1);  // one failed look, then the login alone
  EXPECT_EQ(share->claims(), 0);
  rig.simulator().expire_tokens();
  ASSERT_TRUE(rig.balances().ok());
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 2u);
}

TEST(SharedCredentials, AJwtIsSharedLikeAToken) {
  AdapterRig rig(gateways::kuna::type);
  auto share = std::make_shared<MemoryCredentialShare>();
  rig.share_credentials(share);
  ASSERT_TRUE(rig.balances().ok());
  auto other = rig.another_gateway();
  ASSERT_TRUE(rig.run(other->balances()).ok());
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 1u);
  rig.simulator().expire_tokens();
  ASSERT_TRUE(rig.balances().ok());
  ASSERT_TRUE(rig.run(other->balances()).ok());
  EXPECT_EQ(rig.provider<sim::KunaProvider>().logins(), 2u);
}

TEST(SharedCredentials, AFailedRenewalHandsTheLeaseBack) {
  AdapterRig rig(gateways::kuna::type);
  rig.config().settings_as<gateways::kuna::Settings>()->login.password = "wrong";
  auto share = std::make_shared<MemoryCredentialShare>();
  rig.share_credentials(share);
  EXPECT_EQ(code_of(rig.balances()), ErrorCode::auth_failed);
  EXPECT_EQ(share->releases(), 1);
  EXPECT_FALSE(share->lease_held());
  EXPECT_FALSE(share->stored());
}

TEST(SharedCredentials, AStaticTokenOrApiKeyNeverGoesToTheStore) {
  auto account = sim::demo_trubit_account();
  account.static_token = "dashboard-created-token";
  AdapterRig trubit(std::make_shared<sim::TruBitProvider>(account), gateways::trubit::type);
  trubit.config().settings = gateways::trubit::Settings{account.static_token, {}};
  auto share = std::make_shared<MemoryCredentialShare>();
  trubit.share_credentials(share);
  auto result = trubit.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;

  AdapterRig kuna(gateways::kuna::type);
  kuna.config().settings_as<gateways::kuna::Settings>()->api_key = kuna.provider<sim::KunaProvider>().account().api_key;
  kuna.share_credentials(share);
  result = kuna.balances();
  ASSERT_TRUE(result.ok()) << result.error().detail;

  EXPECT_EQ(share->loads(), 0);
  EXPECT_EQ(share->claims(), 0);
  EXPECT_FALSE(share->stored());
}

}  // namespace
}  // namespace coinfan::gateways
