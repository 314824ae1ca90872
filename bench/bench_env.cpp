// bench_env: the simulated upstream side of the benchmarks (bench/run.sh).
//
// Starts five simulated gateways on loopback (CCPayment v2, CCPayment v1, CryptoCloud, TruBit,
// Kuna), each holding `--assets` balances (50 by default, the same tickers everywhere, so the
// merged view has 5 x 50 rows), writes a coinfan configuration pointing at them, and keeps
// running until SIGINT/SIGTERM. A small control server on loopback lets the driver script
// change the injected latency and read the simulators' request counters while it runs:
//
//   GET  /counts              {"gateways":[{"id","type","port","total","paths":{path:n}}]}
//   POST /reset               zero every simulator's counters
//   POST /latency?ms=N        clear faults, then (N > 0) delay every answer of every simulator
//
// Files written to --out DIR:
//   coinfan.json   the coinfan configuration (listen 127.0.0.1:--coinfan-port), with one API key
//                  (scope read) unless --api-key ""; callers send `Authorization: Bearer <key>`
//   env.json       control port, the API key, and each simulator's id, type and port
//   kuna_balance.lua   a wrk script for POST /v2/balance straight at the Kuna simulator (the
//                      latency baseline: the simulators' own answer time, no coinfan between)
//   ready          written last; the driver waits for it
//
// Amounts are built from integers as decimal text; no floating point touches them.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/core/decimal.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/http/message.hpp"
#include "coinfan/http/router.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/trubit/simulator.hpp"

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace sim = coinfan::sim;
namespace config = coinfan::config;
using coinfan::Decimal;

struct Options {
  std::filesystem::path out;
  std::size_t assets = 50;
  unsigned latency_ms = 0;
  std::uint16_t coinfan_port = 18080;
  std::uint16_t control_port = 0;
  unsigned threads = 2;           // simulator I/O threads
  unsigned coinfan_threads = 2;   // server.threads in the written configuration
  std::string coinfan_log_level = "warn";
  unsigned max_concurrency = 1000;  // per gateway; the default 16 would queue 100 callers
  unsigned fresh_ms = 5000;
  unsigned stale_ms = 60000;
  std::string api_key = "bench-read-key-0123456789abcdef";
};

constexpr std::string_view usage = R"(Usage: bench_env --out DIR [options]
  --assets N            balances per simulated gateway (default 50, at most 200)
  --latency-ms N        inject this latency into every simulator answer from the start (default 0)
  --coinfan-port N      port written into coinfan.json (default 18080)
  --control-port N      port of the control server (default 0: any free port, see env.json)
  --threads N           simulator I/O threads (default 2)
  --coinfan-threads N   server.threads written into coinfan.json (default 2)
  --coinfan-log-level L log.level written into coinfan.json (default warn: no access log)
  --max-concurrency N   per-gateway max_concurrency written into coinfan.json (default 1000)
  --fresh-ms N --stale-ms N   cache settings written into coinfan.json (default 5000 / 60000)
  --api-key KEY         the read key configured in coinfan.json ("" for none; default a fixed
                        bench key)
)";

// Fifty tickers, the same on every gateway; `--assets` above 50 adds synthetic ones.
constexpr std::array<std::string_view, 50> tickers = {
    "BTC",  "ETH",  "USDT", "USDC", "BNB",  "XRP",  "SOL",  "ADA",  "DOGE", "TRX",
    "TON",  "DOT",  "MATIC", "LTC", "SHIB", "AVAX", "LINK", "BCH",  "XLM",  "ATOM",
    "UNI",  "ETC",  "XMR",  "FIL",  "APT",  "ARB",  "OP",   "NEAR", "VET",  "ALGO",
    "ICP",  "HBAR", "QNT",  "AAVE", "GRT",  "EGLD", "SAND", "MANA", "AXS",  "THETA",
    "EOS",  "XTZ",  "FTM",  "NEO",  "KAVA", "ZEC",  "DASH", "CHZ",  "CRV",  "DAI"};

std::string ticker(std::size_t i) {
  if (i < tickers.size()) return std::string(tickers[i]);
  return "SYN" + std::to_string(i);
}

// Deterministic decimal text "<int>.<frac>" from integers: `scale` fractional digits.
std::string amount_text(std::uint64_t seed, std::uint64_t whole_mod, unsigned scale) {
  std::uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
  x ^= x >> 29;
  const std::uint64_t whole = whole_mod == 0 ? 0 : x % whole_mod;
  std::string frac = std::to_string((x >> 20) % 100000000ull);
  while (frac.size() < 8) frac.insert(frac.begin(), '0');
  frac.resize(scale);
  if (scale == 0) return std::to_string(whole);
  return std::to_string(whole) + "." + frac;
}

