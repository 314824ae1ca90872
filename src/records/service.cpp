#include "coinfan/records/service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <utility>

#include "coinfan/gateways/gateway.hpp"
#include "coinfan/records/cursor.hpp"
#include "coinfan/records/merge.hpp"
#include "coinfan/records/render.hpp"

namespace coinfan::records {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct RecordsService::Impl {
  struct Entry {
    std::shared_ptr<gateways::Gateway> gateway;
    std::chrono::milliseconds timeout{5000};
  };

  Impl(std::vector<Entry> entries_in, std::vector<RecordGatewayInfo> infos_in, CursorCodec codec_in,
       asio::any_io_executor executor_in, std::function<std::chrono::system_clock::time_point()> now_in)
      : entries(std::move(entries_in)),
        infos(std::move(infos_in)),
        codec(std::move(codec_in)),
        executor(std::move(executor_in)),
        now(std::move(now_in)) {}

  const Entry* find(std::string_view id) const {
    const auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.gateway->id() == id; });
    return it == entries.end() ? nullptr : &*it;
  }

  TimePointMs as_of() const { return std::chrono::time_point_cast<std::chrono::milliseconds>(now()); }

  std::vector<Entry> entries;  // configuration order
  std::vector<RecordGatewayInfo> infos;
  CursorCodec codec;
  asio::any_io_executor executor;
  std::function<std::chrono::system_clock::time_point()> now;
};

namespace {

using ImplPtr = std::shared_ptr<const RecordsService::Impl>;

// The upstream side of the query: what every source's list call sends besides its nextId.
struct UpstreamWindow {
  std::optional<std::string> user_id;
  std::optional<std::int64_t> start_at;  // unix seconds, inclusive upstream
  std::optional<std::int64_t> end_at;
};

UpstreamWindow upstream_window(const RecordQuery& query) {
  UpstreamWindow window;
  window.user_id = query.user_id;
  // Upstream times are whole seconds: ask for a window that contains [since, until); the
  // merge cuts it exactly.
  if (query.since) {
    window.start_at = std::chrono::floor<std::chrono::seconds>(*query.since).time_since_epoch().count();
  }
  if (query.until) {
    window.end_at = std::chrono::ceil<std::chrono::seconds>(*query.until).time_since_epoch().count();
  }
  return window;
}

Error timeout_error(std::chrono::milliseconds budget) {
  return make_error(ErrorCode::timeout, "no answer within " + std::to_string(budget.count()) + " ms");
}

asio::awaitable<Result<SourcePage>> read_source(std::shared_ptr<gateways::Gateway> gateway, SourceKind kind,
                                                UpstreamWindow window, std::string page_id) {
  auto* source = gateway->records();
  if (source == nullptr) co_return make_error(ErrorCode::internal, "gateway has no records");
  SourcePage out;
  if (kind == SourceKind::swap) {
    gateways::SwapRecordFilter filter;
    filter.user_id = window.user_id;
    filter.start_at = window.start_at;
    filter.end_at = window.end_at;
    filter.next_id = std::move(page_id);
    auto page = co_await source->swap_records(std::move(filter));
    if (!page) co_return std::move(page).error();
    out.records.reserve(page->records.size());
    for (auto& record : page->records) {
      record.gateway = gateway->id();
      out.records.emplace_back(std::move(record));
    }
    out.next_id = std::move(page->next_id);
    co_return out;
  }
  gateways::TransferRecordFilter filter;
  if (kind == SourceKind::transfer_from) {
    filter.from_user_id = window.user_id;
  } else {
    filter.to_user_id = window.user_id;
  }
  filter.start_at = window.start_at;
  filter.end_at = window.end_at;
  filter.next_id = std::move(page_id);
  auto page = co_await source->transfer_records(std::move(filter));
  if (!page) co_return std::move(page).error();
  out.records.reserve(page->records.size());
  for (auto& record : page->records) {
    record.gateway = gateway->id();
    out.records.emplace_back(std::move(record));
  }
  out.next_id = std::move(page->next_id);
  co_return out;
}

// Upstream calls, each bounded by its own deadline, run concurrently; the outcomes come back
// in call order. Everything (the calls' coroutines, their timers, their cancellation) runs on
// one strand, so no state here is shared across threads. At a deadline the call's outcome is
// `timeout` and its coroutine is cancelled, but nobody waits for it to stop.
// (Not asio::experimental::parallel_group / awaitable operators: in Boost 1.81 they race when
// operations complete on other threads, chriskohlhoff/asio#1348 and #1630.)
template <typename T>
struct BoundedCall {
  std::function<asio::awaitable<Result<T>>()> start;
  Clock::time_point deadline;
  std::chrono::milliseconds budget{0};
};

template <typename T>
struct BoundedOutcome {
  Result<T> result;
  std::chrono::milliseconds latency{0};
};

template <typename T>
class CallBatch : public std::enable_shared_from_this<CallBatch<T>> {
 public:
  explicit CallBatch(const asio::any_io_executor& executor)
      : strand_(asio::make_strand(executor)), all_done_(strand_, Clock::time_point::max()) {}

