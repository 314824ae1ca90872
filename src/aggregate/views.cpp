#include "coinfan/aggregate/views.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "aggregate/fan_out.hpp"
#include "aggregate/shared_outcome.hpp"
#include "coinfan/aggregate/health.hpp"
#include "coinfan/aggregate/merge.hpp"
#include "coinfan/aggregate/render.hpp"
#include "coinfan/aggregate/shared_calls.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"

namespace coinfan::aggregate {

namespace asio = boost::asio;
using detail::SharedOutcome;
using Millis = std::chrono::milliseconds;

namespace {

// The service log's lines about a gateway's health (HealthNotice): an operator alerts on them.
void log_health(std::string_view gateway, const HealthNotice& notice) {
  switch (notice.kind) {
    case HealthNotice::Kind::failing:
      log::warn("gateway failing", {{"gateway", gateway},
                                    {"code", to_string(notice.code)},
                                    {"detail", std::string_view(notice.detail)}});
      break;
    case HealthNotice::Kind::still_failing:
      log::warn("gateway still failing", {{"gateway", gateway},
                                          {"code", to_string(notice.code)},
                                          {"detail", std::string_view(notice.detail)},
                                          {"failures", notice.failures},
                                          {"failing_for_ms", static_cast<std::int64_t>(notice.failing_for.count())}});
      break;
    case HealthNotice::Kind::recovered:
      log::info("gateway recovered", {{"gateway", gateway},
                                      {"failures", notice.failures},
                                      {"failing_for_ms", static_cast<std::int64_t>(notice.failing_for.count())}});
      break;
  }
}

using gateways::BalanceSnapshot;
using CoinList = std::vector<Coin>;

Millis elapsed(SteadyTime from, SteadyTime to) {
  return to > from ? std::chrono::duration_cast<Millis>(to - from) : Millis(0);
}

// One gateway's state for one kind of call: its last good answer and its call in flight.
template <typename T>
struct Slot {
  CallOutcomePtr<T> last_good;
  std::shared_ptr<GatewayCall<T>> in_flight;
  std::uint64_t generation = 0;  // bumped by invalidation: older calls' answers are not kept

