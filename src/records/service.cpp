#include "coinfan/records/service.hpp"

#include <algorithm>
#include <utility>

#include "aggregate/fan_out.hpp"
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

// A list filter for one source's page: the window's bounds and the upstream nextId.
template <typename Filter>
Filter window_filter(const UpstreamWindow& window, std::string page_id) {
  Filter filter;
  filter.start_at = window.start_at;
  filter.end_at = window.end_at;
  filter.next_id = std::move(page_id);
  return filter;
}

// An upstream page as the merge takes it, each record tagged with its gateway.
template <typename Page>
SourcePage source_page(Page page, const std::string& gateway) {
  SourcePage out;
  out.records.reserve(page.records.size());
  for (auto& record : page.records) {
    record.gateway = gateway;
    out.records.emplace_back(std::move(record));
  }
  out.next_id = std::move(page.next_id);
  return out;
}

asio::awaitable<Result<SourcePage>> read_source(std::shared_ptr<gateways::Gateway> gateway, SourceKind kind,
                                                UpstreamWindow window, std::string page_id) {
  auto* source = gateway->records();
  if (source == nullptr) co_return make_error(ErrorCode::internal, "gateway has no records");
  if (kind == SourceKind::swap) {
    auto filter = window_filter<gateways::SwapRecordFilter>(window, std::move(page_id));
    filter.user_id = window.user_id;
    auto page = co_await source->swap_records(std::move(filter));
    if (!page) co_return std::move(page).error();
    co_return source_page(std::move(page).value(), gateway->id());
  }
  auto filter = window_filter<gateways::TransferRecordFilter>(window, std::move(page_id));
  (kind == SourceKind::transfer_from ? filter.from_user_id : filter.to_user_id) = window.user_id;
  auto page = co_await source->transfer_records(std::move(filter));
  if (!page) co_return std::move(page).error();
  co_return source_page(std::move(page).value(), gateway->id());
}

RecordsAnswer failure(RecordsError error, std::string detail) {
  RecordsAnswer answer;
  answer.error = error;
  answer.detail = std::move(detail);
  return answer;
}

RecordsAnswer rendered(std::string body) {
  RecordsAnswer answer;
  answer.body = std::move(body);
  return answer;
}

asio::awaitable<RecordsAnswer> list_records(ImplPtr impl, RecordQuery query) {
  const auto specs = record_sources(query);
  const auto fingerprint = query_fingerprint(query, specs);

  std::vector<SourceCursor> start;
  if (query.cursor) {
    auto cursor = impl->codec.decode(*query.cursor);
    if (!cursor) co_return failure(RecordsError::invalid_cursor, cursor.error().detail);
    bool same_sources = cursor->sources.size() == specs.size();
    for (std::size_t i = 0; same_sources && i < specs.size(); ++i) same_sources = cursor->sources[i].source == specs[i];
    if (cursor->fingerprint != fingerprint || !same_sources) {
      co_return failure(RecordsError::invalid_cursor,
                        "cursor belongs to another query: repeat the filters it was issued with "
                        "(kind, gateway, user_id, since, until), or start without a cursor");
    }
    start = std::move(cursor->sources);
  } else {
    for (const auto& spec : specs) start.push_back(SourceCursor{spec, {}});
  }

  // Per selected gateway: its deadline for this page, and what its calls did.
  const auto request_start = Clock::now();
  std::vector<aggregate::GatewayStatus> statuses;
  std::vector<const RecordsService::Impl::Entry*> entries;
  std::vector<aggregate::CallDeadline> deadlines;
  for (const auto& id : query.gateways) {
    const auto* entry = impl->find(id);
    if (entry == nullptr) co_return failure(RecordsError::internal, "selected gateway is not configured");
    entries.push_back(entry);
    deadlines.push_back(aggregate::CallDeadline{request_start + entry->timeout, entry->timeout});
    statuses.push_back(aggregate::live_status(id, std::string(config::to_string(entry->gateway->type())), 0, std::nullopt));
  }
  auto gateway_index = [&](const std::string& id) {
    return static_cast<std::size_t>(std::find(query.gateways.begin(), query.gateways.end(), id) - query.gateways.begin());
  };
  auto fail_status = [&](std::size_t index, const Error& error) {
    auto& status = statuses[index];
    if (status.error) return;
    status = aggregate::live_status(status.id, status.type, status.latency_ms, error);
  };

  const UpstreamWindow window = upstream_window(query);
  RecordMerge merge(std::move(start), MergeFilter{query.since, query.until, query.user_id}, query.limit);
  bool any_call = false;
  for (auto fetches = merge.advance(); !fetches.empty(); fetches = merge.advance()) {
    std::vector<aggregate::BoundedCall<SourcePage>> calls;
    calls.reserve(fetches.size());
    for (auto& fetch : fetches) {
      const auto& spec = merge.source(fetch.source);
      const auto index = gateway_index(spec.gateway);
      calls.push_back({[gateway = entries[index]->gateway, kind = spec.kind, window, page_id = std::move(fetch.page_id)] {
                         return read_source(gateway, kind, window, page_id);
                       },
                       deadlines[index]});
    }
    auto calling = aggregate::call_every(impl->executor, std::move(calls));
    const auto outcomes = co_await std::move(calling);
    any_call = true;
    for (std::size_t i = 0; i < outcomes.size() && i < fetches.size(); ++i) {
      const auto source = fetches[i].source;
      const auto index = gateway_index(merge.source(source).gateway);
      auto& status = statuses[index];
      status.latency_ms = std::max<std::int64_t>(status.latency_ms, outcomes[i]->latency.count());
      if (outcomes[i]->value) {
        merge.supply(source, *outcomes[i]->value);
      } else {
        fail_status(index, *outcomes[i]->error);
        merge.fail(source, *outcomes[i]->error);
      }
    }
  }
  // A page that refused the upstream's own data (nextId loop) marks that gateway too.
  for (std::size_t i = 0; i < merge.source_count(); ++i) {
    if (merge.error(i)) fail_status(gateway_index(merge.source(i).gateway), *merge.error(i));
  }

  const bool all_failed =
      any_call && !statuses.empty() && std::all_of(statuses.begin(), statuses.end(), [](const auto& s) { return !s.ok; });
  if (all_failed && merge.records().empty()) {
    auto answer = failure(RecordsError::no_gateway_answered, "no selected gateway answered");
    answer.gateways = std::move(statuses);
    answer.as_of = impl->as_of();
    co_return answer;
  }

  RecordPageView page;
  page.records = merge.take_records();
  page.complete = std::all_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.ok; });
  if (!merge.finished()) page.next_cursor = impl->codec.encode(Cursor{fingerprint, merge.resume_sources()});
  page.as_of = impl->as_of();
  page.gateways = std::move(statuses);
  co_return rendered(render_record_page(page));
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