  // Runs every call; co_spawn this onto strand().
  static asio::awaitable<std::vector<BoundedOutcome<T>>> run(std::shared_ptr<CallBatch> self, std::vector<BoundedCall<T>> calls) {
    self->outcomes_.resize(calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) self->slots_.push_back(std::make_unique<Slot>());
    self->pending_ = calls.size();
    for (std::size_t i = 0; i < calls.size(); ++i) self->start(i, std::move(calls[i]));
    if (self->pending_ > 0) co_await self->all_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return std::move(self->outcomes_);
  }

  const asio::strand<asio::any_io_executor>& strand() const { return strand_; }

 private:
  struct Slot {
    std::unique_ptr<asio::steady_timer> timer;
    asio::cancellation_signal cancel;
    Clock::time_point started;
    bool done = false;
    bool running = false;  // the call's coroutine has not returned yet
  };

  static asio::awaitable<Result<T>> invoke(std::function<asio::awaitable<Result<T>>()> start) {
    try {
      co_return co_await start();
    } catch (const std::exception& e) {
      // Adapters do not throw for upstream data; this is a bug or a cancellation surfacing.
      co_return make_error(ErrorCode::internal, std::string("record call failed: ") + e.what());
    }
  }

  void start(std::size_t index, BoundedCall<T> call) {
    auto& slot = *slots_[index];
    slot.started = Clock::now();
    if (slot.started >= call.deadline) {
      finish(index, timeout_error(call.budget));
      return;
    }
    slot.timer = std::make_unique<asio::steady_timer>(strand_, call.deadline);
    slot.timer->async_wait([self = this->shared_from_this(), index, budget = call.budget](boost::system::error_code ec) {
      if (ec) return;
      self->finish(index, timeout_error(budget));
      auto& timed_out = *self->slots_[index];
      if (timed_out.running) timed_out.cancel.emit(asio::cancellation_type::terminal);
    });
    slot.running = true;
    asio::co_spawn(strand_, invoke(std::move(call.start)),
                   asio::bind_cancellation_slot(
                       slot.cancel.slot(),
                       asio::bind_executor(strand_, [self = this->shared_from_this(), index](std::exception_ptr error, Result<T> result) {
                         self->slots_[index]->running = false;
                         if (error) result = make_error(ErrorCode::internal, "record call failed");
                         self->finish(index, std::move(result));
                       })));
  }

  void finish(std::size_t index, Result<T> result) {
    auto& slot = *slots_[index];
    if (slot.done) return;
    slot.done = true;
    if (slot.timer) slot.timer->cancel();
    outcomes_[index].result = std::move(result);
    outcomes_[index].latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - slot.started);
    if (--pending_ == 0) all_done_.cancel();
  }

  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer all_done_;  // an event: cancelled when the last call is done
  std::vector<BoundedOutcome<T>> outcomes_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::size_t pending_ = 0;
};

template <typename T>
asio::awaitable<std::vector<BoundedOutcome<T>>> run_bounded(std::vector<BoundedCall<T>> calls, asio::any_io_executor executor) {
  auto batch = std::make_shared<CallBatch<T>>(executor);
  co_return co_await asio::co_spawn(batch->strand(), CallBatch<T>::run(batch, std::move(calls)), asio::use_awaitable);
}

http::Response json_body(unsigned status, std::string body, bool problem) {
  http::Response response;
  response.status = status;
  response.content_type = problem ? "application/problem+json" : "application/json";
  response.body = std::move(body);
  return response;
}

