// The k-way record merge against in-memory upstream lists that page like CCPayment v2 (newest
// first, nextId = the next page's first record id): complete ordered walks at every page size,
// resumption through real cursors, failures, records without a time, hostile upstreams.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <set>

#include "coinfan/records/cursor.hpp"
#include "coinfan/records/merge.hpp"
#include "gateways/ccpayment_v2/record_id.hpp"

namespace coinfan::records::merge_test_support {
namespace {

using std::chrono::seconds;
using gateways::ccpayment_v2::time_from_record_id;

const std::chrono::sys_seconds base_time = std::chrono::sys_days{std::chrono::year{2025} / 3 / 1};

// "YYYYMMDDhhmmss" of base_time + offset, then a 6-digit sequence: a CCPayment-like record id.
std::string record_id_at(std::int64_t offset_seconds, int sequence) {
  const auto time = base_time + seconds(offset_seconds);
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{time - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02u%02d%02d%02d%06d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()), sequence);
  return buffer;
}

std::optional<TimePointMs> time_of_id(const std::string& id) {
  if (auto t = time_from_record_id(id)) return std::chrono::time_point_cast<std::chrono::milliseconds>(*t);
  return std::nullopt;
}

Record transfer(std::string gateway, std::string id, std::string from, std::string to) {
  TransferRecord r;
  r.gateway = std::move(gateway);
  r.created_at = time_of_id(id);
  r.record_id = std::move(id);
  r.order_id = "o-" + r.record_id;
  r.from_user_id = std::move(from);
  r.to_user_id = std::move(to);
  r.status = RecordStatus::success;
  return r;
}

Record swap(std::string gateway, std::string id, std::string user = "user-1") {
  SwapRecord r;
  r.gateway = std::move(gateway);
  r.created_at = time_of_id(id);
  r.record_id = std::move(id);
  r.order_id = "o-" + r.record_id;
  r.user_id = std::move(user);
  return r;
}

// The order the merge promises, written independently of merge.cpp.
bool newer_first(const Record& a, const Record& b) {
  const auto ta = record_time(a), tb = record_time(b);
  if (ta != tb) return ta > tb;
  if (record_id(a) != record_id(b)) return record_id(a) > record_id(b);
  if (record_gateway(a) != record_gateway(b)) return record_gateway(a) < record_gateway(b);
  return record_kind(a) == RecordKind::transfer && record_kind(b) == RecordKind::swap;
}

std::string key_of(const Record& r) {
  return record_gateway(r) + "/" + std::string(to_string(record_kind(r))) + "/" + record_id(r);
}

// One upstream list: `records` in the order the provider returns them.
struct FakeList {
  std::vector<Record> records;
  std::size_t page_size = 20;
  std::size_t reads = 0;

  void sort_newest_first() { std::stable_sort(records.begin(), records.end(), newer_first); }

  Result<SourcePage> read(const std::string& page_id) {
    ++reads;
    std::size_t begin = 0;
    if (!page_id.empty()) {
      const auto it = std::find_if(records.begin(), records.end(), [&](const Record& r) { return record_id(r) == page_id; });
      if (it == records.end()) return make_error(ErrorCode::provider_error, "nextId does not continue this query");
      begin = static_cast<std::size_t>(it - records.begin());
    }
    const std::size_t end = std::min(records.size(), begin + page_size);
    SourcePage page;
    page.records.assign(records.begin() + static_cast<std::ptrdiff_t>(begin), records.begin() + static_cast<std::ptrdiff_t>(end));
    if (end < records.size()) page.next_id = record_id(records[end]);
    return page;
  }
};

struct Source {
  SourceSpec spec;
  FakeList* list = nullptr;
};

struct PageRun {
  std::vector<MergedRecord> records;
  std::optional<std::string> next_cursor;
  std::vector<std::optional<Error>> errors;
  bool stopped_early = false;
};

// Decides, per fetch, whether it fails: (source index, page id) -> fail?
using FailRule = std::function<bool(std::size_t, const std::string&)>;

class Walker {
 public:
  Walker(std::vector<Source> sources, MergeFilter filter = {}) : sources_(std::move(sources)), filter_(std::move(filter)) {
    for (const auto& source : sources_) specs_.push_back(source.spec);
    query_.kinds = {RecordKind::transfer, RecordKind::swap};
    fingerprint_ = query_fingerprint(query_, specs_);
  }

