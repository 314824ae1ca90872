// The merge (price book, merged balances, totals) and the JSON rendering of its result, for
// 5 sources x 50 and 5 x 500 balances. Items are input balances; render reports bytes out.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bodies.hpp"
#include "coinfan/aggregate/merge.hpp"
#include "coinfan/aggregate/render.hpp"

namespace coinfan::bench {
namespace {

constexpr std::size_t source_count = 5;
const TimePointMs as_of{std::chrono::milliseconds(1764684000123)};

std::size_t assets_of(const benchmark::State& state) { return static_cast<std::size_t>(state.range(0)); }

// The whole view: price book from every quote, merged balances with USD values, totals.
void BM_BuildBalanceView(benchmark::State& state) {
  const auto sources = merge_sources(source_count, assets_of(state));
  const auto statuses = ok_statuses(source_count);
  const std::vector<std::string> all_assets;
  for (auto _ : state) {
    auto view = aggregate::build_balance_view(sources, statuses, all_assets, as_of);
    benchmark::DoNotOptimize(view);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(source_count * assets_of(state)));
}

// Only the price book (the median per asset over the five sources' quotes).
void BM_PriceBook(benchmark::State& state) {
  const auto quotes = aggregate::quotes_of(merge_sources(source_count, assets_of(state)));
  for (auto _ : state) {
    aggregate::PriceBook book(quotes);
    benchmark::DoNotOptimize(book);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(quotes.size()));
}

void BM_RenderBalanceView(benchmark::State& state) {
  const auto view = aggregate::build_balance_view(merge_sources(source_count, assets_of(state)),
                                                  ok_statuses(source_count), {}, as_of);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string json = aggregate::render_balance_view(view);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(view.balances.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["body_bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK(BM_BuildBalanceView)->Arg(50)->Arg(500)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PriceBook)->Arg(50)->Arg(500)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RenderBalanceView)->Arg(50)->Arg(500)->Unit(benchmark::kMicrosecond);

}  // namespace coinfan::bench
