#include "coinfan/aggregate/views.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "aggregate/gateway_call.hpp"
#include "aggregate/shared_outcome.hpp"
#include "coinfan/aggregate/merge.hpp"
#include "coinfan/aggregate/render.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/message.hpp"

namespace coinfan::aggregate {

namespace asio = boost::asio;
using detail::CallOutcome;
using detail::GatewayCall;
using detail::SharedOutcome;
using detail::Snapshot;
using detail::SteadyTime;
using Millis = std::chrono::milliseconds;

namespace {

using gateways::BalanceSnapshot;
using PriceList = std::vector<Price>;
using CoinList = std::vector<Coin>;

Millis elapsed(SteadyTime from, SteadyTime to) {
  return to > from ? std::chrono::duration_cast<Millis>(to - from) : Millis(0);
}

// One gateway's state for one kind of call.
template <typename T>
struct Slot {
  std::shared_ptr<const Snapshot<T>> last_good;
  std::shared_ptr<GatewayCall<T>> in_flight;
};

// What the views have seen of a gateway, for GET /v1/gateways.
struct Health {
  std::optional<bool> last_ok;
  std::optional<TimePointMs> last_success_at;
  std::optional<Error> last_error;
  std::optional<TimePointMs> last_error_at;
  std::optional<Millis> last_latency;
};

// One gateway's part in one fan-out.
template <typename T>
struct Fetch {
  std::size_t index = 0;
  std::shared_ptr<const Snapshot<T>> data;  // null when nothing can be shown
  std::optional<Error> error;
  Millis latency{0};
  bool cached = false;
  SteadyTime contacted_at{};
};

// One fan-out's product, as the response cache keeps it.
struct Assembled {
  ViewAnswer answer;
  SteadyTime contacted_at{};  // the oldest upstream contact: freshness counts from here
  SteadyTime data_at{};       // the oldest data shown: staleness and max_age count from here
  bool cacheable = true;
  // The same data marked cached with its ages at a later time; empty for failures (never
  // served stale).
  std::function<std::string(SteadyTime)> render_stale;
};
using AssembledPtr = std::shared_ptr<const Assembled>;

struct Flight {
  std::string key;
  ViewKind kind = ViewKind::balances;
  std::vector<std::size_t> selection;  // gateway indices, configuration order
  std::vector<std::string> assets;
  Millis accept_age{0};  // a gateway's last good answer at most this old is reused
  std::shared_ptr<SharedOutcome<AssembledPtr>> outcome = SharedOutcome<AssembledPtr>::create();
};

// `current` marked stale: rendered once, by the first stale request, outside the cache lock
// (concurrent stale requests wait on `mutex` instead of rendering it again).
struct StaleBody {
  std::mutex mutex;
  std::shared_ptr<const std::string> body;
};

struct CacheEntry {
  AssembledPtr current;
  std::shared_ptr<StaleBody> stale;  // for `current`
  std::shared_ptr<Flight> flight;     // the fan-out that identical requests join
};

struct Decision {
  std::optional<ViewAnswer> ready;
  AssembledPtr stale_from;  // answer with this marked stale
  std::shared_ptr<StaleBody> stale;
  std::shared_ptr<Flight> wait_for;
  std::shared_ptr<Flight> launch;
};

template <typename T>
typename GatewayCall<T>::Invoke invoker(std::shared_ptr<gateways::Gateway> gateway) {
  if constexpr (std::is_same_v<T, BalanceSnapshot>) {
    return [gateway] { return gateway->balances(); };
  } else if constexpr (std::is_same_v<T, PriceList>) {
    return [gateway] { return gateway->prices(); };
  } else {
    return [gateway] { return gateway->coins(); };
  }
}

ViewAnswer problem_answer(unsigned status, std::string_view code, std::string_view detail) {
  auto response = http::problem(status, code, detail);
  return ViewAnswer{status, true, std::make_shared<const std::string>(std::move(response.body)),
                    ViewAnswer::Source::fan_out, Millis(0)};
}

std::string_view circuit_name(upstream::BreakerState state) {
  switch (state) {
    case upstream::BreakerState::closed: return "closed";
    case upstream::BreakerState::open: return "open";
    case upstream::BreakerState::half_open: return "half_open";
  }
  return "closed";
}

}  // namespace

struct Views::Impl : std::enable_shared_from_this<Views::Impl> {
  Impl(std::vector<ViewGateway> list, config::CacheConfig cache_config, asio::any_io_executor ex, ViewClock view_clock)
      : gateways(std::move(list)), cache(cache_config), executor(std::move(ex)), clock(std::move(view_clock)) {
    for (const auto& entry : gateways) {
      ids.push_back(entry.gateway->id());
      types.emplace_back(config::to_string(entry.gateway->type()));
    }
    balance_slots.resize(gateways.size());
    price_slots.resize(gateways.size());
    coin_slots.resize(gateways.size());
    health.resize(gateways.size());
    for (const ViewKind kind : {ViewKind::balances, ViewKind::prices, ViewKind::coins}) {
      auto& sorted = default_ids[static_cast<std::size_t>(kind)];
      const auto selection = select(kind, ViewQuery{});
      for (const auto index : selection.value()) sorted.push_back(ids[index]);
      std::sort(sorted.begin(), sorted.end());
    }
  }