  SlotState state() const {
    SlotState out;
    if (last_good) out.good_at = last_good->completed_at;
    out.call_in_flight = in_flight != nullptr;
    return out;
  }
};

// One gateway's part in one fan-out.
template <typename T>
struct Fetch {
  std::size_t index = 0;
  CallOutcomePtr<T> data;  // the good answer shown; null when nothing can be shown
  std::optional<Error> error;
  Millis latency{0};
  bool cached = false;
  SteadyTime contacted_at{};
};

// A fan-out's answer plus its stale rendering, made once by the first stale request (outside
// the cache lock; concurrent stale requests wait on `stale_mutex` instead of rendering again).
struct ViewAssembled : Assembled {
  mutable std::mutex stale_mutex;
  mutable std::shared_ptr<const std::string> stale_body;
};

struct Flight {
  std::string key;
  ViewKind kind = ViewKind::balances;
  std::vector<std::size_t> selection;  // gateway indices, configuration order
  std::vector<std::string> assets;
  FlightPlan plan;
  std::shared_ptr<SharedOutcome<AssembledPtr>> outcome = SharedOutcome<AssembledPtr>::create();
};

ViewAnswer error_answer(ViewError error, std::string detail) {
  ViewAnswer answer;
  answer.error = error;
  answer.detail = std::move(detail);
  return answer;
}

// Per view: the gateway call it makes, how the gateways' data becomes the view, and its JSON.
template <typename T>
using Sources = std::vector<std::pair<std::string, const T*>>;  // each gateway with data: its id and data

template <typename Data, typename View>
struct ViewSpec {
  asio::awaitable<Result<Data>> (gateways::Gateway::*call)();
  View (*build)(const Sources<Data>&, std::vector<GatewayStatus>, const std::vector<std::string>&, TimePointMs);
  std::string (*render)(const View&, const std::vector<GatewayStatus>*);
};

BalanceView balances_of(const Sources<BalanceSnapshot>& sources, std::vector<GatewayStatus> statuses,
                        const std::vector<std::string>& assets, TimePointMs as_of) {
  std::vector<GatewayBalances> list;
  for (const auto& [id, data] : sources) list.push_back({id, data->balances, data->prices});
  return build_balance_view(list, std::move(statuses), assets, as_of);
}

// The prices view over the same balance calls: each gateway's quotes; one whose price call
// failed (its balances were good) is shown failed here, with that error.
PriceView prices_of(const Sources<BalanceSnapshot>& sources, std::vector<GatewayStatus> statuses,
                    const std::vector<std::string>& assets, TimePointMs as_of) {
  std::vector<GatewayBalances> list;
  for (const auto& [id, data] : sources) {
    list.push_back({id, {}, data->prices});
    if (!data->price_error) continue;
    for (auto& status : statuses) {
      if (status.id != id || !status.ok) continue;
      status.ok = false;
      status.error = data->price_error;
    }
  }
  return build_price_view(quotes_of(list), std::move(statuses), assets, as_of);
}

CoinView coins_of(const Sources<CoinList>& sources, std::vector<GatewayStatus> statuses,
                  const std::vector<std::string>& assets, TimePointMs as_of) {
  std::vector<GatewayCoins> list;
  for (const auto& [id, data] : sources) list.push_back({id, *data});
  return build_coin_view(list, std::move(statuses), assets, as_of);
}

constexpr ViewSpec<BalanceSnapshot, BalanceView> balances_spec{&gateways::Gateway::balances, &balances_of,
                                                               &render_balance_view};
constexpr ViewSpec<BalanceSnapshot, PriceView> prices_spec{&gateways::Gateway::balances, &prices_of,
                                                          &render_price_view};
constexpr ViewSpec<CoinList, CoinView> coins_spec{&gateways::Gateway::coins, &coins_of, &render_coin_view};

}  // namespace

struct Views::Impl : std::enable_shared_from_this<Views::Impl> {
  Impl(std::vector<ViewGateway> list, config::CacheConfig cache_config, asio::any_io_executor ex, ViewClock view_clock,
       std::shared_ptr<SharedCalls> shared_calls)
      : gateways(std::move(list)),
        executor(std::move(ex)),
        clock(std::move(view_clock)),
        shared(std::move(shared_calls)),
        health(gateways.size()),
        cache(cache_config),
        policy(cache_config) {
    for (const auto& entry : gateways) {
      ids.push_back(entry.gateway->id());
      types.emplace_back(config::to_string(entry.gateway->type()));
    }
    std::get<0>(slots).resize(gateways.size());
    std::get<1>(slots).resize(gateways.size());
    for (const ViewKind kind : {ViewKind::balances, ViewKind::prices, ViewKind::coins}) {
      auto& sorted = default_ids[static_cast<std::size_t>(kind)];
      const auto selection = select(kind, ViewQuery{});
      for (const auto index : std::get<std::vector<std::size_t>>(selection)) sorted.push_back(ids[index]);
      std::sort(sorted.begin(), sorted.end());
      default_keys[static_cast<std::size_t>(kind)] = cache_key(kind, sorted, {});
    }
  }

  std::vector<ViewGateway> gateways;
  std::vector<std::string> ids;    // configuration order
  std::vector<std::string> types;  // config spelling
  std::array<std::vector<std::string>, 3> default_ids;  // per ViewKind: its default selection, sorted
  std::array<std::string, 3> default_keys;              // per ViewKind: the cache key of a bare query
  asio::any_io_executor executor;
  ViewClock clock;
  std::shared_ptr<SharedCalls> shared;  // null: this replica alone

  mutable std::mutex store_mutex;  // guards the slots and health
  // One balance slot serves the balances and the prices views: one call, one price book.
  std::tuple<std::vector<Slot<BalanceSnapshot>>, std::vector<Slot<CoinList>>> slots;
  HealthTracker health;
  config::CacheConfig cache;

  mutable std::mutex cache_mutex;  // guards the policy, the flights and view_stats
  ViewCachePolicy policy;
  std::array<ViewCacheStats, 3> view_stats{};  // per ViewKind
  std::unordered_map<FlightId, std::shared_ptr<Flight>> flights;  // started and not yet settled

  template <typename T>
  std::vector<Slot<T>>& slots_of() {
    return std::get<std::vector<Slot<T>>>(slots);
  }

  TimePointMs system_now() const { return std::chrono::floor<Millis>(clock.system()); }

