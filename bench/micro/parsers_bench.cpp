// The providers' balance (and price) parsers on generated bodies of 50 and 500 assets.
// Items are assets; bytes are the body's.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

#include "bodies.hpp"
#include "gateways/ccpayment_v1/responses.hpp"
#include "gateways/ccpayment_v1/signer.hpp"
#include "gateways/ccpayment_v2/responses.hpp"
#include "gateways/cryptocloud/responses.hpp"
#include "gateways/kuna/responses.hpp"
#include "gateways/trubit/responses.hpp"

namespace coinfan::bench {
namespace {

std::size_t assets_of(const benchmark::State& state) { return static_cast<std::size_t>(state.range(0)); }

// Runs `parse(body)` in the loop after checking once that it succeeds.
template <typename Parse>
void run_parser(benchmark::State& state, const std::string& body, Parse parse) {
  if (auto first = parse(body); !first.ok()) {
    state.SkipWithError(("parser failed on the generated body: " + first.error().detail).c_str());
    return;
  }
  for (auto _ : state) {
    auto result = parse(body);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(assets_of(state)));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

void BM_ParseCcpaymentV1Assets(benchmark::State& state) {
  const std::string body = ccpayment_v1_assets_body(assets_of(state));
  run_parser(state, body, [](const std::string& b) {
    return gateways::ccpayment_v1::parse_assets_response("ccp-legacy", b);
  });
}

// What the adapter calls: the SHA-256 response signature checked first, then the same parse.
void BM_ParseCcpaymentV1AssetsVerified(benchmark::State& state) {
  const std::string body = ccpayment_v1_assets_body(assets_of(state));
  const gateways::ccpayment_v1::Credentials credentials{"app-id-0123456789", "app-secret-0123456789abcdef"};
  const std::string timestamp = "1764684000";
  const std::string sign = gateways::ccpayment_v1::sign(credentials, timestamp, body).value();
  const gateways::ccpayment_v1::ResponseSignature signature{credentials.app_id, timestamp, sign};
  run_parser(state, body, [&](const std::string& b) {
    return gateways::ccpayment_v1::parse_verified_assets_response("ccp-legacy", credentials, signature, b);
  });
}

void BM_ParseCcpaymentV2AssetList(benchmark::State& state) {
  const std::string body = ccpayment_v2_asset_list_body(assets_of(state));
  run_parser(state, body, [](const std::string& b) {
    return gateways::ccpayment_v2::parse_app_coin_asset_list("ccp-main", b);
  });
}

void BM_ParseCcpaymentV2UsdtPrices(benchmark::State& state) {
  const std::size_t assets = assets_of(state);
  const std::string body = ccpayment_v2_usdt_prices_body(assets);
  gateways::ccpayment_v2::CoinSymbols symbols;
  for (std::size_t i = 0; i < assets; ++i) symbols.emplace(std::to_string(1000 + i), ticker(i));
  run_parser(state, body, [&](const std::string& b) {
    return gateways::ccpayment_v2::parse_coin_usdt_prices("ccp-main", b, symbols);
  });
}

void BM_ParseCryptocloudBalanceAll(benchmark::State& state) {
  const std::string body = cryptocloud_balance_all_body(assets_of(state));
  run_parser(state, body, [](const std::string& b) {
    return gateways::cryptocloud::parse_balance_all_response("cloud", b);
  });
}

void BM_ParseTrubitAssets(benchmark::State& state) {
  const std::string body = trubit_assets_body(assets_of(state));
  run_parser(state, body, [](const std::string& b) { return gateways::trubit::parse_assets_response("trubit", b); });
}

void BM_ParseKunaBalance(benchmark::State& state) {
  const std::string body = kuna_balance_body(assets_of(state));
  run_parser(state, body, [](const std::string& b) { return gateways::kuna::parse_balance_response("kuna", b); });
}

}  // namespace

BENCHMARK(BM_ParseCcpaymentV1Assets)->Arg(50)->Arg(500);
BENCHMARK(BM_ParseCcpaymentV1AssetsVerified)->Arg(50)->Arg(500);
BENCHMARK(BM_ParseCcpaymentV2AssetList)->Arg(50)->Arg(500);
BENCHMARK(BM_ParseCcpaymentV2UsdtPrices)->Arg(50)->Arg(500);
BENCHMARK(BM_ParseCryptocloudBalanceAll)->Arg(50)->Arg(500);
BENCHMARK(BM_ParseTrubitAssets)->Arg(50)->Arg(500);
BENCHMARK(BM_ParseKunaBalance)->Arg(50)->Arg(500);

}  // namespace coinfan::bench