  // One page, as the service does it, with the cursor through its real encoding.
  PageRun page(const std::optional<std::string>& cursor, std::size_t limit, const FailRule& fail = {}) {
    std::vector<SourceCursor> start;
    if (cursor) {
      auto decoded = codec_.decode(*cursor);
      EXPECT_TRUE(decoded.ok());
      if (!decoded.ok()) return {};
      EXPECT_EQ(decoded->fingerprint, fingerprint_);
      start = decoded->sources;
    } else {
      for (const auto& spec : specs_) start.push_back({spec, {}});
    }
    RecordMerge merge(std::move(start), filter_, limit);
    for (auto fetches = merge.advance(); !fetches.empty(); fetches = merge.advance()) {
      for (const auto& fetch : fetches) {
        if (fail && fail(fetch.source, fetch.page_id)) {
          merge.fail(fetch.source, make_error(ErrorCode::http_status, "injected"));
          continue;
        }
        auto page = sources_[fetch.source].list->read(fetch.page_id);
        if (page) {
          merge.supply(fetch.source, std::move(*page));
        } else {
          merge.fail(fetch.source, page.error());
        }
      }
    }
    PageRun run;
    run.records = merge.take_records();
    for (std::size_t i = 0; i < merge.source_count(); ++i) run.errors.push_back(merge.error(i));
    run.stopped_early = merge.stopped_early();
    if (!merge.finished()) run.next_cursor = codec_.encode(Cursor{fingerprint_, merge.resume_sources()});
    return run;
  }

  // Every page until there is no cursor; the records in page order.
  std::vector<Record> walk(std::size_t limit, std::size_t* pages = nullptr, const FailRule& fail = {}) {
    std::vector<Record> out;
    std::optional<std::string> cursor;
    std::size_t count = 0;
    do {
      auto run = page(cursor, limit, fail);
      for (auto& merged : run.records) out.push_back(std::move(merged.record));
      cursor = run.next_cursor;
      if (++count > 100000) {
        ADD_FAILURE() << "walk does not end";
        break;
      }
    } while (cursor);
    if (pages) *pages = count;
    return out;
  }

 private:
  std::vector<Source> sources_;
  std::vector<SourceSpec> specs_;
  MergeFilter filter_;
  RecordQuery query_;
  Fingerprint fingerprint_{};
  CursorCodec codec_{"merge-test-key"};
};

std::vector<std::string> keys(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(key_of(r));
  return out;
}

// Two gateways, each: transfers from and to the user (one of them to themselves) and swaps,
// with times that interleave across gateways and tie exactly now and then.
struct TwoGatewayHistory {
  FakeList a_from, a_to, a_swaps, b_from, b_to, b_swaps;
  std::vector<Record> expected;

  TwoGatewayHistory() {
    int sequence = 0;
    auto add_transfers = [&](const std::string& gateway, FakeList& from, FakeList& to, int count, int spacing) {
      for (int i = 0; i < count; ++i) {
        const bool outgoing = i % 2 == 0;
        const bool self = i == 5;
        auto record = transfer(gateway, record_id_at(i * spacing, ++sequence), outgoing || self ? "user-1" : "user-2",
                               outgoing && !self ? "user-2" : "user-1");
        if (outgoing || self) from.records.push_back(record);
        if (!outgoing || self) to.records.push_back(record);
        expected.push_back(record);
      }
    };
    auto add_swaps = [&](const std::string& gateway, FakeList& list, int count, int spacing, int shift) {
      for (int i = 0; i < count; ++i) {
        auto record = swap(gateway, record_id_at(i * spacing + shift, ++sequence));
        list.records.push_back(record);
        expected.push_back(record);
      }
    };
    add_transfers("ccp-a", a_from, a_to, 70, 60);
    add_swaps("ccp-a", a_swaps, 32, 130, 7);
    add_transfers("ccp-b", b_from, b_to, 67, 45);
    add_swaps("ccp-b", b_swaps, 29, 150, 0);
    for (auto* list : {&a_from, &a_to, &a_swaps, &b_from, &b_to, &b_swaps}) list->sort_newest_first();
    std::stable_sort(expected.begin(), expected.end(), newer_first);
  }

