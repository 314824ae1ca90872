#include "coinfan/writes/service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <mutex>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "aggregate/shared_outcome.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/records/merge.hpp"
#include "coinfan/records/render.hpp"
#include "coinfan/writes/render.hpp"
#include "coinfan/writes/shared_orders.hpp"

namespace coinfan::writes {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using AnswerPtr = std::shared_ptr<const WriteAnswer>;
using Flight = aggregate::detail::SharedOutcome<AnswerPtr>;

std::string_view to_string(WriteError error) noexcept {
  switch (error) {
    case WriteError::unknown_gateway: return "unknown_gateway";
    case WriteError::unsupported: return "unsupported";
    case WriteError::invalid: return "invalid";
    case WriteError::catalogue_unavailable: return "catalogue_unavailable";
    case WriteError::conflict: return "conflict";
    case WriteError::not_sent: return "not_sent";
    case WriteError::refused: return "refused";
    case WriteError::not_executed: return "not_executed";
    case WriteError::outcome_unknown: return "outcome_unknown";
    case WriteError::failed: return "failed";
  }
  return "unknown";
}

namespace {

struct Catalogue {
  std::vector<Coin> coins;
  Clock::time_point fetched_at{};
};

// What the audit line says about a write besides its outcome.
struct Facts {
  std::string_view operation;
  std::string order_id;
  std::string coin;    // the coin id (the coin in, for swaps)
  std::string amount;  // as the caller sent it
};

WriteAnswer error_answer(WriteError error, std::string detail) {
  WriteAnswer answer;
  answer.error = error;
  answer.detail = std::move(detail);
  return answer;
}

WriteAnswer gateway_failure(WriteError error, std::string detail, Error gateway_error) {
  WriteAnswer answer = error_answer(error, std::move(detail));
  answer.gateway_error = std::move(gateway_error);
  return answer;
}

// A failed send that needs no lookup, as the caller should see it.
WriteAnswer unsent_answer(SendFailure failure, std::string_view what, Error error) {
  if (failure == SendFailure::refused) {
    std::string detail = "the provider refused the " + std::string(what);
    if (!error.provider_message.empty()) detail += ": " + error.provider_message;
    detail += " (nothing was executed)";
    return gateway_failure(WriteError::refused, std::move(detail), std::move(error));
  }
  return gateway_failure(WriteError::not_sent,
                         "the " + std::string(what) + " was not sent (" + error.detail + "); nothing was executed",
                         std::move(error));
}

template <typename Record>
asio::awaitable<Result<Record>> lookup(std::shared_ptr<gateways::Gateway> gateway, std::string order_id) {
  if constexpr (std::is_same_v<Record, TransferRecord>) {
    std::optional<std::string> by_order(std::move(order_id));
    auto looking = gateway->records()->transfer_record(std::nullopt, std::move(by_order));
    co_return co_await std::move(looking);
  } else {
    std::optional<std::string> by_order(std::move(order_id));
    auto looking = gateway->records()->swap_record(std::nullopt, std::move(by_order));
    co_return co_await std::move(looking);
  }
}

template <typename Record>
struct Resolved {
  Verdict verdict = Verdict::unknown;
  std::optional<Record> record;
  std::optional<Error> lookup_error;  // the last lookup's failure
};

}  // namespace

struct WriteService::Impl {
  Impl(std::vector<std::shared_ptr<gateways::Gateway>> list, asio::any_io_executor ex, WriteOptions opts)
      : gateways(std::move(list)), executor(std::move(ex)), options(std::move(opts)), ledger(options.ledger) {
    if (!options.now) options.now = [] { return Clock::now(); };
  }

  std::vector<std::shared_ptr<gateways::Gateway>> gateways;
  asio::any_io_executor executor;
  WriteOptions options;

  mutable std::mutex mutex;  // guards everything below
  OrderLedger ledger;
  std::unordered_map<FlightNumber, std::shared_ptr<Flight>> flights;
  std::unordered_map<std::string, Catalogue> catalogues;
  WriteCounts counts;

  std::shared_ptr<gateways::Gateway> find(std::string_view id) const {
    for (const auto& gateway : gateways) {
      if (gateway->id() == id) return gateway;
    }
    return nullptr;
  }