Decimal dec(const std::string& text) {
  auto parsed = Decimal::parse(text);
  if (!parsed) throw std::runtime_error("bad decimal " + text);
  return *parsed;
}

std::string uuid_like(std::uint64_t n) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
                static_cast<unsigned long long>(n * 2654435761ull & 0xffffffffull),
                static_cast<unsigned long long>(n & 0xffffull), static_cast<unsigned long long>(n % 0xfffull),
                static_cast<unsigned long long>((n * 7) % 0xfffull),
                static_cast<unsigned long long>(n * 11400714819323198485ull & 0xffffffffffffull));
  return buffer;
}

std::string price_text(std::size_t i) { return amount_text(1000 + i, 5000, 2); }

// A balance: every fifth asset holds nothing, as real accounts have many empty coins.
std::string balance_text(std::size_t i, std::uint64_t salt) {
  return i % 5 == 4 ? "0" : amount_text(i + salt, 1000, 4);
}

std::shared_ptr<sim::Provider> ccpayment_v2(std::size_t assets) {
  auto account = sim::demo_ccpayment_v2_account();
  account.coins.clear();
  account.balances.clear();
  for (std::size_t i = 0; i < assets; ++i) {
    sim::CcpaymentV2Coin coin;
    coin.coin_id = static_cast<std::int64_t>(1000 + i);
    coin.symbol = ticker(i);
    coin.full_name = coin.symbol + " Token";
    coin.logo_url = "https://resource.cwallet.com/token/icon/" + coin.symbol + ".png";
    sim::CcpaymentV2Network network;
    network.chain = i % 3 == 0 ? "ETH" : (i % 3 == 1 ? "TRX" : "BSC");
    network.chain_full_name = network.chain + " Network";
    network.contract = "0x" + std::to_string(1000000007ull * (i + 1));
    network.precision = 18;
    coin.networks.push_back(network);
    coin.usdt_price = dec(price_text(i));
    account.coins.push_back(coin);
    account.balances.push_back({account.app_id, coin.coin_id, dec(balance_text(i, 0))});
  }
  return std::make_shared<sim::CcpaymentV2Provider>(std::move(account));
}

std::shared_ptr<sim::Provider> ccpayment_v1(std::size_t assets) {
  auto account = sim::demo_ccpayment_v1_account();
  account.coins.clear();
  for (std::size_t i = 0; i < assets; ++i) {
    const auto symbol = ticker(i);
    account.coins.push_back({uuid_like(i + 1), symbol, symbol + " Token", dec(balance_text(i, 100)),
                             dec(price_text(i)), "https://resource.cwallet.com/token/icon/" + symbol + ".png"});
  }
  return std::make_shared<sim::CcpaymentV1Provider>(std::move(account));
}

std::shared_ptr<sim::Provider> cryptocloud(std::size_t assets) {
  auto account = sim::demo_cryptocloud_account();
  account.balances.clear();
  for (std::size_t i = 0; i < assets; ++i) {
    sim::CryptoCloudBalance b;
    b.currency.id = static_cast<int>(i + 1);
    b.currency.code = ticker(i);
    b.currency.short_code = ticker(i);
    b.currency.name = b.currency.code + " Coin";
    b.currency.icon_base = "https://cdn.cryptocloud.plus/img/currency/" + b.currency.short_code + ".svg";
    b.currency.icon_network = "https://cdn.cryptocloud.plus/img/currency_network/" + b.currency.code + ".svg";
    b.currency.icon_qr = "https://cdn.cryptocloud.plus/img/stroke/" + b.currency.short_code + "_STROKE.svg";
    b.currency.order = static_cast<int>(i + 1);
    b.currency.network.code = b.currency.code;
    b.currency.network.id = static_cast<int>(i + 1);
    b.currency.network.icon = "https://cdn.cryptocloud.plus/img/network/" + b.currency.code + ".svg";
    b.currency.network.fullname = b.currency.name;
    b.balance_crypto = balance_text(i, 200);
    // USD worth at the same price the CCPayment gateways quote, so every source agrees.
    b.balance_usd = b.balance_crypto == "0" ? "0.0" : (dec(b.balance_crypto) * dec(price_text(i))).to_string();
    b.available_balance = b.balance_crypto;
    b.available_balance_usd = b.balance_usd;
    account.balances.push_back(b);
  }
  return std::make_shared<sim::CryptoCloudProvider>(std::move(account));
}

