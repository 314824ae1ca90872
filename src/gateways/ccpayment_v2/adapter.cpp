// CCPayment API v2: balances, coins, USDT prices, transfer and swap records, and the
// money-moving calls. Every call is a signed POST; a write is sent once and its failure
// returned as it is: learning the outcome of a lost answer is writes::WriteService's job.

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>

#include "gateways/ccpayment_v2/config.hpp"
#include "gateways/ccpayment_v2/record_id.hpp"
#include "gateways/ccpayment_v2/requests.hpp"
#include "gateways/ccpayment_v2/responses.hpp"
#include "gateways/common/adapter.hpp"

namespace coinfan::gateways {
namespace {

namespace v2 = ccpayment_v2;
using namespace boost::asio::experimental::awaitable_operators;

constexpr std::string_view not_found_code = "11003";

// The provider's nextId: absent for the first page.
std::optional<std::string> page_cursor(std::string next_id) {
  if (next_id.empty()) return std::nullopt;
  return next_id;
}

Error as_not_found(Error error, std::string_view what) {
  if (error.code == ErrorCode::provider_error && error.provider_code == not_found_code) {
    error.code = ErrorCode::not_found;
    error.detail = std::string(what) + " not found";
  }
  return error;
}

class CcpaymentV2Gateway final : public AdapterBase, public RecordSource, public MoneyMover {
 public:
  CcpaymentV2Gateway(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                     const GatewayEnvironment& env)
      : AdapterBase(config, std::move(client), env), credentials_(settings<v2::Settings>().credentials) {}

  RecordSource* records() override { return this; }
  MoneyMover* money() override { return this; }
  bool has_coins() const override { return true; }

  bool has_prices() const override { return true; }

  // The merchant's balances and getCoinUSDTPrice for the coins they list (at most
  // max_ids_per_call per call): one price book source per held coin. The coins the previous
  // answer listed are priced while the balances are fetched (one round trip, not two); coins
  // it did not list are priced after. A failed price call leaves the balances good and says
  // so in price_error.
  boost::asio::awaitable<Result<BalanceSnapshot>> balances() override {
    const std::vector<std::int64_t> known = known_coins();
    std::optional<Result<std::vector<Balance>>> listed;
    std::optional<Result<std::vector<Price>>> priced;
    if (known.empty()) {
      auto fetching = fetch_balances();
      listed.emplace(co_await std::move(fetching));
    } else {
      auto both = fetch_balances() && fetch_prices(known);
      auto [balances, prices] = co_await std::move(both);
      listed.emplace(std::move(balances));
      priced.emplace(std::move(prices));
    }
    if (!*listed) co_return std::move(*listed).error();
    BalanceSnapshot snapshot{std::move(**listed), {}, std::nullopt};
    v2::CoinSymbols symbols;
    const std::vector<std::int64_t> held = held_coins(snapshot.balances, symbols);
    remember_coins(held);
    std::vector<std::int64_t> unpriced;
    for (const auto coin_id : held) {
      if (std::find(known.begin(), known.end(), coin_id) == known.end()) unpriced.push_back(coin_id);
    }
    if (!priced || *priced) {
      auto pricing = fetch_prices(unpriced);
      auto more = co_await std::move(pricing);
      if (!priced) {
        priced.emplace(std::move(more));
      } else if (!more) {
        priced.emplace(std::move(more).error());
      } else {
        for (auto& price : *more) (*priced)->push_back(std::move(price));
      }
    }
    if (!*priced) {
      snapshot.price_error = std::move(*priced).error();
      co_return snapshot;
    }
    // Named by this answer's own list: a coin no longer held is not a source.
    for (auto& price : **priced) {
      const auto symbol = symbols.find(price.raw_id);
      if (symbol == symbols.end()) continue;
      price.asset = symbol->second;
      snapshot.prices.push_back(std::move(price));
    }
    co_return snapshot;
  }

  boost::asio::awaitable<Result<std::vector<Coin>>> coins() override {
    co_return co_await call<std::vector<Coin>>("coins", v2::build_get_coin_list(credentials_, unix_seconds()),
                                               [this](std::string_view body) { return v2::parse_coin_list(id(), body); });
  }

  // --- RecordSource ---------------------------------------------------------------------

