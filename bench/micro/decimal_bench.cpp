// Decimal: parsing provider amounts, the arithmetic of the merge (sums, amount x price, the
// rounding of USD values, derived prices) and the canonical text of the rendered answers.

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "coinfan/core/decimal.hpp"

namespace coinfan::bench {
namespace {

Decimal must_parse(std::string_view text) { return Decimal::parse(text).value(); }

void parse_text(benchmark::State& state, std::string_view text) {
  for (auto _ : state) {
    auto value = Decimal::parse(text);
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecimalParseShort(benchmark::State& state) { parse_text(state, "1250.5"); }
void BM_DecimalParse24Digits(benchmark::State& state) { parse_text(state, "0.000000000000000000000123"); }
void BM_DecimalParseFloatText(benchmark::State& state) { parse_text(state, "3.14159265358979"); }

// A balance plus another: what the per-asset totals do.
void BM_DecimalAdd(benchmark::State& state) {
  const Decimal a = must_parse("1250.5");
  const Decimal b = must_parse("0.00012345");
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    Decimal sum = a + b;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
}

// Amount x USD price: every balance's usd_value.
void BM_DecimalMultiply(benchmark::State& state) {
  const Decimal amount = must_parse("1250.12345678");
  const Decimal price = must_parse("43250.12");
  for (auto _ : state) {
    benchmark::DoNotOptimize(amount);
    benchmark::DoNotOptimize(price);
    Decimal product = amount * price;
    benchmark::DoNotOptimize(product);
  }
  state.SetItemsProcessed(state.iterations());
}

// The rounding of that product to usd_value_places (8) — it has 10 fraction digits.
void BM_DecimalRoundHalfEven8(benchmark::State& state) {
  const Decimal product = must_parse("1250.12345678") * must_parse("0.0000123456");
  for (auto _ : state) {
    benchmark::DoNotOptimize(product);
    Decimal rounded = product.round_half_even(8);
    benchmark::DoNotOptimize(rounded);
  }
  state.SetItemsProcessed(state.iterations());
}

// CryptoCloud's derived price: balance_usd / balance_crypto to 12 significant digits.
void BM_DecimalDivideSignificant12(benchmark::State& state) {
  const Decimal usd = must_parse("54093.87");
  const Decimal crypto = must_parse("1.25068431");
  for (auto _ : state) {
    benchmark::DoNotOptimize(usd);
    benchmark::DoNotOptimize(crypto);
    auto price = Decimal::divide_significant(usd, crypto, 12);
    benchmark::DoNotOptimize(price);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecimalToString(benchmark::State& state) {
  const Decimal value = must_parse("54068.14814814");
  for (auto _ : state) {
    std::string text = value.to_string();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_DecimalParseShort);
BENCHMARK(BM_DecimalParse24Digits);
BENCHMARK(BM_DecimalParseFloatText);
BENCHMARK(BM_DecimalAdd);
BENCHMARK(BM_DecimalMultiply);
BENCHMARK(BM_DecimalRoundHalfEven8);
BENCHMARK(BM_DecimalDivideSignificant12);
BENCHMARK(BM_DecimalToString);

}  // namespace coinfan::bench