asio::awaitable<http::Response> list_records(ImplPtr impl, std::string raw_query) {
  auto parsed = parse_record_query(raw_query, impl->infos);
  if (!parsed) co_return http::problem(400, "invalid_argument", parsed.error().detail);
  const RecordQuery query = std::move(parsed).value();
  const auto specs = record_sources(query);
  const auto fingerprint = query_fingerprint(query, specs);

  std::vector<SourceCursor> start;
  if (query.cursor) {
    auto cursor = impl->codec.decode(*query.cursor);
    if (!cursor) co_return http::problem(400, invalid_cursor_code, cursor.error().detail);
    bool same_sources = cursor->sources.size() == specs.size();
    for (std::size_t i = 0; same_sources && i < specs.size(); ++i) same_sources = cursor->sources[i].source == specs[i];
    if (cursor->fingerprint != fingerprint || !same_sources) {
      co_return http::problem(400, invalid_cursor_code,
                              "cursor belongs to another query: repeat the filters it was issued with "
                              "(kind, gateway, user_id, since, until), or start without a cursor");
    }
    start = std::move(cursor->sources);
  } else {
    for (const auto& spec : specs) start.push_back(SourceCursor{spec, {}});
  }

  // Per selected gateway: its deadline for this page, and what its calls did.
  const auto request_start = Clock::now();
  std::vector<GatewayRecordStatus> statuses;
  std::vector<const RecordsService::Impl::Entry*> entries;
  std::vector<Clock::time_point> deadlines;
  for (const auto& id : query.gateways) {
    const auto* entry = impl->find(id);
    if (entry == nullptr) co_return http::problem(500, "internal", "selected gateway is not configured");
    entries.push_back(entry);
    deadlines.push_back(request_start + entry->timeout);
    statuses.push_back(GatewayRecordStatus{id, std::string(config::to_string(entry->gateway->type())), 0, std::nullopt});
  }
  auto gateway_index = [&](const std::string& id) {
    return static_cast<std::size_t>(std::find(query.gateways.begin(), query.gateways.end(), id) - query.gateways.begin());
  };

  const UpstreamWindow window = upstream_window(query);
  RecordMerge merge(std::move(start), MergeFilter{query.since, query.until, query.user_id}, query.limit);
  bool any_call = false;
  for (auto fetches = merge.advance(); !fetches.empty(); fetches = merge.advance()) {
    std::vector<BoundedCall<SourcePage>> calls;
    calls.reserve(fetches.size());
    for (auto& fetch : fetches) {
      const auto& spec = merge.source(fetch.source);
      const auto* entry = entries[gateway_index(spec.gateway)];
      calls.push_back(BoundedCall<SourcePage>{
          [gateway = entry->gateway, kind = spec.kind, window, page_id = std::move(fetch.page_id)] {
            return read_source(gateway, kind, window, page_id);
          },
          deadlines[gateway_index(spec.gateway)], entry->timeout});
    }
    auto outcomes = co_await run_bounded(std::move(calls), impl->executor);
    any_call = true;
    for (std::size_t i = 0; i < outcomes.size() && i < fetches.size(); ++i) {
      const auto source = fetches[i].source;
      auto& status = statuses[gateway_index(merge.source(source).gateway)];
      status.latency_ms = std::max<std::int64_t>(status.latency_ms, outcomes[i].latency.count());
      if (outcomes[i].result) {
        merge.supply(source, std::move(outcomes[i].result).value());
      } else {
        if (!status.error) status.error = outcomes[i].result.error();
        merge.fail(source, std::move(outcomes[i].result).error());
      }
    }
  }
  // A page that refused the upstream's own data (nextId loop) marks that gateway too.
  for (std::size_t i = 0; i < merge.source_count(); ++i) {
    auto& status = statuses[gateway_index(merge.source(i).gateway)];
    if (merge.error(i) && !status.error) status.error = *merge.error(i);
  }

  const bool all_failed =
      any_call && !statuses.empty() && std::all_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.error.has_value(); });
  if (all_failed && merge.records().empty()) {
    co_return json_body(502, render_records_failed("no selected gateway answered", impl->as_of(), statuses), true);
  }

  RecordPageView page;
  page.records = merge.take_records();
  page.complete = std::none_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.error.has_value(); });
  if (!merge.finished()) page.next_cursor = impl->codec.encode(Cursor{fingerprint, merge.resume_sources()});
  page.as_of = impl->as_of();
  page.gateways = std::move(statuses);
  co_return json_body(200, render_record_page(page), false);
}

asio::awaitable<Result<Record>> read_one(std::shared_ptr<gateways::Gateway> gateway, RecordKind kind, RecordLookup lookup) {
  auto* source = gateway->records();
  if (source == nullptr) co_return make_error(ErrorCode::internal, "gateway has no records");
  if (kind == RecordKind::transfer) {
    auto record = co_await source->transfer_record(std::move(lookup.record_id), std::move(lookup.order_id));
    if (!record) co_return std::move(record).error();
    record->gateway = gateway->id();
    co_return Record(std::move(record).value());
  }
  auto record = co_await source->swap_record(std::move(lookup.record_id), std::move(lookup.order_id));
  if (!record) co_return std::move(record).error();
  record->gateway = gateway->id();
  co_return Record(std::move(record).value());
}