  boost::asio::awaitable<Result<TransferRecordPage>> transfer_records(TransferRecordFilter filter) override {
    const v2::TransferRecordQuery query{.coin_id = filter.coin_id,
                                        .from_user_id = std::move(filter.from_user_id),
                                        .to_user_id = std::move(filter.to_user_id),
                                        .start_at = filter.start_at,
                                        .end_at = filter.end_at,
                                        .next_id = page_cursor(std::move(filter.next_id))};
    auto page = co_await call<v2::TransferRecordPage>(
        "transfer_records", v2::build_get_user_transfer_record_list(credentials_, unix_seconds(), query),
        [this](std::string_view body) { return v2::parse_transfer_record_list(id(), body); });
    if (!page) co_return std::move(page).error();
    co_return TransferRecordPage{std::move(page->records), std::move(page->next_id)};
  }

  boost::asio::awaitable<Result<SwapRecordPage>> swap_records(SwapRecordFilter filter) override {
    v2::SwapRecordQuery query;  // no record, order or coin filter
    query.user_id = std::move(filter.user_id);
    query.start_at = filter.start_at;
    query.end_at = filter.end_at;
    query.next_id = page_cursor(std::move(filter.next_id));
    auto page = co_await call<v2::SwapRecordPage>(
        "swap_records", v2::build_get_user_swap_record_list(credentials_, unix_seconds(), query),
        [this](std::string_view body) { return v2::parse_swap_record_list(id(), body); });
    if (!page) co_return std::move(page).error();
    co_return SwapRecordPage{std::move(page->records), std::move(page->next_id)};
  }

  boost::asio::awaitable<Result<TransferRecord>> transfer_record(std::optional<std::string> record_id,
                                                                 std::optional<std::string> order_id) override {
    auto lookup = record_id ? v2::RecordLookup::record_id(*record_id) : v2::RecordLookup::order_id(order_id.value_or(""));
    auto record = co_await call<TransferRecord>(
        "transfer_record", v2::build_get_user_transfer_record(credentials_, unix_seconds(), lookup),
        [this](std::string_view body) { return v2::parse_transfer_record(id(), body); });
    if (!record) co_return as_not_found(std::move(record).error(), "transfer record");
    co_return record;
  }

  boost::asio::awaitable<Result<SwapRecord>> swap_record(std::optional<std::string> record_id,
                                                         std::optional<std::string> order_id) override {
    auto lookup = record_id ? v2::RecordLookup::record_id(*record_id) : v2::RecordLookup::order_id(order_id.value_or(""));
    auto record = co_await call<SwapRecord>("swap_record", v2::build_get_user_swap_record(credentials_, unix_seconds(), lookup),
                                            [this](std::string_view body) { return v2::parse_swap_record(id(), body); });
    if (!record) co_return as_not_found(std::move(record).error(), "swap record");
    co_return record;
  }

  // --- MoneyMover -----------------------------------------------------------------------

  boost::asio::awaitable<Result<TransferRecord>> transfer(TransferInput input) override {
    v2::TransferRequest request{input.from_user_id, input.to_user_id, input.coin_id, input.amount, input.order_id,
                                input.remark};
    auto sent = co_await call<v2::TransferResult>("transfer", v2::build_user_transfer(credentials_, unix_seconds(), request),
                                                  [](std::string_view body) { return v2::parse_user_transfer(body); });
    if (!sent) co_return std::move(sent).error();
    auto record = co_await transfer_record(sent->record_id, std::nullopt);
    if (record) co_return record;
    // The transfer happened; only the read-back failed. Report what is known.
    TransferRecord known;
    known.gateway = id();
    known.record_id = sent->record_id;
    known.order_id = input.order_id;
    known.coin_id = std::to_string(input.coin_id);
    known.from_user_id = input.from_user_id;
    known.to_user_id = input.to_user_id;
    known.remark = input.remark.value_or("");
    if (auto amount = Decimal::parse(input.amount)) known.amount = *amount;
    known.status = RecordStatus::processing;
    if (auto created = v2::time_from_record_id(known.record_id)) known.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(*created);
    co_return known;
  }

  boost::asio::awaitable<Result<SwapQuote>> quote(QuoteInput input) override {
    v2::SwapQuoteRequest request{input.coin_id_in, input.amount_in, input.coin_id_out, input.extra_fee_rate};
    co_return co_await call<SwapQuote>("quote", v2::build_estimate(credentials_, unix_seconds(), request),
                                       [](std::string_view body) { return v2::parse_estimate(body); });
  }