  std::vector<Source> sources() {
    return {{{"ccp-a", SourceKind::transfer_from}, &a_from}, {{"ccp-a", SourceKind::transfer_to}, &a_to},
            {{"ccp-a", SourceKind::swap}, &a_swaps},         {{"ccp-b", SourceKind::transfer_from}, &b_from},
            {{"ccp-b", SourceKind::transfer_to}, &b_to},     {{"ccp-b", SourceKind::swap}, &b_swaps}};
  }
};

TEST(RecordMerge, WalksEveryRecordOnceInOrderAtEveryPageSize) {
  for (const std::size_t limit : {1u, 2u, 7u, 19u, 20u, 21u, 50u, 198u, 200u}) {
    TwoGatewayHistory history;
    ASSERT_EQ(history.expected.size(), 198u);
    Walker walker(history.sources(), MergeFilter{std::nullopt, std::nullopt, "user-1"});
    std::size_t pages = 0;
    const auto walked = walker.walk(limit, &pages);
    EXPECT_EQ(keys(walked), keys(history.expected)) << "limit " << limit;
    // Every page is full except the last, and the last one says there is no more.
    EXPECT_EQ(pages, (history.expected.size() + limit - 1) / limit) << "limit " << limit;
  }
}

TEST(RecordMerge, FirstPageFetchesEverySourceOnceAndNoMore) {
  TwoGatewayHistory history;
  Walker walker(history.sources(), MergeFilter{std::nullopt, std::nullopt, "user-1"});
  const auto run = walker.page(std::nullopt, 7);
  EXPECT_EQ(run.records.size(), 7u);
  for (auto* list : {&history.a_from, &history.a_to, &history.a_swaps, &history.b_from, &history.b_to, &history.b_swaps}) {
    EXPECT_EQ(list->reads, 1u);
  }
}

TEST(RecordMerge, TransferToTheUserThemselvesComesOnce) {
  FakeList from, to;
  auto self = transfer("g", record_id_at(10, 1), "user-1", "user-1");
  from.records = {self};
  to.records = {transfer("g", record_id_at(20, 2), "user-2", "user-1"), self};
  Walker walker({{{"g", SourceKind::transfer_from}, &from}, {{"g", SourceKind::transfer_to}, &to}},
                MergeFilter{std::nullopt, std::nullopt, "user-1"});
  for (const std::size_t limit : {1u, 5u}) {
    const auto walked = walker.walk(limit);
    ASSERT_EQ(walked.size(), 2u);
    EXPECT_EQ(record_id(walked[0]), record_id_at(20, 2));
    EXPECT_EQ(record_id(walked[1]), record_id_at(10, 1));
  }
}

TEST(RecordMerge, FailedSourceKeepsItsPlaceAndResumesLater) {
  FakeList a, b;
  for (int i = 0; i < 30; ++i) {
    a.records.push_back(swap("a", record_id_at(i * 10, i + 1)));
    b.records.push_back(swap("b", record_id_at(i * 10 + 5, 100 + i)));
  }
  a.sort_newest_first();
  b.sort_newest_first();
  Walker walker({{{"a", SourceKind::swap}, &a}, {{"b", SourceKind::swap}, &b}});

  auto first = walker.page(std::nullopt, 10);
  ASSERT_EQ(first.records.size(), 10u);
  std::vector<std::string> b_seen;
  for (const auto& merged : first.records) {
    if (merged.source == 1) b_seen.push_back(record_id(merged.record));
  }
  ASSERT_EQ(b_seen.size(), 5u);

  // b fails on every call: the pages go on with a alone and say which source failed.
  auto fail_b = [](std::size_t source, const std::string&) { return source == 1; };
  auto second = walker.page(first.next_cursor, 10, fail_b);
  ASSERT_EQ(second.records.size(), 10u);
  for (const auto& merged : second.records) EXPECT_EQ(merged.source, 0u);
  ASSERT_TRUE(second.errors[1].has_value());
  EXPECT_EQ(second.errors[1]->code, ErrorCode::http_status);
  EXPECT_FALSE(second.errors[0].has_value());
  ASSERT_TRUE(second.next_cursor);

  // b answers again: it continues right after its last record, nothing of it is lost.
  auto third = walker.page(second.next_cursor, 200);
  std::vector<std::string> b_rest;
  for (const auto& merged : third.records) {
    if (merged.source == 1) b_rest.push_back(record_id(merged.record));
  }
  EXPECT_FALSE(third.next_cursor);
  ASSERT_EQ(b_rest.size(), 25u);
  EXPECT_EQ(b_rest.front(), record_id(b.records[5]));
  std::set<std::string> all;
  for (const auto* run : {&first, &second, &third}) {
    for (const auto& merged : run->records) EXPECT_TRUE(all.insert(key_of(merged.record)).second);
  }
  EXPECT_EQ(all.size(), 60u);
}

TEST(RecordMerge, FailureAfterSomePagesResumesAtTheFailedPage) {
  FakeList a, b;
  for (int i = 0; i < 50; ++i) {
    a.records.push_back(swap("a", record_id_at(i * 10, i + 1)));
    b.records.push_back(swap("b", record_id_at(i * 10 + 5, 100 + i)));
  }
  a.sort_newest_first();
  b.sort_newest_first();
  Walker walker({{{"a", SourceKind::swap}, &a}, {{"b", SourceKind::swap}, &b}});
  // b's second upstream page fails once: the first merged page stops using b there.
  bool failed_once = false;
  auto fail_b_page_two = [&](std::size_t source, const std::string& page_id) {
    if (source == 1 && !page_id.empty() && !failed_once) {
      failed_once = true;
      return true;
    }
    return false;
  };
  auto first = walker.page(std::nullopt, 60, fail_b_page_two);
  ASSERT_TRUE(failed_once);
  ASSERT_TRUE(first.errors[1]);
  std::size_t from_b = 0;
  for (const auto& merged : first.records) from_b += merged.source == 1 ? 1 : 0;
  EXPECT_EQ(from_b, 20u);  // b's whole first page, then nothing more
  EXPECT_EQ(first.records.size(), 60u);
  std::vector<std::string> walked = keys([&] {
    std::vector<Record> out;
    for (auto& m : first.records) out.push_back(m.record);
    return out;
  }());
  std::optional<std::string> cursor = first.next_cursor;
  while (cursor) {
    auto run = walker.page(cursor, 7);
    for (auto& m : run.records) walked.push_back(key_of(m.record));
    cursor = run.next_cursor;
  }
  std::set<std::string> unique(walked.begin(), walked.end());
  EXPECT_EQ(unique.size(), walked.size());
  EXPECT_EQ(walked.size(), 100u);
}

TEST(RecordMerge, RecordWithoutTimeKeepsItsUpstreamPlace) {
  FakeList a, b, c;
  a.records = {swap("a", record_id_at(100, 1)), swap("a", "NOPREFIX-1"), swap("a", record_id_at(90, 2))};
  b.records = {swap("b", record_id_at(95, 3)), swap("b", record_id_at(85, 4))};
  c.records = {swap("c", "NOPREFIX-FIRST"), swap("c", record_id_at(50, 5))};
  // A time window that the timeless records cannot be judged by: they stay.
  MergeFilter filter{TimePointMs{(base_time + seconds(40)).time_since_epoch()},
                     TimePointMs{(base_time + seconds(99)).time_since_epoch()}, std::nullopt};
  Walker walker({{{"a", SourceKind::swap}, &a}, {{"b", SourceKind::swap}, &b}, {{"c", SourceKind::swap}, &c}}, filter);
  const std::vector<std::string> expected = {"NOPREFIX-FIRST", "NOPREFIX-1", record_id_at(95, 3), record_id_at(90, 2),
                                             record_id_at(85, 4), record_id_at(50, 5)};
  for (const std::size_t limit : {1u, 2u, 10u}) {
    std::vector<std::string> ids;
    for (const auto& r : walker.walk(limit)) ids.push_back(record_id(r));
    EXPECT_EQ(ids, expected) << "limit " << limit;
  }
}

TEST(RecordMerge, SinceIsInclusiveAndUntilExclusive) {
  FakeList list;
  for (int i = 0; i < 50; ++i) list.records.push_back(swap("g", record_id_at(i, i + 1)));
  list.sort_newest_first();
  MergeFilter filter{TimePointMs{(base_time + seconds(10)).time_since_epoch()},
                     TimePointMs{(base_time + seconds(40)).time_since_epoch()}, std::nullopt};
  Walker walker({{{"g", SourceKind::swap}, &list}}, filter);
  const auto walked = walker.walk(7);
  ASSERT_EQ(walked.size(), 30u);
  EXPECT_EQ(record_id(walked.front()), record_id_at(39, 40));
  EXPECT_EQ(record_id(walked.back()), record_id_at(10, 11));
}

TEST(RecordMerge, RecordsAddedOnTopDuringAWalkAreNotRepeated) {
  FakeList list;
  for (int i = 0; i < 30; ++i) list.records.push_back(swap("g", record_id_at(i * 10, i + 1)));
  list.sort_newest_first();
  const auto original = keys(list.records);
  Walker walker({{{"g", SourceKind::swap}, &list}});
  auto first = walker.page(std::nullopt, 5);
  std::vector<std::string> walked;
  for (auto& m : first.records) walked.push_back(key_of(m.record));
  for (const int added : {25, 1, 45}) {
    for (int i = 0; i < added; ++i) {
      list.records.insert(list.records.begin(), swap("g", record_id_at(100000 + static_cast<int>(list.records.size()), 1000 + static_cast<int>(list.records.size()))));
    }
    auto run = walker.page(first.next_cursor, 3);
    for (auto& m : run.records) walked.push_back(key_of(m.record));
    first = run;
  }
  std::optional<std::string> cursor = first.next_cursor;
  while (cursor) {
    auto run = walker.page(cursor, 4);
    for (auto& m : run.records) walked.push_back(key_of(m.record));
    cursor = run.next_cursor;
  }
  EXPECT_EQ(walked, original);
}

TEST(RecordMerge, ShiftedPageDoesNotRepeatItsFirstRecord) {
  // An upstream that pages by offset: a record added on top shifts the next page by one.
  FakeList list;
  for (int i = 0; i < 25; ++i) list.records.push_back(swap("g", record_id_at(i * 10, i + 1)));
  list.sort_newest_first();
  std::vector<Record> records = list.records;
  SourcePosition position;
  position.page_id = "page-2";
  position.last_id = record_id(records[19]);
  position.last_time_ms = record_time(records[19])->time_since_epoch().count();
  std::vector<Record> shifted(records.begin() + 19, records.end());  // starts with the consumed one
  EXPECT_EQ(resume_index(shifted, position), 1u);
}

TEST(RecordMerge, ResumeIndexRules) {
  std::vector<Record> page = {swap("g", record_id_at(50, 5)), swap("g", record_id_at(40, 4)), swap("g", record_id_at(30, 3))};
  SourcePosition position;
  EXPECT_EQ(resume_index(page, position), 0u);
  position.offset = 2;
  EXPECT_EQ(resume_index(page, position), 2u);  // nothing to compare with: the offset
  position.offset = 9;
  EXPECT_EQ(resume_index(page, position), 3u);  // never past the end
  position.last_id = record_id_at(40, 4);
  position.offset = 0;
  EXPECT_EQ(resume_index(page, position), 2u);  // after the id, whatever the offset
  position.last_id = record_id_at(45, 9);        // gone from the page: by (time, id)
  position.last_time_ms = (TimePointMs{(base_time + seconds(45)).time_since_epoch()}).time_since_epoch().count();
  EXPECT_EQ(resume_index(page, position), 1u);
  position.last_time_ms = (TimePointMs{(base_time + seconds(40)).time_since_epoch()}).time_since_epoch().count();
  position.last_id = record_id_at(40, 3);  // same second, smaller id: the record at 40/4 sorts before it
  EXPECT_EQ(resume_index(page, position), 2u);
}

TEST(RecordMerge, NextIdThatDoesNotAdvanceFailsOnlyThatSource) {
  FakeList good;
  for (int i = 0; i < 5; ++i) good.records.push_back(swap("a", record_id_at(i, i + 1)));
  good.sort_newest_first();
  RecordMerge merge({{{"a", SourceKind::swap}, {}}, {{"b", SourceKind::swap}, {"loop", 0, false, std::nullopt, ""}}}, {}, 10);
  auto fetches = merge.advance();
  ASSERT_EQ(fetches.size(), 2u);
  merge.supply(0, *good.read(""));
  merge.supply(1, SourcePage{{swap("b", record_id_at(3, 9))}, "loop"});
  EXPECT_TRUE(merge.advance().empty());
  EXPECT_EQ(merge.records().size(), 5u);
  ASSERT_TRUE(merge.error(1));
  EXPECT_EQ(merge.error(1)->code, ErrorCode::bad_response);
  EXPECT_FALSE(merge.finished());
  EXPECT_EQ(merge.resume_sources()[1].position.page_id, "loop");
}

TEST(RecordMerge, EndlessEmptyPagesEndThePageEarlyButTheWalkCompletes) {
  // Source b answers 40 empty pages before its records: a merged page stops after
  // max_pages_per_source fetches with a cursor that remembers how far b got.
  FakeList a;
  for (int i = 0; i < 10; ++i) a.records.push_back(swap("a", record_id_at(i * 2, i + 1)));
  a.sort_newest_first();
  std::vector<Record> b_records;
  for (int i = 0; i < 10; ++i) b_records.push_back(swap("b", record_id_at(i * 2 + 1, 50 + i)));
  std::stable_sort(b_records.begin(), b_records.end(), newer_first);

  std::vector<std::string> walked;
  std::vector<SourceCursor> start = {{{"a", SourceKind::swap}, {}}, {{"b", SourceKind::swap}, {}}};
  bool saw_early_stop = false;
  for (int round = 0; round < 20; ++round) {
    RecordMerge merge(start, {}, 50);
    for (auto fetches = merge.advance(); !fetches.empty(); fetches = merge.advance()) {
      for (const auto& fetch : fetches) {
        if (fetch.source == 0) {
          merge.supply(0, *a.read(fetch.page_id));
          continue;
        }
        const int n = fetch.page_id.empty() ? 0 : std::stoi(fetch.page_id.substr(5));
        if (n < 40) {
          merge.supply(1, SourcePage{{}, "empty" + std::to_string(n + 1)});
        } else {
          merge.supply(1, SourcePage{b_records, ""});
        }
      }
    }
    saw_early_stop = saw_early_stop || merge.stopped_early();
    for (const auto& m : merge.records()) walked.push_back(record_id(m.record));
    if (merge.finished()) break;
    start = merge.resume_sources();
  }
  EXPECT_TRUE(saw_early_stop);
  std::vector<Record> all = a.records;
  all.insert(all.end(), b_records.begin(), b_records.end());
  std::stable_sort(all.begin(), all.end(), newer_first);
  std::vector<std::string> expected;
  for (const auto& r : all) expected.push_back(record_id(r));
  EXPECT_EQ(walked, expected);
}

TEST(RecordMerge, RecordsOfTheWrongKindOrOutsideTheWindowAreSkipped) {
  FakeList transfers;
  transfers.records = {transfer("g", record_id_at(30, 1), "user-1", "user-2"), swap("g", record_id_at(20, 2)),
                       transfer("g", record_id_at(10, 3), "user-1", "user-2")};
  Walker walker({{{"g", SourceKind::transfer_from}, &transfers}}, MergeFilter{std::nullopt, std::nullopt, "user-1"});
  const auto walked = walker.walk(1);
  ASSERT_EQ(walked.size(), 2u);
  EXPECT_EQ(record_kind(walked[0]), RecordKind::transfer);
  EXPECT_EQ(record_kind(walked[1]), RecordKind::transfer);
}

TEST(RecordMerge, NoSourcesIsAnEmptyFinishedPage) {
  RecordMerge merge({}, {}, 10);
  EXPECT_TRUE(merge.advance().empty());
  EXPECT_TRUE(merge.records().empty());
  EXPECT_TRUE(merge.finished());
}

TEST(RecordMerge, SupplyOrFailForUnknownOrUnrequestedSourcesIsIgnored) {
  FakeList list;
  list.records = {swap("g", record_id_at(1, 1))};
  RecordMerge merge({{{"g", SourceKind::swap}, {}}}, {}, 10);
  merge.supply(0, SourcePage{{swap("g", record_id_at(9, 9))}, ""});  // not asked for yet
  merge.supply(7, SourcePage{});
  merge.fail(7, make_error(ErrorCode::internal, "x"));
  auto fetches = merge.advance();
  ASSERT_EQ(fetches.size(), 1u);
  merge.supply(0, *list.read(""));
  EXPECT_TRUE(merge.advance().empty());
  ASSERT_EQ(merge.records().size(), 1u);
  EXPECT_EQ(record_id(merge.records()[0].record), record_id_at(1, 1));
  EXPECT_TRUE(merge.finished());
}

// Random histories, page sizes, limits and failures: every record exactly once, and in the
// promised order whenever no fetch failed.
TEST(RecordMerge, RandomisedWalksNeverRepeatOrSkip) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 random(seed);
    const std::size_t source_count = 1 + random() % 5;
    std::vector<FakeList> lists(source_count);
    std::vector<Source> sources;
    std::vector<Record> expected;
    int sequence = 0;
    for (std::size_t s = 0; s < source_count; ++s) {
      const std::string gateway = "g" + std::to_string(s % 2);
      const auto kind = s % 3 == 2 ? SourceKind::swap : SourceKind::transfer_from;
      lists[s].page_size = 1 + random() % 25;
      const std::size_t size = random() % 70;
      for (std::size_t i = 0; i < size; ++i) {
        const auto id = record_id_at(static_cast<int>(random() % 40), ++sequence);
        auto record = kind == SourceKind::swap ? swap(gateway, id) : transfer(gateway, id, "user-1", "user-2");
        lists[s].records.push_back(record);
        expected.push_back(record);
      }
      lists[s].sort_newest_first();
      sources.push_back({{gateway, kind}, &lists[s]});
    }
    std::stable_sort(expected.begin(), expected.end(), newer_first);
    const bool with_failures = seed % 2 == 0;
    const auto limit = 1 + random() % 30;
    bool any_failure = false;
    FailRule fail = [&](std::size_t, const std::string&) {
      const bool fails = with_failures && random() % 5 == 0;
      any_failure = any_failure || fails;
      return fails;
    };
    Walker walker(sources, MergeFilter{std::nullopt, std::nullopt, "user-1"});
    const auto walked = walker.walk(limit, nullptr, fail);
    auto walked_keys = keys(walked);
    auto expected_keys = keys(expected);
    if (!any_failure) {
      EXPECT_EQ(walked_keys, expected_keys) << "seed " << seed;
    }
    std::sort(walked_keys.begin(), walked_keys.end());
    std::sort(expected_keys.begin(), expected_keys.end());
    EXPECT_EQ(walked_keys, expected_keys) << "seed " << seed;
  }
}

}  // namespace
}  // namespace coinfan::records::merge_test_support