asio::awaitable<http::Response> lookup_record(ImplPtr impl, RecordKind kind, std::string gateway_id,
                                              std::optional<std::string> record_id, std::string raw_query) {
  const auto* entry = impl->find(gateway_id);
  if (entry == nullptr) co_return http::problem(404, "not_found", "no gateway '" + gateway_id.substr(0, 64) + "' is configured");
  const std::string what = kind == RecordKind::transfer ? "transfer" : "swap";
  if (entry->gateway->records() == nullptr) {
    co_return http::problem(404, "not_found",
                            "gateway '" + gateway_id + "' (" + std::string(config::to_string(entry->gateway->type())) +
                                ") has no " + what + " records");
  }
  auto lookup = parse_record_lookup(raw_query, std::move(record_id));
  if (!lookup) co_return http::problem(400, "invalid_argument", lookup.error().detail);

  std::vector<BoundedCall<Record>> calls;
  calls.push_back(BoundedCall<Record>{[gateway = entry->gateway, kind, lookup = std::move(lookup).value()] {
                                        return read_one(gateway, kind, lookup);
                                      },
                                      Clock::now() + entry->timeout, entry->timeout});
  auto outcomes = co_await run_bounded(std::move(calls), impl->executor);
  auto& record = outcomes.front().result;
  if (record) co_return json_body(200, render_record(*record), false);
  const Error& error = record.error();
  if (error.code == ErrorCode::not_found) {
    co_return http::problem(404, "not_found", "gateway '" + gateway_id + "' has no such " + what + " record");
  }
  const unsigned status = error.code == ErrorCode::invalid_argument ? 400 : 502;
  co_return json_body(status, render_lookup_failed(status, gateway_id, error), true);
}

}  // namespace

asio::awaitable<http::Response> RecordsService::list(std::string raw_query) const {
  return list_records(impl_, std::move(raw_query));
}

asio::awaitable<http::Response> RecordsService::lookup(RecordKind kind, std::string gateway,
                                                       std::optional<std::string> record_id,
                                                       std::string raw_query) const {
  return lookup_record(impl_, kind, std::move(gateway), std::move(record_id), std::move(raw_query));
}

const std::vector<RecordGatewayInfo>& RecordsService::gateways() const { return impl_->infos; }

std::shared_ptr<RecordsService> make_records_service(std::vector<std::shared_ptr<gateways::Gateway>> gateways,
                                                     asio::any_io_executor executor, RecordsOptions options) {
  std::vector<RecordsService::Impl::Entry> entries;
  std::vector<RecordGatewayInfo> infos;
  for (auto& gateway : gateways) {
    if (!gateway) continue;
    const auto timeout = options.timeouts.find(gateway->id());
    infos.push_back(RecordGatewayInfo{gateway->id(), std::string(config::to_string(gateway->type())),
                                      gateway->records() != nullptr});
    entries.push_back({std::move(gateway), timeout != options.timeouts.end() ? timeout->second : options.default_timeout});
  }
  auto codec = options.cursor_key.empty() ? CursorCodec::with_random_key() : CursorCodec(options.cursor_key);
  std::function<std::chrono::system_clock::time_point()> now = std::move(options.now);
  if (!now) now = [] { return std::chrono::system_clock::now(); };
  return std::make_shared<RecordsService>(std::make_shared<const RecordsService::Impl>(
      std::move(entries), std::move(infos), std::move(codec), std::move(executor), std::move(now)));
}

void add_record_routes(http::Router& router, std::shared_ptr<RecordsService> service) {
  router.add("GET", "/v1/records", [service](const http::Request& request) { return service->list(request.query); });
  auto lookup = [service](RecordKind kind, bool by_record_id) {
    return [service, kind, by_record_id](const http::Request& request) {
      std::optional<std::string> record_id;
      if (by_record_id) {
        const auto it = request.path_params.find("record_id");
        if (it != request.path_params.end()) record_id = it->second;
      }
      const auto gateway = request.path_params.find("id");
      return service->lookup(kind, gateway != request.path_params.end() ? gateway->second : std::string(),
                             std::move(record_id), request.query);
    };
  };
  router.add("GET", "/v1/gateways/{id}/transfers/{record_id}", lookup(RecordKind::transfer, true));
  router.add("GET", "/v1/gateways/{id}/transfers", lookup(RecordKind::transfer, false));
  router.add("GET", "/v1/gateways/{id}/swaps/{record_id}", lookup(RecordKind::swap, true));
  router.add("GET", "/v1/gateways/{id}/swaps", lookup(RecordKind::swap, false));
}

}  // namespace coinfan::records