  boost::asio::awaitable<Result<SwapRecord>> swap(SwapInput input) override {
    v2::SwapRequest request{input.order_id,    input.user_id,        input.coin_id_in,        input.amount_in,
                            input.coin_id_out, input.extra_fee_rate, input.amount_out_minimum};
    auto sent = co_await call<v2::SwapResult>("swap", v2::build_user_swap(credentials_, unix_seconds(), request),
                                              [](std::string_view body) { return v2::parse_user_swap(body); });
    if (!sent) co_return std::move(sent).error();
    auto record = co_await swap_record(sent->record_id, std::nullopt);
    if (record) co_return record;
    SwapRecord known;
    known.gateway = id();
    known.record_id = sent->record_id;
    known.order_id = sent->order_id.empty() ? input.order_id : sent->order_id;
    known.user_id = input.user_id;
    known.coin_id_in = std::to_string(input.coin_id_in);
    known.coin_id_out = std::to_string(input.coin_id_out);
    known.amount_in = sent->quote.amount_in;
    known.amount_out = sent->quote.amount_out;
    known.net_amount_out = sent->quote.net_amount_out;
    known.fee = sent->quote.fee;
    known.fee_rate = sent->quote.fee_rate;
    known.swap_rate = sent->quote.swap_rate;
    known.status = RecordStatus::processing;
    co_return known;
  }

  boost::asio::awaitable<Result<std::string>> rescan(RescanInput input) override {
    v2::RescanRequest request{input.chain, input.to_address, input.memo, input.tx_id};
    auto result = co_await call<v2::RescanResult>(
        "rescan", v2::build_rescan_lost_transaction(credentials_, unix_seconds(), request),
        [](std::string_view body) { return v2::parse_rescan_lost_transaction(body); });
    if (!result) co_return std::move(result).error();
    co_return std::move(result->description);
  }

 private:
  boost::asio::awaitable<Result<std::vector<Balance>>> fetch_balances() {
    co_return co_await call<std::vector<Balance>>(
        "balances", v2::build_get_app_coin_asset_list(credentials_, unix_seconds()),
        [this](std::string_view body) { return v2::parse_app_coin_asset_list(id(), body); });
  }

  // The USDT price of each coin id, `max_ids_per_call` at a time; assets left empty (the
  // caller names them). No call for no ids.
  boost::asio::awaitable<Result<std::vector<Price>>> fetch_prices(std::vector<std::int64_t> ids) {
    std::vector<Price> out;
    static const v2::CoinSymbols unnamed;
    for (std::size_t from = 0; from < ids.size(); from += v2::max_ids_per_call) {
      const auto last = std::min(ids.size(), from + v2::max_ids_per_call);
      const std::vector<std::int64_t> chunk(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                            ids.begin() + static_cast<std::ptrdiff_t>(last));
      auto prices = co_await call<std::vector<Price>>(
          "prices", v2::build_get_coin_usdt_price(credentials_, unix_seconds(), chunk),
          [this](std::string_view body) { return v2::parse_coin_usdt_prices(id(), body, unnamed); });
      if (!prices) co_return std::move(prices).error();
      for (auto& price : *prices) out.push_back(std::move(price));
    }
    co_return out;
  }

  void learn(const BalanceSnapshot& answer) override {
    v2::CoinSymbols symbols;
    remember_coins(held_coins(answer.balances, symbols));
  }

  // The coin ids the balances list, once each, in order; `symbols` maps each to its symbol.
  static std::vector<std::int64_t> held_coins(const std::vector<Balance>& balances, v2::CoinSymbols& symbols) {
    std::vector<std::int64_t> held;
    for (const auto& balance : balances) {
      std::int64_t coin_id = 0;
      const auto& raw = balance.raw_asset;
      if (std::from_chars(raw.data(), raw.data() + raw.size(), coin_id).ec != std::errc{}) continue;
      if (symbols.emplace(raw, balance.asset).second) held.push_back(coin_id);
    }
    return held;
  }

  std::vector<std::int64_t> known_coins() const {
    std::lock_guard lock(mutex_);
    return known_coins_;
  }
  void remember_coins(std::vector<std::int64_t> coins) {
    std::lock_guard lock(mutex_);
    known_coins_ = std::move(coins);
  }

  v2::Credentials credentials_;
  mutable std::mutex mutex_;
  std::vector<std::int64_t> known_coins_;  // the coins the last balance answer listed
};

}  // namespace

AdapterFactory* const ccpayment_v2::Provider::make_adapter = &make_adapter_of<CcpaymentV2Gateway>;

}  // namespace coinfan::gateways