  // The audit line and the counter of one write request.
  void finish(const WriteAnswer& answer, const Facts& facts, const std::string& gateway, const WriteContext& context,
              Clock::time_point started) {
    std::string outcome = answer.error ? std::string(to_string(*answer.error))
                          : answer.created ? "created"
                          : answer.replayed ? "replayed"
                                            : "ok";
    {
      // An id no gateway has came from the caller: it never becomes a metric label.
      const bool known = !(answer.error && *answer.error == WriteError::unknown_gateway);
      std::lock_guard lock(mutex);
      ++counts[{known ? gateway : std::string(), std::string(facts.operation), outcome}];
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    const std::string provider_code = answer.gateway_error ? answer.gateway_error->provider_code : std::string();
    log::write(answer.error && *answer.error == WriteError::outcome_unknown ? log::Level::warn : log::Level::info,
               context.request_id, "write",
               {{"key", std::string_view(context.key_name)},
                {"gateway", std::string_view(gateway)},
                {"operation", facts.operation},
                {"order_id", std::string_view(facts.order_id)},
                {"coin_id", std::string_view(facts.coin)},
                {"amount", std::string_view(facts.amount)},
                {"outcome", std::string_view(outcome)},
                {"provider_code", std::string_view(provider_code)},
                {"record_id", std::string_view(answer.record_id)},
                {"duration_ms", static_cast<std::int64_t>(took)}});
  }
};

namespace {

using ImplPtr = std::shared_ptr<WriteService::Impl>;

// The gateway, when it has the action: transfers and swaps also need its record lookups.
std::variant<std::shared_ptr<gateways::Gateway>, WriteAnswer> target(const ImplPtr& self, const std::string& id,
                                                                     std::string_view what, bool needs_records) {
  auto gateway = self->find(id);
  if (!gateway) return error_answer(WriteError::unknown_gateway, "gateway: unknown gateway id '" + id + "'");
  if (gateway->money() == nullptr || (needs_records && gateway->records() == nullptr)) {
    return error_answer(WriteError::unsupported, "gateway '" + id + "' (" + std::string(config::to_string(gateway->type())) +
                                                     ") has no " + std::string(what));
  }
  return gateway;
}

// The coin catalogue, kept for catalogue_ttl; an older one is used when a refresh fails.
asio::awaitable<Result<std::vector<Coin>>> catalogue(ImplPtr self, std::shared_ptr<gateways::Gateway> gateway) {
  const auto now = Clock::now();
  std::optional<std::vector<Coin>> kept;
  {
    std::lock_guard lock(self->mutex);
    if (auto it = self->catalogues.find(gateway->id()); it != self->catalogues.end()) {
      if (now - it->second.fetched_at < self->options.catalogue_ttl) co_return it->second.coins;
      kept = it->second.coins;
    }
  }
  auto fetching = gateway->coins();
  auto coins = co_await std::move(fetching);
  if (!coins) {
    if (kept) co_return std::move(*kept);
    co_return std::move(coins).error();
  }
  std::lock_guard lock(self->mutex);
  self->catalogues[gateway->id()] = Catalogue{*coins, Clock::now()};
  co_return coins;
}

struct CoinChoice {
  std::int64_t id = 0;
  std::string asset;
};

// Resolves `ref` and checks the amount's places; adds to `errors` what is wrong.
std::optional<CoinChoice> choose_coin(const std::vector<Coin>& coins, const CoinRef& ref, std::string_view id_field,
                                      std::string_view asset_field, const std::string* amount_text,
                                      std::string_view amount_field, FieldErrors& errors) {
  auto resolved = resolve_coin(coins, ref, id_field, asset_field);
  if (auto* error = std::get_if<FieldError>(&resolved)) {
    errors.push_back(std::move(*error));
    return std::nullopt;
  }
  const Coin& coin = *std::get<const Coin*>(resolved);
  const auto id = numeric_coin_id(coin);
  if (!id) {
    errors.push_back({std::string(id_field), "coin '" + coin.asset + "' has no numeric id at this gateway"});
    return std::nullopt;
  }
  if (amount_text) {
    if (auto error = check_places(*amount_text, coin, amount_field)) {
      errors.push_back(std::move(*error));
      return std::nullopt;
    }
  }
  return CoinChoice{*id, coin.asset};
}

// The coin in and the coin out of a swap or quote (`out_amount`: amount_out_minimum, if any).
std::pair<std::optional<CoinChoice>, std::optional<CoinChoice>> choose_pair(const std::vector<Coin>& coins,
                                                                            const CoinRef& in,
                                                                            const std::string& amount_in_text,
                                                                            const CoinRef& out,
                                                                            const std::string* out_amount,
                                                                            FieldErrors& errors) {
  auto coin_in = choose_coin(coins, in, "coin_id_in", "asset_in", &amount_in_text, "amount_in", errors);
  auto coin_out = choose_coin(coins, out, "coin_id_out", "asset_out", out_amount, "amount_out_minimum", errors);
  if (coin_in && coin_out && coin_in->id == coin_out->id) errors.push_back({"coin_id_out", "must differ from the coin in"});
  return {coin_in, coin_out};
}

WriteAnswer invalid_answer(FieldErrors errors) {
  WriteAnswer answer = error_answer(WriteError::invalid, "the request has invalid fields");
  answer.field_errors = std::move(errors);
  return answer;
}

// Looks the order id up as the plan says, until a record is found or the lookups are done.
template <typename Record, typename Intent>
asio::awaitable<Resolved<Record>> resolve(ImplPtr self, std::shared_ptr<gateways::Gateway> gateway, std::string order_id,
                                          Intent intent) {
  Resolved<Record> out;
  const auto& waits = self->options.resolution.waits;
  Resolution resolution(waits.size());
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (const auto wait : waits) {
    if (wait.count() > 0) {
      timer.expires_after(wait);
      co_await timer.async_wait(asio::use_awaitable);
    }
    auto looking = lookup<Record>(gateway, order_id);
    auto found = co_await std::move(looking);
    LookupOutcome outcome = LookupOutcome::failed;
    if (found) {
      outcome = same_request(intent, *found) ? LookupOutcome::found_same : LookupOutcome::found_different;
      out.record = std::move(*found);
    } else if (found.error().code == ErrorCode::not_found) {
      outcome = LookupOutcome::not_found;
    } else {
      out.lookup_error = found.error();
    }
    if (auto verdict = resolution.record(outcome)) {
      out.verdict = *verdict;
      co_return out;
    }
  }
  out.verdict = Verdict::unknown;
  co_return out;
}

// Sends the write once; learns its outcome by order id when the answer does not say it.
template <typename Record, typename Input, typename Intent>
asio::awaitable<WriteAnswer> execute(ImplPtr self, std::shared_ptr<gateways::Gateway> gateway, Input input,
                                     Intent intent, std::string_view what) {
  Result<Record> sent = Error{};
  if constexpr (std::is_same_v<Record, TransferRecord>) {
    auto sending = gateway->money()->transfer(input);
    sent = co_await std::move(sending);
  } else {
    auto sending = gateway->money()->swap(input);
    sent = co_await std::move(sending);
  }
  WriteAnswer answer;
  if (sent) {
    answer.created = true;
    answer.record_id = sent->record_id;
    answer.body = records::render_record(records::Record(std::move(*sent)));
    co_return answer;
  }
  const SendFailure failure = classify_send_failure(sent.error());
  if (failure == SendFailure::not_sent || failure == SendFailure::refused) {
    co_return unsent_answer(failure, what, std::move(sent).error());
  }
  const std::string& order_id = input.order_id;
  auto resolving = resolve<Record>(self, gateway, order_id, intent);
  Resolved<Record> resolved = co_await std::move(resolving);
  const bool lost = failure == SendFailure::answer_lost;
  switch (resolved.verdict) {
    case Verdict::executed:
      answer.created = lost;
      answer.replayed = !lost;
      answer.record_id = resolved.record->record_id;
      answer.body = records::render_record(records::Record(std::move(*resolved.record)));
      co_return answer;
    case Verdict::conflict:
      co_return error_answer(WriteError::conflict, "order id " + order_id + " is already used by a different " +
                                                       std::string(what) + " (record " + resolved.record->record_id +
                                                       "); nothing was executed for this request");
    case Verdict::not_executed:
      if (lost) {
        co_return gateway_failure(WriteError::not_executed,
                                  "the " + std::string(what) + "'s answer was lost (" + sent.error().detail +
                                      "), and the provider has no order " + order_id +
                                      ": nothing was executed; repeating the request with the same order id is safe",
                                  std::move(sent).error());
      }
      break;  // the provider says the order id is taken, yet has no record of it yet
    case Verdict::unknown: break;
  }
  std::string detail = "the " + std::string(what) + "'s outcome is unknown: ";
  detail += lost ? "its answer was lost (" + sent.error().detail + ")"
                 : "the provider says order id " + order_id + " is taken but shows no record of it";
  if (resolved.lookup_error) detail += ", and looking order id " + order_id + " up failed (" + resolved.lookup_error->detail + ")";
  detail += "; repeat the request with the same order id (it is never executed twice) or look the order id up later";
  co_return gateway_failure(WriteError::outcome_unknown, std::move(detail),
                            resolved.lookup_error ? *resolved.lookup_error : std::move(sent).error());
}

// What another replica's claim on the order means for this request (nullopt: send it here).
std::optional<WriteAnswer> claimed_elsewhere(const OrderClaim& claim, const std::string& order_id, std::string_view what) {
  switch (claim.kind) {
    case OrderClaim::Kind::replay: {
      WriteAnswer answer;
      answer.replayed = true;
      answer.body = claim.done->record_json;
      answer.record_id = claim.done->record_id;
      return answer;
    }
    case OrderClaim::Kind::conflict:
      return error_answer(WriteError::conflict, "order id " + order_id + " was used for a different " +
                                                    std::string(what) + "; nothing was executed for this request");
    case OrderClaim::Kind::busy:
      return error_answer(WriteError::outcome_unknown,
                          "the " + std::string(what) + " with order id " + order_id +
                              " is being carried out by another replica; repeat the request with the same order id "
                              "(it is never executed twice) to learn its outcome");
    case OrderClaim::Kind::execute:
    case OrderClaim::Kind::alone: break;
  }
  return std::nullopt;
}

// One execution of an order, detached from the requests waiting for it. With shared orders,
// the order id is claimed across replicas first, and the outcome settled there.
template <typename Record, typename Input, typename Intent>
asio::awaitable<void> run_flight(ImplPtr self, std::shared_ptr<gateways::Gateway> gateway, std::string key,
                                 FlightNumber number, std::shared_ptr<Flight> flight, Input input, Intent intent,
                                 std::string_view what) {
  const std::string order_id = input.order_id;
  const std::string print = fingerprint(intent);
  AnswerPtr answer;
  OrderClaim claim;
  bool sent_here = false;
  try {
    if (self->options.shared_orders) {
      auto claiming = self->options.shared_orders->claim(key, print, self->options.answer_within);
      claim = co_await std::move(claiming);
    }
    if (auto elsewhere = claimed_elsewhere(claim, order_id, what)) {
      answer = std::make_shared<const WriteAnswer>(std::move(*elsewhere));
    } else {
      sent_here = true;
      auto executing = execute<Record>(self, gateway, std::move(input), std::move(intent), what);
      WriteAnswer done = co_await std::move(executing);
      answer = std::make_shared<const WriteAnswer>(std::move(done));
    }
  } catch (const std::exception& e) {
    log::error("write failed", {{"gateway", std::string_view(gateway->id())}, {"error", std::string_view(e.what())}});
    answer = std::make_shared<const WriteAnswer>(error_answer(
        WriteError::outcome_unknown, "the " + std::string(what) + " failed inside the service; its outcome is unknown: "
                                     "repeat it with the same order id or look the order id up later"));
  }
  if (answer->ok() && sent_here && self->options.on_executed) self->options.on_executed(gateway->id());
  std::optional<OrderLedger::Success> success;
  if (answer->ok()) success = OrderLedger::Success{answer->body, answer->record_id};
  if (claim.kind == OrderClaim::Kind::execute) {
    // Anything but a success frees the order id, as the local ledger forgets it: a repeat on any
    // replica goes to the provider, which refuses a second use of an order id itself (and the
    // lookup then finds the record).
    auto settling = self->options.shared_orders->settle(key, claim.token, print, success);
    co_await std::move(settling);
  }
  {
    std::lock_guard lock(self->mutex);
    self->ledger.finish(key, number, std::move(success), self->options.now());
    self->flights.erase(number);
  }
  if (self->options.on_settled) self->options.on_settled(order_id);
  flight->set(std::move(answer));
}

// At `within` after the execution began, its waiters are told it is still being resolved (a
// later answer is then only kept in the ledger).
asio::awaitable<void> answer_deadline(std::shared_ptr<Flight> flight, std::chrono::milliseconds within,
                                      std::string order_id, std::string what) {
  asio::steady_timer timer(co_await asio::this_coro::executor, within);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (flight->value()) co_return;
  flight->set(std::make_shared<const WriteAnswer>(error_answer(
      WriteError::outcome_unknown, "the " + what + " with order id " + order_id + " is still being carried out or " +
                                       "resolved; repeat the request with the same order id (it is never executed " +
                                       "twice) to learn its outcome")));
}

// The idempotent part of a transfer or swap: ledger, shared flights, replays.
template <typename Record, typename Input, typename Intent>
asio::awaitable<WriteAnswer> ordered(ImplPtr self, std::shared_ptr<gateways::Gateway> gateway, WriteKind kind,
                                     Input input, Intent intent) {
  const std::string what(to_string(kind));
  const std::string order_id = input.order_id;
  const std::string key = order_key(gateway->id(), kind, order_id);
  std::shared_ptr<Flight> flight;
  OrderLedger::Decision decision;
  {
    std::lock_guard lock(self->mutex);
    decision = self->ledger.begin(key, fingerprint(intent), self->options.now());
    if (decision.action == OrderLedger::Decision::Action::execute) {
      flight = Flight::create();
      self->flights.emplace(decision.flight, flight);
    } else if (decision.action == OrderLedger::Decision::Action::join) {
      flight = self->flights.at(decision.flight);
    }
  }
  WriteAnswer answer;
  switch (decision.action) {
    case OrderLedger::Decision::Action::conflict:
      co_return error_answer(WriteError::conflict, "order id " + input.order_id + " was used for a different " + what +
                                                       "; nothing was executed for this request");
    case OrderLedger::Decision::Action::replay:
      answer.replayed = true;
      answer.body = std::move(decision.record_json);
      answer.record_id = std::move(decision.record_id);
      co_return answer;
    case OrderLedger::Decision::Action::execute:
      asio::co_spawn(self->executor,
                     run_flight<Record>(self, gateway, key, decision.flight, flight, std::move(input), std::move(intent),
                                        kind == WriteKind::transfer ? "transfer" : "swap"),
                     asio::detached);
      asio::co_spawn(self->executor, answer_deadline(flight, self->options.answer_within, order_id, what),
                     asio::detached);
      break;
    case OrderLedger::Decision::Action::join: break;
  }
  auto waiting = flight->wait();
  AnswerPtr shared = co_await std::move(waiting);
  answer = *shared;
  if (decision.action == OrderLedger::Decision::Action::join && answer.ok()) {
    // One execution, one 201: a request that shared it is told an earlier one carried it out.
    answer.created = false;
    answer.replayed = true;
  }
  co_return answer;
}

// The gateway (when it has the action) and its coin catalogue; or why not.
struct Prepared {
  std::shared_ptr<gateways::Gateway> gateway;
  std::vector<Coin> coins;
};

asio::awaitable<std::variant<Prepared, WriteAnswer>> prepare(ImplPtr self, std::string gateway_id, std::string_view what,
                                                             bool needs_records) {
  auto chosen = target(self, gateway_id, what, needs_records);
  if (auto* rejected = std::get_if<WriteAnswer>(&chosen)) co_return std::move(*rejected);
  auto gateway = std::get<std::shared_ptr<gateways::Gateway>>(std::move(chosen));
  auto reading = catalogue(self, gateway);
  auto coins = co_await std::move(reading);
  if (!coins) {
    co_return gateway_failure(WriteError::catalogue_unavailable,
                              "the coin list could not be read (" + coins.error().detail + "); nothing was sent",
                              coins.error());
  }
  co_return Prepared{std::move(gateway), std::move(*coins)};
}

// A quote's or rescan's failure: a refusal, never sent, or failed (both are safe to repeat).
WriteAnswer call_failure(Error error, std::string_view what) {
  const auto failure = classify_send_failure(error);
  if (failure == SendFailure::refused || failure == SendFailure::not_sent) {
    return unsent_answer(failure, what, std::move(error));
  }
  std::string detail = "the " + std::string(what) + " failed (" + error.detail + "); repeating it is safe";
  return gateway_failure(WriteError::failed, std::move(detail), std::move(error));
}

asio::awaitable<WriteAnswer> transfer_answer(ImplPtr self, std::string gateway_id, TransferBody body, Facts& facts) {
  auto preparing = prepare(self, gateway_id, "transfers", true);
  auto prepared = co_await std::move(preparing);
  if (auto* rejected = std::get_if<WriteAnswer>(&prepared)) co_return std::move(*rejected);
  auto& [gateway, coins] = std::get<Prepared>(prepared);
  FieldErrors errors;
  auto coin = choose_coin(coins, body.coin, "coin_id", "asset", &body.amount_text, "amount", errors);
  if (!coin) co_return invalid_answer(std::move(errors));
  facts.coin = std::to_string(coin->id);
  gateways::TransferInput input{body.from_user_id, body.to_user_id, coin->id, body.amount_text, body.order_id,
                                body.remark};
  TransferIntent intent{body.from_user_id, body.to_user_id, coin->id, body.amount, body.remark.value_or("")};
  auto running = ordered<TransferRecord>(self, gateway, WriteKind::transfer, std::move(input), std::move(intent));
  co_return co_await std::move(running);
}

asio::awaitable<WriteAnswer> swap_answer(ImplPtr self, std::string gateway_id, SwapBody body, Facts& facts) {
  auto preparing = prepare(self, gateway_id, "swaps", true);
  auto prepared = co_await std::move(preparing);
  if (auto* rejected = std::get_if<WriteAnswer>(&prepared)) co_return std::move(*rejected);
  auto& [gateway, coins] = std::get<Prepared>(prepared);
  FieldErrors errors;
  auto [coin_in, coin_out] = choose_pair(coins, body.coin_in, body.amount_in_text, body.coin_out,
                                         body.amount_out_minimum ? &*body.amount_out_minimum : nullptr, errors);
  if (!errors.empty()) co_return invalid_answer(std::move(errors));
  facts.coin = std::to_string(coin_in->id);
  gateways::SwapInput input{body.order_id,    body.user_id,         coin_in->id,
                            body.amount_in_text, coin_out->id,   body.extra_fee_rate,
                            body.amount_out_minimum};
  SwapIntent intent{body.user_id,
                    coin_in->id,
                    body.amount_in,
                    coin_out->id,
                    body.extra_fee_rate.value_or(""),
                    body.amount_out_minimum.value_or("")};
  auto running = ordered<SwapRecord>(self, gateway, WriteKind::swap, std::move(input), std::move(intent));
  co_return co_await std::move(running);
}

asio::awaitable<WriteAnswer> quote_answer(ImplPtr self, std::string gateway_id, QuoteBody body, Facts& facts) {
  auto preparing = prepare(self, gateway_id, "swap quotes", false);
  auto prepared = co_await std::move(preparing);
  if (auto* rejected = std::get_if<WriteAnswer>(&prepared)) co_return std::move(*rejected);
  auto& [gateway, coins] = std::get<Prepared>(prepared);
  FieldErrors errors;
  auto [coin_in, coin_out] = choose_pair(coins, body.coin_in, body.amount_in_text, body.coin_out, nullptr, errors);
  if (!errors.empty()) co_return invalid_answer(std::move(errors));
  facts.coin = std::to_string(coin_in->id);
  // A named input: g++ 12 destroys a temporary inside a co_await expression twice.
  gateways::QuoteInput input{coin_in->id, body.amount_in_text, coin_out->id, body.extra_fee_rate};
  auto quoting = gateway->money()->quote(std::move(input));
  auto quoted = co_await std::move(quoting);
  if (!quoted) co_return call_failure(std::move(quoted).error(), "quote");
  if (quoted->coin_id_in.empty()) quoted->coin_id_in = std::to_string(coin_in->id);
  if (quoted->coin_id_out.empty()) quoted->coin_id_out = std::to_string(coin_out->id);
  WriteAnswer answer;
  answer.body = render_quote(gateway->id(), *quoted, coin_in->asset, coin_out->asset);
  co_return answer;
}

asio::awaitable<WriteAnswer> rescan_answer(ImplPtr self, std::string gateway_id, RescanBody body) {
  auto chosen = target(self, gateway_id, "deposit rescans", false);
  if (auto* rejected = std::get_if<WriteAnswer>(&chosen)) co_return std::move(*rejected);
  auto gateway = std::get<std::shared_ptr<gateways::Gateway>>(std::move(chosen));
  gateways::RescanInput input{body.chain, body.to_address, body.memo, body.tx_id};
  auto rescanning = gateway->money()->rescan(std::move(input));
  auto done = co_await std::move(rescanning);
  // A rescan changes nothing that a second one would undo: the caller may simply repeat it.
  if (!done) co_return call_failure(std::move(done).error(), "rescan");
  WriteAnswer answer;
  answer.body = render_rescan(gateway->id(), body.chain, body.tx_id, *done);
  co_return answer;
}

// Runs one operation, then labels its answer and writes its audit line and counter. `facts`
// lives in the caller's frame, which awaits this one.
asio::awaitable<WriteAnswer> audited(ImplPtr self, std::string gateway, WriteContext context, const Facts& facts,
                                     asio::awaitable<WriteAnswer> running) {
  const auto started = Clock::now();
  WriteAnswer answer = co_await std::move(running);
  answer.gateway = gateway;
  answer.order_id = facts.order_id;
  self->finish(answer, facts, gateway, context, started);
  co_return answer;
}

}  // namespace

asio::awaitable<WriteAnswer> WriteService::transfer(std::string gateway, TransferBody body, WriteContext context) {
  Facts facts{"transfer", body.order_id, {}, body.amount_text};
  auto running = transfer_answer(impl_, gateway, std::move(body), facts);
  auto auditing = audited(impl_, std::move(gateway), std::move(context), facts, std::move(running));
  co_return co_await std::move(auditing);
}

asio::awaitable<WriteAnswer> WriteService::swap(std::string gateway, SwapBody body, WriteContext context) {
  Facts facts{"swap", body.order_id, {}, body.amount_in_text};
  auto running = swap_answer(impl_, gateway, std::move(body), facts);
  auto auditing = audited(impl_, std::move(gateway), std::move(context), facts, std::move(running));
  co_return co_await std::move(auditing);
}

asio::awaitable<WriteAnswer> WriteService::quote(std::string gateway, QuoteBody body, WriteContext context) {
  Facts facts{"quote", {}, {}, body.amount_in_text};
  auto running = quote_answer(impl_, gateway, std::move(body), facts);
  auto auditing = audited(impl_, std::move(gateway), std::move(context), facts, std::move(running));
  co_return co_await std::move(auditing);
}

asio::awaitable<WriteAnswer> WriteService::rescan(std::string gateway, RescanBody body, WriteContext context) {
  Facts facts{"rescan", {}, {}, {}};
  auto running = rescan_answer(impl_, gateway, std::move(body));
  auto auditing = audited(impl_, std::move(gateway), std::move(context), facts, std::move(running));
  co_return co_await std::move(auditing);
}

WriteCounts WriteService::counts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counts;
}

std::shared_ptr<WriteService> make_write_service(std::vector<std::shared_ptr<gateways::Gateway>> gateways,
                                                 asio::any_io_executor executor, WriteOptions options) {
  return std::make_shared<WriteService>(
      std::make_shared<WriteService::Impl>(std::move(gateways), std::move(executor), std::move(options)));
}

}  // namespace coinfan::writes
