#include "coinfan/records/merge.hpp"

#include <algorithm>

namespace coinfan::records {

namespace {

// The merge order: true when `a` comes before `b` (see merge.hpp, Order).
struct Head {
  std::optional<TimePointMs> time;
  const std::string* id = nullptr;
  const std::string* gateway = nullptr;
  RecordKind kind = RecordKind::transfer;
  std::size_t source = 0;
};

bool comes_before(const Head& a, const Head& b) noexcept {
  if (a.time != b.time) {
    if (!a.time) return true;
    if (!b.time) return false;
    return *a.time > *b.time;
  }
  if (*a.id != *b.id) return *a.id > *b.id;
  if (*a.gateway != *b.gateway) return *a.gateway < *b.gateway;
  if (a.kind != b.kind) return a.kind == RecordKind::transfer;
  return a.source < b.source;
}

std::optional<TimePointMs> from_ms(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return TimePointMs{std::chrono::milliseconds{*ms}};
}

}  // namespace

std::size_t resume_index(const std::vector<Record>& page, const SourcePosition& position) {
  if (position.last_id.empty()) return std::min<std::size_t>(position.offset, page.size());
  // 1. The page still holds the last consumed record: continue right after it.
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (record_id(page[i]) == position.last_id) return i + 1;
  }
  // 2. It does not (a first page that grew by a full page, a deleted record): skip the
  //    leading records that sort at or before it; those were consumed, or arrived after the
  //    walk passed their time.
  if (position.last_time_ms) {
    const TimePointMs boundary{std::chrono::milliseconds{*position.last_time_ms}};
    std::size_t i = 0;
    for (; i < page.size(); ++i) {
      const auto time = record_time(page[i]);
      if (!time) break;
      const bool consumed = *time > boundary || (*time == boundary && record_id(page[i]) >= position.last_id);
      if (!consumed) break;
    }
    return i;
  }
  // 3. Nothing to compare with: the stored offset.
  return std::min<std::size_t>(position.offset, page.size());
}

const std::string& record_id(const Record& record) noexcept {
  return std::visit([](const auto& r) -> const std::string& { return r.record_id; }, record);
}

const std::string& record_gateway(const Record& record) noexcept {
  return std::visit([](const auto& r) -> const std::string& { return r.gateway; }, record);
}

RecordKind record_kind(const Record& record) noexcept {
  return std::holds_alternative<TransferRecord>(record) ? RecordKind::transfer : RecordKind::swap;
}

std::optional<TimePointMs> record_time(const Record& record) noexcept {
  return std::visit([](const auto& r) { return r.created_at; }, record);
}

RecordMerge::RecordMerge(std::vector<SourceCursor> sources, MergeFilter filter, std::size_t limit)
    : filter_(std::move(filter)), limit_(limit) {
  states_.reserve(sources.size());
  for (auto& source : sources) {
    SourceState state;
    state.cursor = std::move(source);
    states_.push_back(std::move(state));
  }
}

bool RecordMerge::live(const SourceState& state) const noexcept {
  return !state.cursor.position.exhausted && !state.error;
}

bool RecordMerge::wanted(const SourceState& state, const Record& record) const {
  const auto kind = state.cursor.source.kind;
  if (record_kind(record) != record_kind_of(kind)) return false;
  if (kind == SourceKind::transfer_to && filter_.user_id &&
      std::get<TransferRecord>(record).from_user_id == *filter_.user_id) {
    return false;
  }
  if (const auto time = record_time(record)) {
    if (filter_.since && *time < *filter_.since) return false;
    if (filter_.until && *time >= *filter_.until) return false;
  }
  return !emitted_.contains({state.cursor.source.gateway, record_kind(record), record_id(record)});
}

std::optional<TimePointMs> RecordMerge::sort_time(const SourceState& state, const Record& record) const {
  if (auto time = record_time(record)) return time;
  return from_ms(state.cursor.position.last_time_ms);
}