  std::vector<ViewGateway> gateways;
  std::vector<std::string> ids;    // configuration order
  std::vector<std::string> types;  // config spelling
  std::array<std::vector<std::string>, 3> default_ids;  // per ViewKind: its default selection, sorted
  config::CacheConfig cache;
  asio::any_io_executor executor;
  ViewClock clock;

  mutable std::mutex store_mutex;  // guards the slots and health
  std::vector<Slot<BalanceSnapshot>> balance_slots;
  std::vector<Slot<PriceList>> price_slots;
  std::vector<Slot<CoinList>> coin_slots;
  std::vector<Health> health;

  mutable std::mutex cache_mutex;  // guards entries and stats
  std::unordered_map<std::string, CacheEntry> entries;
  ViewCacheStats stats;

  template <typename T>
  std::vector<Slot<T>>& slots() {
    if constexpr (std::is_same_v<T, BalanceSnapshot>) {
      return balance_slots;
    } else if constexpr (std::is_same_v<T, PriceList>) {
      return price_slots;
    } else {
      return coin_slots;
    }
  }

  TimePointMs system_now() const { return std::chrono::floor<Millis>(clock.system()); }

  // The gateways a query selects, in configuration order.
  Result<std::vector<std::size_t>> select(ViewKind kind, const ViewQuery& query) const {
    std::vector<std::size_t> out;
    if (query.gateways.empty()) {
      for (std::size_t i = 0; i < gateways.size(); ++i) {
        if (kind != ViewKind::coins || gateways[i].gateway->has_coins()) out.push_back(i);
      }
      return out;
    }
    for (const auto& id : query.gateways) {
      auto it = std::find(ids.begin(), ids.end(), id);
      if (it == ids.end()) return make_error(ErrorCode::invalid_argument, "gateway: unknown gateway id '" + id + "'");
      const auto index = static_cast<std::size_t>(it - ids.begin());
      if (kind == ViewKind::coins && !gateways[index].gateway->has_coins()) {
        return make_error(ErrorCode::invalid_argument, "gateway: '" + id + "' has no coin catalogue");
      }
      out.push_back(index);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // A finished call updates the gateway's slot and health before any waiter resumes.
  template <typename T>
  void record(std::size_t index, const GatewayCall<T>* call, const CallOutcome<T>& outcome) {
    const TimePointMs now = system_now();
    std::lock_guard lock(store_mutex);
    auto& slot = slots<T>()[index];
    if (slot.in_flight.get() == call) slot.in_flight.reset();
    if (outcome.data) slot.last_good = outcome.data;
    Health& h = health[index];
    h.last_ok = !outcome.error.has_value();
    h.last_latency = outcome.latency;
    if (outcome.error) {
      h.last_error = *outcome.error;
      h.last_error_at = now;
    } else {
      h.last_success_at = now;
    }
  }

  CacheEntry& entry_for(const std::string& key, SteadyTime now) {
    if (auto it = entries.find(key); it != entries.end()) return it->second;
    if (entries.size() >= max_cached_views) evict(now);
    return entries.try_emplace(key).first->second;
  }

  // Drops entries nobody may be served any more, then the least recently contacted ones.
  void evict(SteadyTime now) {
    for (auto it = entries.begin(); it != entries.end();) {
      const auto& entry = it->second;
      const bool expired = !entry.current || (elapsed(entry.current->contacted_at, now) > cache.fresh &&
                                              (!entry.current->render_stale ||
                                               elapsed(entry.current->data_at, now) > cache.stale));
      it = (!entry.flight && expired) ? entries.erase(it) : std::next(it);
    }
    while (entries.size() >= max_cached_views) {
      auto oldest = entries.end();
      for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (it->second.flight || !it->second.current) continue;
        if (oldest == entries.end() || it->second.current->contacted_at < oldest->second.current->contacted_at) oldest = it;
      }
      if (oldest == entries.end()) break;
      entries.erase(oldest);
    }
  }

  std::shared_ptr<Flight> new_flight(const std::string& key, ViewKind kind, const std::vector<std::size_t>& selection,
                                     const std::vector<std::string>& assets, Millis accept_age) {
    auto flight = std::make_shared<Flight>();
    flight->key = key;
    flight->kind = kind;
    flight->selection = selection;
    flight->assets = assets;
    flight->accept_age = accept_age;
    ++stats.fan_outs;
    return flight;
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

  // A fresh answer the query accepts, counted as a hit; call with cache_mutex held.
  std::optional<ViewAnswer> fresh_answer(const CacheEntry& entry, const ViewQuery& query, SteadyTime now) {
    if (!entry.current) return std::nullopt;
    const Assembled& current = *entry.current;
    const Millis data_age = elapsed(current.data_at, now);
    if (query.max_age && data_age > *query.max_age) return std::nullopt;
    if (elapsed(current.contacted_at, now) > cache.fresh) return std::nullopt;
    ++stats.hits;
    ViewAnswer answer = current.answer;
    answer.source = ViewAnswer::Source::cache;
    answer.age = data_age;
    return answer;
  }

  // The hot path: a lookup and a shared_ptr copy under the lock, nothing else.
  std::optional<ViewAnswer> cached_answer(const std::string& key, const ViewQuery& query) {
    const SteadyTime now = clock.steady();
    std::lock_guard lock(cache_mutex);
    auto it = entries.find(key);
    if (it == entries.end()) return std::nullopt;
    return fresh_answer(it->second, query, now);
  }

  // The whole cache policy, under one short lock: serve, serve stale and refresh, or wait.
  Decision decide(const std::string& key, ViewKind kind, const std::vector<std::size_t>& selection,
                  const ViewQuery& query) {
    const SteadyTime now = clock.steady();
    const Millis accept = query.max_age ? std::min(*query.max_age, cache.fresh) : cache.fresh;
    Decision decision;
    std::lock_guard lock(cache_mutex);
    CacheEntry& entry = entry_for(key, now);
    if ((decision.ready = fresh_answer(entry, query, now))) return decision;
    if (entry.current) {
      const Assembled& current = *entry.current;
      const Millis data_age = elapsed(current.data_at, now);
      const bool acceptable = !query.max_age || data_age <= *query.max_age;
      if (acceptable && current.render_stale && data_age <= cache.stale) {
        ++stats.stale_hits;
        if (!entry.flight) entry.flight = decision.launch = new_flight(key, kind, selection, query.assets, cache.fresh);
        if (!entry.stale) entry.stale = std::make_shared<StaleBody>();
        decision.stale = entry.stale;
        decision.stale_from = entry.current;
        return decision;
      }
    }
    ++stats.misses;
    if (entry.flight && entry.flight->accept_age <= accept) {
      decision.wait_for = entry.flight;
    } else {
      entry.flight = decision.launch = decision.wait_for = new_flight(key, kind, selection, query.assets, accept);
    }
    return decision;
  }

  // A finished fan-out becomes the entry's answer unless a newer one is already there.
  void settle(const std::shared_ptr<Flight>& flight, const AssembledPtr& assembled) {
    std::lock_guard lock(cache_mutex);
    CacheEntry& entry = entries.try_emplace(flight->key).first->second;
    if (entry.flight == flight) entry.flight.reset();
    if (!assembled->cacheable) return;
    if (!entry.current || assembled->contacted_at >= entry.current->contacted_at) {
      entry.current = assembled;
      entry.stale.reset();
    }
  }

  ViewAnswer gateway_health_answer() const {
    std::vector<Health> seen;
    {
      std::lock_guard lock(store_mutex);
      seen = health;
    }
    std::vector<GatewayHealth> list;
    list.reserve(gateways.size());
    for (std::size_t i = 0; i < gateways.size(); ++i) {
      const auto& gateway = *gateways[i].gateway;
      const auto stats_now = gateway.stats();
      GatewayHealth entry;
      entry.id = ids[i];
      entry.type = types[i];
      entry.circuit = circuit_name(gateway.breaker_state());
      entry.health = gateway_health(seen[i].last_ok, entry.circuit);
      entry.last_success_at = seen[i].last_success_at;
      entry.last_error = seen[i].last_error;
      entry.last_error_at = seen[i].last_error_at;
      if (seen[i].last_latency) entry.last_latency_ms = seen[i].last_latency->count();
      entry.requests = stats_now.requests;
      entry.in_flight = stats_now.in_flight;
      list.push_back(std::move(entry));
    }
    return ViewAnswer{200, false, std::make_shared<const std::string>(render_gateway_health(list, system_now())),
                      ViewAnswer::Source::fan_out, Millis(0)};
  }
};

namespace {

using Impl = Views::Impl;

// Calls (or reuses, or joins) every selected gateway at once; returns when each has answered
// or reached its own deadline. A failed gateway falls back to its last good answer while that
// is younger than cache.stale.
// Every awaited operation below is named before `co_await`: g++ 12 can destroy temporaries
// of a co_await expression twice.
template <typename T>
asio::awaitable<std::vector<Fetch<T>>> fan_out(std::shared_ptr<Impl> self, std::vector<std::size_t> selection,
                                              Millis accept_age) {
  const SteadyTime now = self->clock.steady();
  std::vector<Fetch<T>> fetches(selection.size());
  std::vector<std::shared_ptr<GatewayCall<T>>> calls(selection.size());
  std::vector<std::size_t> to_start;
  {
    std::lock_guard lock(self->store_mutex);
    auto& slots = self->template slots<T>();
    for (std::size_t i = 0; i < selection.size(); ++i) {
      const std::size_t index = selection[i];
      auto& slot = slots[index];
      fetches[i].index = index;
      if (slot.last_good && elapsed(slot.last_good->fetched_at, now) <= accept_age) {
        fetches[i].data = slot.last_good;
        fetches[i].latency = slot.last_good->latency;
        fetches[i].cached = true;
        fetches[i].contacted_at = slot.last_good->fetched_at;
      } else if (slot.in_flight) {
        calls[i] = slot.in_flight;
      } else {
        slot.in_flight = std::make_shared<GatewayCall<T>>(self->executor, self->gateways[index].timeout,
                                                          self->clock.steady);
        calls[i] = slot.in_flight;
        to_start.push_back(i);
      }
    }
  }
  for (const std::size_t i : to_start) {
    const std::size_t index = selection[i];
    calls[i]->start(invoker<T>(self->gateways[index].gateway),
                    [weak = std::weak_ptr<Impl>(self), index](const GatewayCall<T>& call, const CallOutcome<T>& outcome) {
                      if (auto impl = weak.lock()) impl->template record<T>(index, &call, outcome);
                    });
  }
  // Every call is already running: awaiting them one after another ends with the slowest.
  for (std::size_t i = 0; i < selection.size(); ++i) {
    if (!calls[i]) continue;
    auto waiting = calls[i]->wait();
    const auto outcome = co_await std::move(waiting);
    Fetch<T>& fetch = fetches[i];
    fetch.latency = outcome->latency;
    fetch.contacted_at = outcome->completed_at;
    if (outcome->data) {
      fetch.data = outcome->data;
      continue;
    }
    fetch.error = outcome->error;
    std::lock_guard lock(self->store_mutex);
    const auto& last_good = self->template slots<T>()[fetch.index].last_good;
    if (last_good && elapsed(last_good->fetched_at, self->clock.steady()) <= self->cache.stale) {
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
    if (fetch.data) status.age_ms = elapsed(fetch.data->fetched_at, now).count();
    status.error = fetch.error;
    out.push_back(std::move(status));
  }
  return out;
}

// 200 with the view when at least one gateway has data to show (or none was selected),
// else 502 listing every gateway's error.
template <typename T, typename View>
AssembledPtr assemble_answer(const std::vector<Fetch<T>>& fetches, SteadyTime now, std::shared_ptr<const View> view,
                             std::string (*render)(const View&, const std::vector<GatewayStatus>*)) {
  auto out = std::make_shared<Assembled>();
  out->contacted_at = now;
  out->data_at = now;
  bool any_data = false;
  std::vector<std::optional<SteadyTime>> fetched_at;
  for (const auto& fetch : fetches) {
    out->contacted_at = std::min(out->contacted_at, fetch.contacted_at);
    if (fetch.data) {
      any_data = true;
      out->data_at = std::min(out->data_at, fetch.data->fetched_at);
      fetched_at.emplace_back(fetch.data->fetched_at);
    } else {
      fetched_at.emplace_back();
    }
  }
  if (!any_data && !fetches.empty()) {
    out->answer = ViewAnswer{502, true,
                             std::make_shared<const std::string>(render_gateways_failed(
                                 "none of the selected gateways answered", view->as_of, view->gateways)),
                             ViewAnswer::Source::fan_out, Millis(0)};
    return out;
  }
  out->answer = ViewAnswer{200, false, std::make_shared<const std::string>(render(*view, nullptr)),
                           ViewAnswer::Source::fan_out, Millis(0)};
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

asio::awaitable<AssembledPtr> assemble(std::shared_ptr<Impl> self, std::shared_ptr<Flight> flight) {
  switch (flight->kind) {
    case ViewKind::balances: {
      auto calls = fan_out<BalanceSnapshot>(self, flight->selection, flight->accept_age);
      auto fetches = co_await std::move(calls);
      const SteadyTime now = self->clock.steady();
      std::vector<GatewayBalances> sources;
      for (const auto& fetch : fetches) {
        if (fetch.data) sources.push_back({self->ids[fetch.index], fetch.data->value.balances, fetch.data->value.prices});
      }
      auto view = std::make_shared<const BalanceView>(
          build_balance_view(sources, statuses_of(*self, fetches, now), flight->assets, self->system_now()));
      co_return assemble_answer(fetches, now, std::move(view), &render_balance_view);
    }
    case ViewKind::prices: {
      auto calls = fan_out<PriceList>(self, flight->selection, flight->accept_age);
      auto fetches = co_await std::move(calls);
      const SteadyTime now = self->clock.steady();
      std::vector<Price> prices;
      for (const auto& fetch : fetches) {
        if (!fetch.data) continue;
        for (Price price : fetch.data->value) {
          price.gateway = self->ids[fetch.index];
          prices.push_back(std::move(price));
        }
      }
      auto view = std::make_shared<const PriceView>(
          build_price_view(prices, statuses_of(*self, fetches, now), flight->assets, self->system_now()));
      co_return assemble_answer(fetches, now, std::move(view), &render_price_view);
    }
    case ViewKind::coins: {
      auto calls = fan_out<CoinList>(self, flight->selection, flight->accept_age);
      auto fetches = co_await std::move(calls);
      const SteadyTime now = self->clock.steady();
      std::vector<GatewayCoins> sources;
      for (const auto& fetch : fetches) {
        if (fetch.data) sources.push_back({self->ids[fetch.index], fetch.data->value});
      }
      auto view = std::make_shared<const CoinView>(
          build_coin_view(sources, statuses_of(*self, fetches, now), flight->assets, self->system_now()));
      co_return assemble_answer(fetches, now, std::move(view), &render_coin_view);
    }
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
    failed->answer = problem_answer(500, "internal", "the view could not be assembled");
    failed->cacheable = false;
    assembled = std::move(failed);
  }
  self->settle(flight, assembled);
  flight->outcome->set(assembled);
}

asio::awaitable<ViewAnswer> get_view(std::shared_ptr<Impl> self, ViewKind kind, ViewQuery query) {
  // Only a validated selection ever creates an entry, so a hit needs no validation.
  const std::string key = self->key_for(kind, query);
  if (auto hit = self->cached_answer(key, query)) co_return std::move(*hit);

  auto selection = self->select(kind, query);
  if (!selection) co_return problem_answer(400, "invalid_argument", selection.error().detail);
  Decision decision = self->decide(key, kind, *selection, query);
  if (decision.launch) asio::co_spawn(self->executor, run_flight(self, decision.launch), asio::detached);
  if (decision.ready) co_return std::move(*decision.ready);
  if (decision.stale_from) {
    const SteadyTime now = self->clock.steady();
    const Assembled& from = *decision.stale_from;
    std::shared_ptr<const std::string> body;
    {
      std::lock_guard lock(decision.stale->mutex);
      if (!decision.stale->body) decision.stale->body = std::make_shared<const std::string>(from.render_stale(now));
      body = decision.stale->body;
    }
    co_return ViewAnswer{from.answer.status, from.answer.problem, std::move(body), ViewAnswer::Source::stale,
                         elapsed(from.data_at, now)};
  }
  auto waiting = decision.wait_for->outcome->wait();
  const AssembledPtr assembled = co_await std::move(waiting);
  co_return assembled->answer;
}

}  // namespace

asio::awaitable<ViewAnswer> Views::get(ViewKind kind, ViewQuery query) {
  return get_view(impl_, kind, std::move(query));
}

Result<ViewQuery> Views::parse_query(std::string_view raw_query) const {
  return parse_view_query(raw_query, impl_->ids);
}

ViewAnswer Views::gateways() const { return impl_->gateway_health_answer(); }

const std::vector<std::string>& Views::gateway_ids() const { return impl_->ids; }

ViewCacheStats Views::cache_stats() const {
  std::lock_guard lock(impl_->cache_mutex);
  ViewCacheStats stats = impl_->stats;
  stats.entries = impl_->entries.size();
  return stats;
}

std::shared_ptr<Views> make_views(std::vector<ViewGateway> gateways, config::CacheConfig cache,
                                  asio::any_io_executor executor, ViewClock clock) {
  return std::make_shared<Views>(
      std::make_shared<Views::Impl>(std::move(gateways), cache, std::move(executor), std::move(clock)));
}

}  // namespace coinfan::aggregate