std::string_view kind_name(RecordKind kind) { return kind == RecordKind::transfer ? "transfer" : "swap"; }

std::optional<RecordsAnswer> check_gateway(const RecordsService::Impl& impl, RecordKind kind, std::string_view gateway_id) {
  const auto* entry = impl.find(gateway_id);
  if (entry == nullptr) {
    return failure(RecordsError::unknown_gateway,
                   "no gateway '" + std::string(gateway_id.substr(0, 64)) + "' is configured");
  }
  if (entry->gateway->records() == nullptr) {
    return failure(RecordsError::no_records, "gateway '" + std::string(gateway_id) + "' (" +
                                                 std::string(config::to_string(entry->gateway->type())) + ") has no " +
                                                 std::string(kind_name(kind)) + " records");
  }
  return std::nullopt;
}

asio::awaitable<RecordsAnswer> lookup_record(ImplPtr impl, RecordKind kind, std::string gateway_id, RecordLookup lookup) {
  if (auto rejected = check_gateway(*impl, kind, gateway_id)) co_return std::move(*rejected);
  const auto* entry = impl->find(gateway_id);
  std::vector<aggregate::BoundedCall<Record>> calls;
  calls.push_back({[gateway = entry->gateway, kind, lookup = std::move(lookup)] { return read_one(gateway, kind, lookup); },
                   aggregate::CallDeadline::after(entry->timeout)});
  auto calling = aggregate::call_every(impl->executor, std::move(calls));
  const auto outcomes = co_await std::move(calling);
  const auto& outcome = *outcomes.front();
  if (outcome.value) co_return rendered(render_record(*outcome.value));
  if (outcome.error->code == ErrorCode::not_found) {
    co_return failure(RecordsError::not_found,
                      "gateway '" + gateway_id + "' has no such " + std::string(kind_name(kind)) + " record");
  }
  auto answer = failure(RecordsError::gateway_failed, outcome.error->detail);
  answer.gateway = std::move(gateway_id);
  answer.gateway_error = *outcome.error;
  co_return answer;
}

}  // namespace

asio::awaitable<RecordsAnswer> RecordsService::list(RecordQuery query) const { return list_records(impl_, std::move(query)); }

std::optional<RecordsAnswer> RecordsService::check_lookup(RecordKind kind, std::string_view gateway) const {
  return check_gateway(*impl_, kind, gateway);
}

asio::awaitable<RecordsAnswer> RecordsService::lookup(RecordKind kind, std::string gateway, RecordLookup lookup) const {
  return lookup_record(impl_, kind, std::move(gateway), std::move(lookup));
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

}  // namespace coinfan::records
