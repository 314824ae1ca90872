#pragma once
// A configured gateway account as the aggregation layer sees it: one adapter per provider
// type, joining that provider's pure signer/builders/parsers to its upstream client.
// Adapters never throw for upstream data; every failure is an Error with a DESIGN.md code.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/core/error.hpp"
#include "coinfan/core/metrics.hpp"
#include "coinfan/core/types.hpp"
#include "coinfan/upstream/client.hpp"

namespace coinfan::gateways {

// What one balance call of a gateway yields: its balances, and its quotes for the price book
// (CCPayment v1 `price` and CryptoCloud `balance_usd / balance_crypto` come with the balances;
// CCPayment v2 asks getCoinUSDTPrice for the coins it holds, in the same call).
struct BalanceSnapshot {
  std::vector<Balance> balances;
  std::vector<Price> prices;
  std::optional<Error> price_error;  // the balances are good but the prices could not be had
};

struct TransferRecordPage {
  std::vector<TransferRecord> records;
  std::string next_id;  // empty: no more pages
};

struct SwapRecordPage {
  std::vector<SwapRecord> records;
  std::string next_id;
};

struct TransferRecordFilter {
  std::optional<std::string> from_user_id;
  std::optional<std::string> to_user_id;
  std::optional<std::int64_t> coin_id;
  std::optional<std::int64_t> start_at;  // unix seconds
  std::optional<std::int64_t> end_at;
  std::string next_id;
};

struct SwapRecordFilter {
  std::optional<std::string> user_id;
  std::optional<std::int64_t> start_at;
  std::optional<std::int64_t> end_at;
  std::string next_id;
};

struct TransferInput {
  std::string from_user_id;
  std::string to_user_id;
  std::int64_t coin_id = 0;
  std::string amount;
  std::string order_id;
  std::optional<std::string> remark;
};

struct SwapInput {
  std::string order_id;
  std::string user_id;
  std::int64_t coin_id_in = 0;
  std::string amount_in;
  std::int64_t coin_id_out = 0;
  std::optional<std::string> extra_fee_rate;
  std::optional<std::string> amount_out_minimum;
};

struct QuoteInput {
  std::int64_t coin_id_in = 0;
  std::string amount_in;
  std::int64_t coin_id_out = 0;
  std::optional<std::string> extra_fee_rate;
};

struct RescanInput {
  std::string chain;
  std::string to_address;
  std::optional<std::string> memo;
  std::string tx_id;
};

// The operations beyond balances that only some providers have (CCPayment v2 today).
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual boost::asio::awaitable<Result<TransferRecordPage>> transfer_records(TransferRecordFilter filter) = 0;
  virtual boost::asio::awaitable<Result<SwapRecordPage>> swap_records(SwapRecordFilter filter) = 0;
  // Exactly one of record id / order id; not_found when the provider has no such record.
  virtual boost::asio::awaitable<Result<TransferRecord>> transfer_record(std::optional<std::string> record_id,
                                                                         std::optional<std::string> order_id) = 0;
  virtual boost::asio::awaitable<Result<SwapRecord>> swap_record(std::optional<std::string> record_id,
                                                                 std::optional<std::string> order_id) = 0;
};

class MoneyMover {
 public:
  virtual ~MoneyMover() = default;
  // Writes are sent once and never retried here; a failure comes back as it is (a lost answer
  // included: writes::WriteService resolves it by looking the order id up). After a success
  // the record is read back; when only that read fails, what is known of it is returned.
  virtual boost::asio::awaitable<Result<TransferRecord>> transfer(TransferInput input) = 0;
  virtual boost::asio::awaitable<Result<SwapQuote>> quote(QuoteInput input) = 0;
  virtual boost::asio::awaitable<Result<SwapRecord>> swap(SwapInput input) = 0;
  virtual boost::asio::awaitable<Result<std::string>> rescan(RescanInput input) = 0;
};

class Gateway {
 public:
  virtual ~Gateway() = default;

  const std::string& id() const { return id_; }
  config::GatewayType type() const { return type_; }

  virtual boost::asio::awaitable<Result<BalanceSnapshot>> balances() = 0;
  // Another replica's balance answer for this same account (the shared call tier): an adapter
  // that plans its next call from the last answer takes note (CCPayment v2 prices the coins
  // listed last while it fetches the balances, one round trip instead of two).
  virtual void learn(const BalanceSnapshot& /*answer*/) {}
  // Whether balances() brings quotes for the price book (the prices view asks only these).
  virtual bool has_prices() const { return false; }
  // The coin catalogue; nullopt-like not_found error when the provider has none.
  virtual bool has_coins() const { return false; }
  virtual boost::asio::awaitable<Result<std::vector<Coin>>> coins();

  virtual RecordSource* records() { return nullptr; }
  virtual MoneyMover* money() { return nullptr; }

  // For /v1/gateways and /metrics.
  virtual upstream::Stats stats() const = 0;
  virtual upstream::BreakerState breaker_state() const = 0;
  // For /metrics: this gateway's calls by operation and outcome (label values in that order:
  // an operation name such as "balances" or "token", and "ok" or the error code), with their
  // durations. Empty for gateways that do not count them.
  using OperationStats = std::vector<std::pair<metrics::DurationFamily::Labels, metrics::Durations>>;
  virtual OperationStats operation_stats() const { return {}; }

 protected:
  Gateway(std::string id, config::GatewayType type) : id_(std::move(id)), type_(type) {}

 private:
  std::string id_;
  config::GatewayType type_;
};

// The replicas' store of issued credentials (gateways/common/credential_share.hpp).
class CredentialShare;

struct GatewayEnvironment {
  boost::asio::any_io_executor executor;
  // Wall clock for signatures and token expiry; tests may move it.
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
  // The budget a gateway with `rate_limit_rps` shares with other replicas; empty: none (each
  // replica's own bucket alone).
  std::function<upstream::SharedBudget(const config::GatewayConfig&)> shared_budget = {};
  // The store in which the replicas share a gateway account's issued credentials (TruBit
  // tokens, Kuna JWTs), so one of them renews for all; empty: none (each renews its own).
  std::function<std::shared_ptr<CredentialShare>(const config::GatewayConfig&)> shared_credentials = {};
};

// Builds the adapter for `config.type`; invalid_argument when the configuration cannot work.
Result<std::shared_ptr<Gateway>> make_gateway(const config::GatewayConfig& config, const GatewayEnvironment& env);

}  // namespace coinfan::gateways