std::shared_ptr<sim::Provider> trubit(std::size_t assets) {
  auto account = sim::demo_trubit_account();
  account.balances.clear();
  for (std::size_t i = 0; i < assets; ++i) {
    const auto total = balance_text(i, 400);
    account.balances.push_back({ticker(i), std::to_string(i + 1), ticker(i) + " Coin", total, total, "0"});
  }
  return std::make_shared<sim::TruBitProvider>(std::move(account));
}

std::shared_ptr<sim::Provider> kuna(std::size_t assets) {
  auto account = sim::demo_kuna_account();
  account.balances.clear();
  for (std::size_t i = 0; i < assets; ++i) {
    sim::KunaBalance b;
    b.asset = ticker(i);
    b.balance = balance_text(i, 500);
    b.hold_balance = "0";
    b.deposit_addresses.push_back({b.asset, "addr" + std::to_string(1000003ull * (i + 1)), std::nullopt});
    account.balances.push_back(b);
  }
  return std::make_shared<sim::KunaProvider>(std::move(account));
}

json::object gateway_json(const config::GatewayConfig& g, unsigned max_concurrency) {
  json::object o = sim::gateway_json(g);
  o["max_concurrency"] = max_concurrency;
  return o;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    out << text;
  }
  std::filesystem::rename(tmp, path);
}

std::string lua_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::optional<unsigned> parse_unsigned(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
    const std::string_view value = argv[++i];
    if (arg == "--out") {
      options.out = std::string(value);
      continue;
    }
    if (arg == "--api-key") {
      options.api_key = std::string(value);
      continue;
    }
    if (arg == "--coinfan-log-level") {
      options.coinfan_log_level = std::string(value);
      continue;
    }
    const auto number = parse_unsigned(value);
    if (!number) throw std::invalid_argument(std::string(arg) + ": not a number: " + std::string(value));
    if (arg == "--assets" && *number >= 1 && *number <= 200) options.assets = *number;
    else if (arg == "--latency-ms") options.latency_ms = *number;
    else if (arg == "--coinfan-port" && *number <= 65535) options.coinfan_port = static_cast<std::uint16_t>(*number);
    else if (arg == "--control-port" && *number <= 65535) options.control_port = static_cast<std::uint16_t>(*number);
    else if (arg == "--threads" && *number >= 1) options.threads = *number;
    else if (arg == "--coinfan-threads") options.coinfan_threads = *number;
    else if (arg == "--max-concurrency" && *number >= 1) options.max_concurrency = *number;
    else if (arg == "--fresh-ms" && *number >= 1) options.fresh_ms = *number;
    else if (arg == "--stale-ms" && *number >= 1) options.stale_ms = *number;
    else throw std::invalid_argument("unknown or out-of-range option " + std::string(arg));
  }
  if (options.out.empty()) throw std::invalid_argument("--out DIR is required");
  return options;
}

struct Gateway {
  std::string id;
  std::unique_ptr<sim::Simulator> simulator;
};

void set_latency(std::vector<Gateway>& gateways, unsigned ms) {
  for (auto& g : gateways) {
    g.simulator->clear_faults();
    if (ms > 0) g.simulator->inject(sim::Fault::latency_of(std::chrono::milliseconds(ms)));
  }
}