void RecordMerge::drop_unwanted(SourceState& state) {
  while (state.loaded && state.next < state.page.size() && !wanted(state, state.page[state.next])) consume(state);
}

void RecordMerge::consume(SourceState& state) {
  auto& position = state.cursor.position;
  const Record& record = state.page[state.next];
  if (const auto time = sort_time(state, record)) {
    position.last_time_ms = time->time_since_epoch().count();
  }
  position.last_id = record_id(record);
  ++state.next;
  position.offset = static_cast<std::uint32_t>(state.next);
  settle(state);
}

// A page read to its end moves the position to the next page (or marks the source done), so
// a cursor never points past the end of a page.
void RecordMerge::settle(SourceState& state) {
  if (!state.loaded || state.next < state.page.size()) return;
  auto& position = state.cursor.position;
  if (state.page_next_id.empty()) {
    position.exhausted = true;
  } else {
    position.page_id = std::move(state.page_next_id);
    position.offset = 0;
  }
  state.loaded = false;
  state.page.clear();
  state.page_next_id.clear();
  state.next = 0;
}

std::optional<std::size_t> RecordMerge::pick() const {
  std::optional<std::size_t> best;
  Head best_head;
  for (std::size_t i = 0; i < states_.size(); ++i) {
    const auto& state = states_[i];
    if (!live(state) || !state.loaded || state.next >= state.page.size()) continue;
    const Record& record = state.page[state.next];
    Head head{sort_time(state, record), &record_id(record), &state.cursor.source.gateway, record_kind(record), i};
    if (!best || comes_before(head, best_head)) {
      best = i;
      best_head = head;
    }
  }
  return best;
}

std::vector<RecordMerge::Fetch> RecordMerge::advance() {
  while (records_.size() < limit_) {
    std::vector<Fetch> fetches;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      auto& state = states_[i];
      if (!live(state)) continue;
      drop_unwanted(state);
      if (!live(state) || state.loaded) continue;
      if (state.pages_fetched >= max_pages_per_source) {
        // Emitting on without this source's next record could break the order.
        stopped_early_ = true;
        return {};
      }
      state.awaiting = true;
      fetches.push_back(Fetch{i, state.cursor.position.page_id});
    }
    if (!fetches.empty()) return fetches;

    const auto best = pick();
    if (!best) break;  // every source is exhausted or failed
    auto& state = states_[*best];
    const Record& record = state.page[state.next];
    emitted_.insert({state.cursor.source.gateway, record_kind(record), record_id(record)});
    records_.push_back(MergedRecord{record, *best, sort_time(state, record)});
    consume(state);
  }
  return {};
}

void RecordMerge::supply(std::size_t source, SourcePage page) {
  if (source >= states_.size()) return;
  auto& state = states_[source];
  if (!state.awaiting) return;
  state.awaiting = false;
  ++state.pages_fetched;
  auto& position = state.cursor.position;
  if (!page.next_id.empty() && page.next_id == position.page_id) {
    state.error = make_error(ErrorCode::bad_response, "upstream nextId does not advance");
    return;
  }
  state.page = std::move(page.records);
  state.page_next_id = std::move(page.next_id);
  state.loaded = true;

  state.next = resume_index(state.page, position);
  position.offset = static_cast<std::uint32_t>(state.next);
  settle(state);
}

void RecordMerge::fail(std::size_t source, Error error) {
  if (source >= states_.size()) return;
  auto& state = states_[source];
  state.awaiting = false;
  state.error = std::move(error);
}

std::vector<SourceCursor> RecordMerge::resume_sources() const {
  std::vector<SourceCursor> out;
  out.reserve(states_.size());
  for (const auto& state : states_) out.push_back(state.cursor);
  return out;
}

bool RecordMerge::finished() const noexcept {
  return std::all_of(states_.begin(), states_.end(), [](const SourceState& s) { return s.cursor.position.exhausted; });
}

}  // namespace coinfan::records
