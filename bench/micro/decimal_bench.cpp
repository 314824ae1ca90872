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
// A 24-digit amount (18 integer digits, 6 fractional): still below 2^128.
void BM_DecimalParseAmount24(benchmark::State& state) { parse_text(state, "123456789012345678.901234"); }
// 60 digits: past 2^128, so the cpp_int representation.
void BM_DecimalParseBig(benchmark::State& state) {
  parse_text(state, "123456789012345678901234567890.123456789012345678901234567891");
}

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

void binary_op(benchmark::State& state, std::string_view x, std::string_view y, char op) {
  const Decimal a = must_parse(x);
  const Decimal b = must_parse(y);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    Decimal result = op == '-' ? a - b : (op == '*' ? a * b : a + b);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

// A smaller amount taken from a larger one at another scale (a debit).
void BM_DecimalSubtract(benchmark::State& state) {
  binary_op(state, "1250.5", "0.00012345", '-');
}
// Operands past 2^128: the cpp_int path.
void BM_DecimalAddBig(benchmark::State& state) {
  binary_op(state, "123456789012345678901234567890.123456789012345678901234567891",
            "0.00012345", '+');
}
void BM_DecimalMultiplyBig(benchmark::State& state) {
  binary_op(state, "123456789012345678901234567890.123456789012345678901234567891",
            "43250.12", '*');
}
// 128-bit operands whose product is not: the overflow check's fallback.
void BM_DecimalMultiplyOverflowing(benchmark::State& state) {
  binary_op(state, "123456789012345678.901234", "123456789012345678.901234", '*');
}

// Ordering at different scales (the sort by usd_value, threshold checks).
void BM_DecimalCompare(benchmark::State& state) {
  const Decimal a = must_parse("1250.12345678");
  const Decimal b = must_parse("1250.5");
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    bool less = a < b;
    benchmark::DoNotOptimize(less);
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

void BM_DecimalToFixedString8(benchmark::State& state) {
  const Decimal value = must_parse("54068.148148148148");
  for (auto _ : state) {
    std::string text = value.to_fixed_string(8);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecimalToStringBig(benchmark::State& state) {
  const Decimal value = must_parse("123456789012345678901234567890.123456789012345678901234567891");
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
BENCHMARK(BM_DecimalParseAmount24);
BENCHMARK(BM_DecimalParseBig);
BENCHMARK(BM_DecimalAdd);
BENCHMARK(BM_DecimalSubtract);
BENCHMARK(BM_DecimalAddBig);
BENCHMARK(BM_DecimalMultiplyBig);
BENCHMARK(BM_DecimalMultiplyOverflowing);
BENCHMARK(BM_DecimalCompare);
BENCHMARK(BM_DecimalMultiply);
BENCHMARK(BM_DecimalRoundHalfEven8);
BENCHMARK(BM_DecimalDivideSignificant12);
BENCHMARK(BM_DecimalToString);
BENCHMARK(BM_DecimalToFixedString8);
BENCHMARK(BM_DecimalToStringBig);

}  // namespace coinfan::bench