int run(const Options& options) {
  coinfan::log::init("warn", "text");
  std::filesystem::create_directories(options.out);
  std::filesystem::remove(options.out / "ready");

  asio::io_context io(static_cast<int>(options.threads));
  std::vector<Gateway> gateways;
  auto add = [&](std::string id, std::shared_ptr<sim::Provider> provider) {
    gateways.push_back({std::move(id), sim::Simulator::start(io, std::move(provider))});
  };
  add("ccp-main", ccpayment_v2(options.assets));
  add("ccp-legacy", ccpayment_v1(options.assets));
  add("cloud", cryptocloud(options.assets));
  add("trubit", trubit(options.assets));
  add("kuna", kuna(options.assets));
  set_latency(gateways, options.latency_ms);

  // The control server.
  auto router = std::make_shared<coinfan::http::Router>();
  router->add("GET", "/counts", coinfan::http::sync_handler([&gateways](const coinfan::http::Request&) {
                json::array list;
                for (const auto& g : gateways) {
                  json::object paths;
                  for (const auto& [path, n] : g.simulator->request_counts()) paths[path] = n;
                  list.push_back(json::object{{"id", g.id},
                                              {"type", std::string(config::to_string(g.simulator->type()))},
                                              {"port", g.simulator->port()},
                                              {"total", g.simulator->requests()},
                                              {"connections", g.simulator->connections()},
                                              {"paths", std::move(paths)}});
                }
                return coinfan::http::json_response(200, json::serialize(json::object{{"gateways", list}}));
              }));
  router->add("POST", "/reset", coinfan::http::sync_handler([&gateways](const coinfan::http::Request&) {
                for (auto& g : gateways) g.simulator->reset_counters();
                return coinfan::http::json_response(200, "{\"ok\":true}");
              }));
  router->add("POST", "/latency", coinfan::http::sync_handler([&gateways](const coinfan::http::Request& request) {
                auto query = coinfan::QueryString::parse(request.query);
                std::optional<unsigned> ms;
                if (query) {
                  if (auto text = query->get("ms")) ms = parse_unsigned(*text);
                }
                if (!ms) return coinfan::http::problem(400, "invalid_argument", "ms: expected a number");
                set_latency(gateways, *ms);
                return coinfan::http::json_response(200, "{\"latency_ms\":" + std::to_string(*ms) + "}");
              }));
  coinfan::http::ServerOptions server_options;
  server_options.host = "127.0.0.1";
  server_options.port = options.control_port;
  coinfan::http::Server control(io, server_options, router);
  control.start();

  // coinfan.json
  json::array gateway_list;
  for (const auto& g : gateways) {
    gateway_list.push_back(gateway_json(g.simulator->gateway_config(g.id), options.max_concurrency));
  }
  json::object coinfan_config{
      {"server",
       json::object{{"listen", "127.0.0.1:" + std::to_string(options.coinfan_port)},
                    {"threads", options.coinfan_threads},
                    {"max_connections", 20000},
                    // The benchmarks hold thousands of connections from one loopback address.
                    {"max_connections_per_client", 0}}},
      {"cache", json::object{{"fresh_ms", options.fresh_ms}, {"stale_ms", options.stale_ms}}},
      {"log", json::object{{"level", options.coinfan_log_level}, {"format", "json"}}},
      {"gateways", std::move(gateway_list)}};
  if (!options.api_key.empty()) {
    auto digest = coinfan::hash::sha256_hex(options.api_key);
    if (!digest) throw std::runtime_error("cannot hash the API key");
    coinfan_config["auth"] = json::object{
        {"api_keys", json::array{json::object{{"name", "bench"}, {"sha256", *digest}, {"scopes", json::array{"read"}}}}}};
  }
  write_file(options.out / "coinfan.json", json::serialize(coinfan_config) + "\n");

  // env.json
  json::array sims;
  for (const auto& g : gateways) {
    sims.push_back(json::object{{"id", g.id},
                                {"type", std::string(config::to_string(g.simulator->type()))},
                                {"port", g.simulator->port()}});
  }
  write_file(options.out / "env.json",
             json::serialize(json::object{{"control_port", control.port()},
                                          {"coinfan_port", options.coinfan_port},
                                          {"assets", options.assets},
                                          {"api_key", options.api_key},
                                          {"simulators", std::move(sims)}}) +
                 "\n");

  // The latency baseline's wrk script: Kuna's balance call with its static API key.
  {
    const auto& kuna_sim = gateways.back().simulator;
    const auto account = dynamic_cast<sim::KunaProvider&>(kuna_sim->provider()).account();
    const std::string body = "{\"walletId\":\"" + account.wallet_id + "\"}";
    std::string lua;
    lua += "wrk.method = \"POST\"\n";
    lua += "wrk.path = \"/v2/balance\"\n";
    lua += "wrk.body = " + lua_quote(body) + "\n";
    lua += "wrk.headers[\"Content-Type\"] = \"application/json\"\n";
    lua += "wrk.headers[\"api-key\"] = " + lua_quote(account.api_key) + "\n";
    write_file(options.out / "kuna_balance.lua", lua);
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    control.close_all();
    for (auto& g : gateways) g.simulator->stop();
    io.stop();
  });

  write_file(options.out / "ready", std::to_string(control.port()) + "\n");
  std::cout << "bench_env: control 127.0.0.1:" << control.port() << ", simulators";
  for (const auto& g : gateways) std::cout << ' ' << g.id << '=' << g.simulator->port();
  std::cout << ", config " << (options.out / "coinfan.json").string() << std::endl;

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < options.threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& w : workers) w.join();
  gateways.clear();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_options(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "bench_env: " << e.what() << "\n\n" << usage;
    return 2;
  }
}
