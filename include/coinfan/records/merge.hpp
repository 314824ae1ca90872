#pragma once
// The k-way merge behind GET /v1/records, free of I/O (a sans-I/O state machine): it says
// which upstream page each source needs, is fed those pages, and emits records newest first
// while keeping every source's exact position for the next cursor.
//
// Driving it:
//   RecordMerge merge(start, filter, limit);
//   for (auto fetches = merge.advance(); !fetches.empty(); fetches = merge.advance()) {
//     for each fetch: merge.supply(fetch.source, page) or merge.fail(fetch.source, error);
//   }
//   merge.records(), merge.resume_sources(), merge.finished()
//
// Guarantees:
//   * A record is emitted only when every live source's next record is known, so the order
//     is exact whenever the sources are each newest first (a source page is fetched when its
//     buffered records run out).
//   * No duplicates, no gaps: positions are the upstream page (its nextId) plus how many of
//     its records were consumed, plus the (time, id) of the last one consumed. On resume the
//     page is fetched again and reading continues as resume_index() says, so records added on
//     top of a first page, or a page shifted by one, are not repeated.
//   * A source that fails is left out of this page from then on, at the position it had;
//     resuming tries it again from there. The order is then only exact within what each page
//     shows (the failed source's older records come on later pages).
//
// Order: sort time descending, then record id descending (bytewise), then gateway id, then
// transfers before swaps, then source order. The sort time is the record's created_at
// (transfers: the record id's YYYYMMDDhhmmss prefix). A record without one keeps its place in
// its source's upstream order: its sort time is that of the record consumed before it from the
// same source, or, for a source's first record, "newer than everything". since/until never
// drop such a record (the upstream's startAt/endAt decided about it).
//
// Filters applied locally (the upstream should have applied the same already): since
// (inclusive) and until (exclusive) on created_at; a transfer-to source drops records whose
// from_user_id is the user (the transfer-from source returns them), so a transfer the user
// sent to themselves comes once; and a record id already emitted on this page from the same
// gateway and kind is never emitted twice.

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"
#include "coinfan/records/cursor.hpp"

namespace coinfan::records {

using Record = std::variant<TransferRecord, SwapRecord>;

const std::string& record_id(const Record& record) noexcept;
const std::string& record_gateway(const Record& record) noexcept;
RecordKind record_kind(const Record& record) noexcept;
std::optional<TimePointMs> record_time(const Record& record) noexcept;

// One upstream page of one source, newest first as the provider sent it.
struct SourcePage {
  std::vector<Record> records;
  std::string next_id;  // empty: no page after this one
};

// Where reading resumes in a page fetched again for `position`: right after position.last_id
// when the page holds it; else after the leading records that sort at or before the last
// consumed one (time, id); else at position.offset. Never past the end of the page.
std::size_t resume_index(const std::vector<Record>& page, const SourcePosition& position);

struct MergeFilter {
  std::optional<TimePointMs> since;    // inclusive
  std::optional<TimePointMs> until;    // exclusive
  std::optional<std::string> user_id;  // for the transfer-to dedupe rule
};

struct MergedRecord {
  Record record;
  std::size_t source = 0;               // index into the merge's sources
  std::optional<TimePointMs> sort_time; // nullopt: sorted as newest (see Order above)
};

class RecordMerge {
 public:
  struct Fetch {
    std::size_t source = 0;
    std::string page_id;  // upstream nextId to send ("" first page)
  };

  // Upstream pages one source may fetch for one merged page; reaching it ends the page early
  // (with a cursor), so a hostile upstream that pages forever cannot hold a request.
  static constexpr std::size_t max_pages_per_source = 16;

  RecordMerge(std::vector<SourceCursor> sources, MergeFilter filter, std::size_t limit);

  // Emits as far as possible without upstream data. Returns the pages needed before it can go
  // on (at most one per source); empty when the page is complete. Every fetch returned must be
  // answered with supply() or fail() before advance() is called again.
  std::vector<Fetch> advance();
  // The page asked for. A page whose nextId repeats the one it was fetched with fails the
  // source (bad_response): it would loop.
  void supply(std::size_t source, SourcePage page);
  void fail(std::size_t source, Error error);

  const std::vector<MergedRecord>& records() const noexcept { return records_; }
  std::vector<MergedRecord> take_records() { return std::move(records_); }

  std::size_t source_count() const noexcept { return states_.size(); }
  const SourceSpec& source(std::size_t index) const { return states_.at(index).cursor.source; }
  // Set when the source failed during this page.
  const std::optional<Error>& error(std::size_t index) const { return states_.at(index).error; }
  // Every source's position, for the next cursor.
  std::vector<SourceCursor> resume_sources() const;
  // Every source has been read to its end: there is no next page.
  bool finished() const noexcept;
  // The page ended before `limit` because a source reached max_pages_per_source.
  bool stopped_early() const noexcept { return stopped_early_; }

 private:
  struct SourceState {
    SourceCursor cursor;
    bool awaiting = false;  // a fetch was handed out and not yet answered
    bool loaded = false;    // `page` holds the page cursor.position.page_id names
    std::vector<Record> page;
    std::string page_next_id;
    std::size_t next = 0;   // index of the next unconsumed record in `page`
    std::size_t pages_fetched = 0;
    std::optional<Error> error;
  };

  bool live(const SourceState& state) const noexcept;
  bool wanted(const SourceState& state, const Record& record) const;
  std::optional<TimePointMs> sort_time(const SourceState& state, const Record& record) const;
  void drop_unwanted(SourceState& state);
  void consume(SourceState& state);
  void settle(SourceState& state);
  std::optional<std::size_t> pick() const;

  std::vector<SourceState> states_;
  MergeFilter filter_;
  std::size_t limit_;
  std::vector<MergedRecord> records_;
  std::set<std::tuple<std::string, RecordKind, std::string>> emitted_;
  bool stopped_early_ = false;
};

}  // namespace coinfan::records
