// The records cursor of GET /v1/records: encode (serialise, HMAC-SHA256, base64url) and
// decode (the reverse, with the authentication check), for a query over two CCPayment v2
// gateways with transfers and swaps (six sources).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "coinfan/records/cursor.hpp"

namespace coinfan::records {
namespace {

Cursor sample_cursor() {
  Cursor cursor;
  for (std::size_t i = 0; i < cursor.fingerprint.size(); ++i) cursor.fingerprint[i] = static_cast<std::uint8_t>(i * 17);
  for (const char* gateway : {"ccp-main", "ccp-eu"}) {
    cursor.sources.push_back({{gateway, SourceKind::transfer_from},
                              {"20261202140500170000000000104729", 13, false, 1764684300000, "2026120214070017"}});
    cursor.sources.push_back({{gateway, SourceKind::transfer_to}, {"", 0, true, std::nullopt, ""}});
    cursor.sources.push_back({{gateway, SourceKind::swap},
                              {"20261202130000170000000000208871", 49, false, 1764680400000, "2026120213000017000042"}});
  }
  return cursor;
}

const CursorCodec& codec() {
  static const CursorCodec instance("0123456789abcdef0123456789abcdef");
  return instance;
}

void BM_CursorEncode(benchmark::State& state) {
  const Cursor cursor = sample_cursor();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string token = codec().encode(cursor);
    bytes = token.size();
    benchmark::DoNotOptimize(token);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["token_chars"] = static_cast<double>(bytes);
}

void BM_CursorDecode(benchmark::State& state) {
  const std::string token = codec().encode(sample_cursor());
  if (auto first = codec().decode(token); !first.ok() || *first != sample_cursor()) {
    state.SkipWithError("the cursor does not round-trip");
    return;
  }
  for (auto _ : state) {
    auto cursor = codec().decode(token);
    benchmark::DoNotOptimize(cursor);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(token.size()));
}

}  // namespace

BENCHMARK(BM_CursorEncode);
BENCHMARK(BM_CursorDecode);

}  // namespace coinfan::records