  // The gateways a query selects, in configuration order.
  std::variant<std::vector<std::size_t>, ViewAnswer> select(ViewKind kind, const ViewQuery& query) const {
    std::vector<std::size_t> out;
    auto serves = [&](std::size_t index) {
      const auto& gateway = *gateways[index].gateway;
      return (kind != ViewKind::coins || gateway.has_coins()) && (kind != ViewKind::prices || gateway.has_prices());
    };
    if (query.gateways.empty()) {
      for (std::size_t i = 0; i < gateways.size(); ++i) {
        if (serves(i)) out.push_back(i);
      }
      return out;
    }
    for (const auto& id : query.gateways) {
      auto it = std::find(ids.begin(), ids.end(), id);
      if (it == ids.end()) return error_answer(ViewError::unknown_gateway, "gateway: unknown gateway id '" + id + "'");
      const auto index = static_cast<std::size_t>(it - ids.begin());
      if (!serves(index)) {
        return kind == ViewKind::coins
                   ? error_answer(ViewError::no_coin_catalogue, "gateway: '" + id + "' has no coin catalogue")
                   : error_answer(ViewError::no_price_source, "gateway: '" + id + "' quotes no prices");
      }
      out.push_back(index);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // A finished call updates the gateway's slot and health before any waiter resumes.
  template <typename T>
  void record(std::size_t index, const GatewayCall<T>* call, std::uint64_t generation, const CallOutcomePtr<T>& outcome) {
    const TimePointMs now = system_now();
    std::optional<HealthNotice> notice;
    {
      std::lock_guard lock(store_mutex);
      auto& slot = slots_of<T>()[index];
      if (slot.in_flight.get() == call) slot.in_flight.reset();
      if (outcome->value && slot.generation == generation &&
          (!slot.last_good || outcome->completed_at >= slot.last_good->completed_at)) {
        slot.last_good = outcome;
      }
      notice = health.record(index, outcome->error, outcome->latency, now);
    }
    if (notice) log_health(ids[index], *notice);
  }

  // The cache key of a query; the default selection's ids are sorted once, up front.
  std::string key_for(ViewKind kind, const ViewQuery& query) const {
    auto sorted = [](const std::vector<std::string>& values) {
      return std::is_sorted(values.begin(), values.end()) &&
             std::adjacent_find(values.begin(), values.end()) == values.end();
    };
    const auto& gateway_ids = query.gateways.empty() ? default_ids[static_cast<std::size_t>(kind)] : query.gateways;
    if (sorted(gateway_ids) && sorted(query.assets)) return cache_key(kind, gateway_ids, query.assets);
    auto ids_copy = gateway_ids;
    auto assets_copy = query.assets;
    for (auto* values : {&ids_copy, &assets_copy}) {
      std::sort(values->begin(), values->end());
      values->erase(std::unique(values->begin(), values->end()), values->end());
    }
    return cache_key(kind, ids_copy, assets_copy);
  }

  ViewAnswer gateway_health_answer() const {
    std::vector<CallHistory> seen;
    {
      std::lock_guard lock(store_mutex);
      seen = health.all();
    }
    std::vector<GatewayHealth> list;
    list.reserve(gateways.size());
    for (std::size_t i = 0; i < gateways.size(); ++i) {
      const auto& gateway = *gateways[i].gateway;
      const auto stats_now = gateway.stats();
      list.push_back(health_entry(ids[i], types[i], seen[i], upstream::to_string(gateway.breaker_state()), stats_now.requests,
                                  stats_now.in_flight));
    }
    ViewAnswer answer;
    answer.body = std::make_shared<const std::string>(render_gateway_health(list, system_now()));
    return answer;
  }
};

namespace {

using Impl = Views::Impl;

UnixMillis unix_now() {
  return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Each call's name in the shared tier, and its value's codec.
template <typename T>
struct SharedCodec;
template <>
struct SharedCodec<BalanceSnapshot> {
  static constexpr std::string_view call = "balances";
  static std::string encode(const BalanceSnapshot& value) {
    return encode_balances(value.balances, value.prices, value.price_error);
  }
  static Result<BalanceSnapshot> decode(std::string_view text) {
    auto decoded = decode_balances(text);
    if (!decoded) return std::move(decoded).error();
    return BalanceSnapshot{std::move(decoded->balances), std::move(decoded->prices), std::move(decoded->price_error)};
  }
};
template <>
struct SharedCodec<CoinList> {
  static constexpr std::string_view call = "coins";
  static std::string encode(const CoinList& value) { return encode_coins(value); }
  static Result<CoinList> decode(std::string_view text) { return decode_coins(text); }
};

template <typename T>
std::string shared_name(std::string_view gateway_id) {
  return std::string(SharedCodec<T>::call) + ":" + std::string(gateway_id);
}

// One gateway call through the shared tier: another replica's recent answer, the answer of the
// call another replica is making, or this replica's own call (shared with the others). A
// reused answer keeps its age and latency; its value is decoded from the record.
template <typename T>
asio::awaitable<Answered<T>> shared_call(std::shared_ptr<SharedCalls> shared, std::shared_ptr<gateways::Gateway> gateway,
                                         asio::awaitable<Result<T>> (gateways::Gateway::*call)(), SharedWant want) {
  auto own = std::make_shared<std::optional<Result<T>>>();
  const UnixMillis asked_at = unix_now();
  auto running = shared->run(
      shared_name<T>(gateway->id()), want, [gateway, call, own]() -> asio::awaitable<SharedRecord> {
        const auto started = std::chrono::steady_clock::now();
        auto calling = ((*gateway).*call)();
        Result<T> result = co_await std::move(calling);
        SharedRecord record;
        record.completed_at = unix_now();
        record.latency_ms = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started).count();
        record.good = result.ok();
        if (result) {
          record.payload = SharedCodec<T>::encode(*result);
        } else {
          record.error = result.error();
        }
        *own = std::move(result);
        co_return record;
      });
  SharedRecord record = co_await std::move(running);
  if (*own) co_return Answered<T>{std::move(**own), Millis(0), std::nullopt, false};
  const Millis age(std::max<UnixMillis>(0, unix_now() - record.completed_at));
  const bool reused = record.completed_at < asked_at;
  if (!record.good) co_return Answered<T>{std::move(record.error), age, Millis(record.latency_ms), reused};
  auto decoded = SharedCodec<T>::decode(record.payload);
  if (!decoded) {
    co_return Answered<T>{make_error(ErrorCode::internal, "another replica's answer could not be read"), Millis(0),
                          std::nullopt, false};
  }
  if constexpr (std::is_same_v<T, BalanceSnapshot>) gateway->learn(*decoded);
  co_return Answered<T>{std::move(decoded).value(), age, Millis(record.latency_ms), reused};
}

// What a fan-out under `bound` accepts from other replicas: a good answer within its reuse
// window, or, without one (max_age 0), only answers made after it asked.
SharedWant shared_want(const DataBound& bound, Millis gateway_timeout) {
  SharedWant want;
  const UnixMillis now = unix_now();
  want.since = bound.reuse ? now - std::chrono::duration_cast<Millis>(*bound.reuse).count() : now;
  want.lease = gateway_timeout + Millis(250);
  return want;
}

// Calls (or reuses, or joins) every selected gateway at once, as the slot policy decides;
// returns when each has answered or reached its own deadline. A failed gateway falls back to
// its last good answer while the bound allows.
template <typename T>
asio::awaitable<std::vector<Fetch<T>>> fan_out(std::shared_ptr<Impl> self, std::vector<std::size_t> selection,
                                              DataBound bound, asio::awaitable<Result<T>> (gateways::Gateway::*call)()) {
  const SteadyTime now = self->clock.steady();
  std::vector<Fetch<T>> fetches(selection.size());
  std::vector<std::shared_ptr<GatewayCall<T>>> calls(selection.size());
  std::vector<std::size_t> to_start;
  std::vector<std::uint64_t> generations(selection.size());
  {
    std::lock_guard lock(self->store_mutex);
    auto& slots = self->template slots_of<T>();
    for (std::size_t i = 0; i < selection.size(); ++i) {
      const std::size_t index = selection[i];
      auto& slot = slots[index];
      fetches[i].index = index;
      switch (decide_slot(slot.state(), bound, now)) {
        case SlotAction::reuse:
          fetches[i].data = slot.last_good;
          fetches[i].latency = slot.last_good->latency;
          fetches[i].cached = true;
          fetches[i].contacted_at = slot.last_good->completed_at;
          break;
        case SlotAction::join:
          calls[i] = slot.in_flight;
          break;
        case SlotAction::call:
          slot.in_flight = std::make_shared<GatewayCall<T>>(
              self->executor, CallDeadline::after(self->gateways[index].timeout), self->clock.steady);
          calls[i] = slot.in_flight;
          generations[i] = slot.generation;
          to_start.push_back(i);
          break;
      }
    }
  }
  for (const std::size_t i : to_start) {
    const std::size_t index = selection[i];
    auto on_done = [weak = std::weak_ptr<Impl>(self), index, generation = generations[i]](
                       const GatewayCall<T>& done, const CallOutcomePtr<T>& outcome) {
      if (auto impl = weak.lock()) impl->template record<T>(index, &done, generation, outcome);
    };
    const auto& entry = self->gateways[index];
    if (self->shared) {
      calls[i]->start_answered([shared = self->shared, call, gateway = entry.gateway,
                                want = shared_want(bound, entry.timeout)] {
        return shared_call<T>(shared, gateway, call, want);
      }, std::move(on_done));
    } else {
      calls[i]->start([call, gateway = entry.gateway] { return ((*gateway).*call)(); }, std::move(on_done));
    }
  }
  auto waiting = await_every(calls);
  const auto outcomes = co_await std::move(waiting);
  for (std::size_t i = 0; i < selection.size(); ++i) {
    if (!outcomes[i]) continue;
    const auto& outcome = outcomes[i];
    Fetch<T>& fetch = fetches[i];
    fetch.latency = outcome->latency;
    fetch.contacted_at = outcome->completed_at;
    if (outcome->value) {
      fetch.data = outcome;
      fetch.cached = outcome->reused;
      continue;
    }
    fetch.error = outcome->error;
    std::lock_guard lock(self->store_mutex);
    const auto& last_good = self->template slots_of<T>()[fetch.index].last_good;
    if (last_good && may_fall_back(last_good->completed_at, bound, self->clock.steady())) {
      fetch.data = last_good;
      fetch.cached = true;
    }
  }
  co_return fetches;
}

template <typename T>
std::vector<GatewayStatus> statuses_of(const Impl& self, const std::vector<Fetch<T>>& fetches, SteadyTime now) {
  std::vector<GatewayStatus> out;
  out.reserve(fetches.size());
  for (const auto& fetch : fetches) {
    GatewayStatus status;
    status.id = self.ids[fetch.index];
    status.type = self.types[fetch.index];
    status.ok = !fetch.error.has_value();
    status.latency_ms = fetch.latency.count();
    status.cached = fetch.cached;
    if (fetch.data) status.age_ms = elapsed(fetch.data->completed_at, now).count();
    status.error = fetch.error;
    out.push_back(std::move(status));
  }
  return out;
}

// The view when at least one gateway has data to show (or none was selected), else
// no_gateway_answered with every gateway's status.
template <typename T, typename View>
AssembledPtr assemble_answer(const std::vector<Fetch<T>>& fetches, SteadyTime now, std::shared_ptr<const View> view,
                             std::string (*render)(const View&, const std::vector<GatewayStatus>*)) {
  auto out = std::make_shared<ViewAssembled>();
  out->contacted_at = now;
  out->data_at = now;
  bool any_data = false;
  std::vector<std::optional<SteadyTime>> fetched_at;
  for (const auto& fetch : fetches) {
    out->contacted_at = std::min(out->contacted_at, fetch.contacted_at);
    if (fetch.data) {
      any_data = true;
      out->data_at = std::min(out->data_at, fetch.data->completed_at);
      fetched_at.emplace_back(fetch.data->completed_at);
    } else {
      fetched_at.emplace_back();
    }
  }
  out->answer.as_of = view->as_of;
  if (!any_data && !fetches.empty()) {
    out->answer.error = ViewError::no_gateway_answered;
    out->answer.detail = "none of the selected gateways answered";
    out->answer.gateways = std::make_shared<const std::vector<GatewayStatus>>(view->gateways);
    return out;
  }
  out->answer.body = std::make_shared<const std::string>(render(*view, nullptr));
  out->render_stale = [view, render, fetched_at = std::move(fetched_at)](SteadyTime at) {
    std::vector<GatewayStatus> marked = view->gateways;
    for (std::size_t i = 0; i < marked.size() && i < fetched_at.size(); ++i) {
      if (!fetched_at[i]) continue;
      marked[i].cached = true;
      marked[i].age_ms = elapsed(*fetched_at[i], at).count();
    }
    return render(*view, &marked);
  };
  return out;
}

// One generic path for every view: fan out its call, build the view, render it.
template <typename T, typename View>
asio::awaitable<AssembledPtr> assemble_view(std::shared_ptr<Impl> self, std::shared_ptr<Flight> flight,
                                            ViewSpec<T, View> spec) {
  auto calls = fan_out<T>(self, flight->selection, flight->plan.bound, spec.call);
  auto fetches = co_await std::move(calls);
  const SteadyTime now = self->clock.steady();
  Sources<T> sources;
  for (const auto& fetch : fetches) {
    if (fetch.data) sources.emplace_back(self->ids[fetch.index], fetch.data->value.get());
  }
  auto view = std::make_shared<const View>(
      spec.build(sources, statuses_of(*self, fetches, now), flight->assets, self->system_now()));
  co_return assemble_answer<T, View>(fetches, now, std::move(view), spec.render);
}

asio::awaitable<AssembledPtr> assemble(std::shared_ptr<Impl> self, std::shared_ptr<Flight> flight) {
  switch (flight->kind) {
    case ViewKind::balances: return assemble_view(std::move(self), std::move(flight), balances_spec);
    case ViewKind::prices: return assemble_view(std::move(self), std::move(flight), prices_spec);
    case ViewKind::coins: return assemble_view(std::move(self), std::move(flight), coins_spec);
  }
  throw std::logic_error("unknown view kind");
}

asio::awaitable<void> run_flight(std::shared_ptr<Impl> self, std::shared_ptr<Flight> flight) {
  AssembledPtr assembled;
  try {
    auto assembling = assemble(self, flight);
    assembled = co_await std::move(assembling);
  } catch (const std::exception& e) {
    log::error("view fan-out failed", {{"view", to_string(flight->kind)}, {"error", std::string_view(e.what())}});
    auto failed = std::make_shared<Assembled>();
    failed->answer = error_answer(ViewError::internal, "the view could not be assembled");
    failed->cacheable = false;
    assembled = std::move(failed);
  }
  {
    std::lock_guard lock(self->cache_mutex);
    self->policy.settle(flight->key, flight->plan, assembled);
    self->flights.erase(flight->plan.id);
  }
  flight->outcome->set(assembled);
}

// One view's cache counters after a decision of the policy (the policy's own count all views).
void count_decision(ViewCacheStats& stats, const CacheDecision& decision) {
  switch (decision.action) {
    case CacheDecision::Action::serve_fresh: ++stats.hits; break;
    case CacheDecision::Action::serve_stale: ++stats.stale_hits; break;
    case CacheDecision::Action::join: ++stats.misses; ++stats.coalesced; break;
    case CacheDecision::Action::fan_out: ++stats.misses; break;
  }
  if (decision.start) ++stats.fan_outs;
}

// A stored answer served as is (fresh) or marked stale, rendered once per stored answer.
ViewAnswer served(const CacheDecision& decision, SteadyTime now) {
  ViewAnswer answer = decision.answer->answer;
  answer.age = std::chrono::duration_cast<Millis>(decision.age);
  if (decision.action == CacheDecision::Action::serve_fresh) {
    answer.source = ViewAnswer::Source::cache;
    return answer;
  }
  answer.source = ViewAnswer::Source::stale;
  const auto& from = static_cast<const ViewAssembled&>(*decision.answer);
  std::lock_guard lock(from.stale_mutex);
  if (!from.stale_body) from.stale_body = std::make_shared<const std::string>(from.render_stale(now));
  answer.body = from.stale_body;
  return answer;
}

// The hot path: a lookup and a shared_ptr copy under the lock, nothing else. Only a validated
// selection ever creates an entry, so a hit needs no validation.
std::optional<ViewAnswer> fresh_hit(Impl& self, ViewKind kind, const ViewQuery& query, const std::string& key,
                                    SteadyTime arrival) {
  std::lock_guard lock(self.cache_mutex);
  auto hit = self.policy.fresh(key, query.max_age, arrival);
  if (!hit) return std::nullopt;
  ++self.view_stats[static_cast<std::size_t>(kind)].hits;
  return served(*hit, arrival);
}

asio::awaitable<ViewAnswer> get_view(std::shared_ptr<Impl> self, ViewKind kind, ViewQuery query) {
  const std::string key = self->key_for(kind, query);
  const SteadyTime arrival = self->clock.steady();
  if (auto hit = fresh_hit(*self, kind, query, key, arrival)) co_return std::move(*hit);

  auto selection = self->select(kind, query);
  if (auto* rejected = std::get_if<ViewAnswer>(&selection)) co_return std::move(*rejected);
  CacheDecision decision;
  std::shared_ptr<Flight> launch;
  std::shared_ptr<Flight> wait_for;
  {
    std::lock_guard lock(self->cache_mutex);
    decision = self->policy.decide(key, query.max_age, arrival);
    count_decision(self->view_stats[static_cast<std::size_t>(kind)], decision);
    if (decision.start) {
      launch = std::make_shared<Flight>();
      launch->key = key;
      launch->kind = kind;
      launch->selection = std::get<std::vector<std::size_t>>(selection);
      launch->assets = query.assets;
      launch->plan = *decision.start;
      self->flights.emplace(launch->plan.id, launch);
    }
    if (decision.action == CacheDecision::Action::join || decision.action == CacheDecision::Action::fan_out) {
      wait_for = self->flights.at(decision.wait_for);
    }
  }
  if (launch) asio::co_spawn(self->executor, run_flight(self, launch), asio::detached);
  if (!wait_for) co_return served(decision, arrival);
  auto waiting = wait_for->outcome->wait();
  const AssembledPtr assembled = co_await std::move(waiting);
  co_return assembled->answer;
}

}  // namespace

asio::awaitable<ViewAnswer> Views::get(ViewKind kind, ViewQuery query) {
  return get_view(impl_, kind, std::move(query));
}

std::optional<ViewAnswer> Views::cached(ViewKind kind, const ViewQuery& query) {
  // The common question (no selection) has its key made once.
  if (query.gateways.empty() && query.assets.empty()) {
    return fresh_hit(*impl_, kind, query, impl_->default_keys[static_cast<std::size_t>(kind)], impl_->clock.steady());
  }
  return fresh_hit(*impl_, kind, query, impl_->key_for(kind, query), impl_->clock.steady());
}

ViewAnswer Views::gateways() const { return impl_->gateway_health_answer(); }

void Views::invalidate_balances(std::string_view gateway_id) {
  const auto it = std::find(impl_->ids.begin(), impl_->ids.end(), gateway_id);
  if (it == impl_->ids.end()) return;
  {
    std::lock_guard lock(impl_->store_mutex);
    auto& slot = impl_->slots_of<BalanceSnapshot>()[static_cast<std::size_t>(it - impl_->ids.begin())];
    slot.last_good.reset();
    slot.in_flight.reset();
    ++slot.generation;
  }
  if (impl_->shared) {
    asio::co_spawn(impl_->executor, impl_->shared->forget(shared_name<BalanceSnapshot>(gateway_id)), asio::detached);
  }
  std::lock_guard lock(impl_->cache_mutex);
  impl_->policy.invalidate();
}

const std::vector<std::string>& Views::gateway_ids() const { return impl_->ids; }

const config::CacheConfig& Views::cache_config() const { return impl_->cache; }

ViewCacheStats Views::cache_stats() const {
  std::lock_guard lock(impl_->cache_mutex);
  return impl_->policy.stats();
}

ViewCacheStats Views::cache_stats(ViewKind kind) const {
  std::lock_guard lock(impl_->cache_mutex);
  ViewCacheStats out = impl_->view_stats[static_cast<std::size_t>(kind)];
  out.entries = impl_->policy.stats().entries;
  return out;
}

std::shared_ptr<Views> make_views(std::vector<ViewGateway> gateways, config::CacheConfig cache,
                                  asio::any_io_executor executor, ViewClock clock, std::shared_ptr<SharedCalls> shared) {
  return std::make_shared<Views>(std::make_shared<Views::Impl>(std::move(gateways), cache, std::move(executor),
                                                               std::move(clock), std::move(shared)));
}

}  // namespace coinfan::aggregate
