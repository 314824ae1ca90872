#include "coinfan/sim/demo.hpp"

#include <cctype>

#include "coinfan/sim/simulator.hpp"
#include "gateways/providers.hpp"

namespace coinfan::sim {

namespace {

Decimal dec(std::string_view text) { return Decimal::parse(text).value(); }

CcpaymentV2Network network(std::string chain, std::string full_name, std::string contract, int precision,
                           std::string min_withdraw, bool memo = false) {
  CcpaymentV2Network n;
  n.chain = std::move(chain);
  n.chain_full_name = std::move(full_name);
  n.contract = std::move(contract);
  n.precision = precision;
  n.minimum_withdraw_amount = std::move(min_withdraw);
  n.is_support_memo = memo;
  return n;
}

CryptoCloudBalance cloud_balance(int id, std::string code, std::string short_code, std::string name, bool stable,
                                 int network_id, std::string network_code, std::string network_name, int order,
                                 std::string crypto, std::string usd, std::string available,
                                 std::string available_usd) {
  CryptoCloudBalance b;
  b.currency.id = id;
  b.currency.code = std::move(code);
  b.currency.short_code = std::move(short_code);
  b.currency.name = std::move(name);
  b.currency.stablecoin = stable;
  b.currency.icon_base = "https://cdn.cryptocloud.plus/img/currency/" + b.currency.short_code + ".svg";
  b.currency.icon_network = "https://cdn.cryptocloud.plus/img/currency_network/" + b.currency.code + ".svg";
  b.currency.icon_qr = "https://cdn.cryptocloud.plus/img/stroke/" + b.currency.short_code + "_STROKE.svg";
  b.currency.order = order;
  b.currency.network.code = std::move(network_code);
  b.currency.network.id = network_id;
  b.currency.network.icon = "https://cdn.cryptocloud.plus/img/network/" + b.currency.network.code + ".svg";
  b.currency.network.fullname = std::move(network_name);
  b.balance_crypto = std::move(crypto);
  b.balance_usd = std::move(usd);
  b.available_balance = std::move(available);
  b.available_balance_usd = std::move(available_usd);
  return b;
}

}  // namespace

CcpaymentV1Account demo_ccpayment_v1_account() {
  CcpaymentV1Account account;
  account.app_id = "202302010636261620672405236006912";
  account.app_secret = "5b1f0d8e2c9a4f7b8e6d3c2a1f0e9d8c";
  const std::string logo = "https://resource.cwallet.com/token/icon/";
  account.coins = {
      {"8e5741cf-6e51-4892-9d04-3d40e1dd0128", "USDT", "Tether USD", dec("127.9514"), dec("1"), logo + "usdt.png"},
      {"f36ad1cf-222a-4933-9ad0-86df8069f916", "BTC", "Bitcoin", dec("0.00523418"), dec("67321.55"), logo + "btc.png"},
      {"e8f64d3d-df5b-411d-897f-c6d8d30206b7", "ETH", "Ethereum", dec("0.4821"), dec("3412.08"), logo + "eth.png"},
      {"2e1d5b8a-6c0f-4f55-8d1e-7a3b9c0d4e21", "TRX", "TRON", dec("0"), dec("0.1213"), logo + "trx.png"},
      {"0c9a6f51-3b8e-4d27-9f1a-5e6d7c8b9a01", "DOGE", "Dogecoin", dec("0.00000001"), dec("0.1587"), logo + "doge.png"},
      {"7d3e2f1a-9b8c-4a5d-8e7f-6a5b4c3d2e1f", "SHIB", "SHIBA INU", dec("1523400.5"), dec("0.00001712"),
       logo + "shib.png"},
  };
  return account;
}

CcpaymentV2Account demo_ccpayment_v2_account() {
  CcpaymentV2Account account;
  account.app_id = "202403181122334455667788990011223";
  account.app_secret = "9e2d4c6b8a0f1e3d5c7b9a8f6e4d2c0b";
  account.swap_fee_rate = dec("0.002");
  account.min_swap_fee_usdt = dec("0.1");
  account.min_transfer_usd = dec("0.001");
  const std::string logo = "https://resource.cwallet.com/token/icon/";
  auto coin = [&](std::int64_t id, std::string symbol, std::string name, std::string status, std::string price,
                  std::vector<CcpaymentV2Network> networks) {
    CcpaymentV2Coin c;
    c.coin_id = id;
    c.logo_url = logo + symbol + ".png";
    for (auto& ch : c.logo_url) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.symbol = std::move(symbol);
    c.full_name = std::move(name);
    c.status = std::move(status);
    c.usdt_price = dec(price);
    c.networks = std::move(networks);
    return c;
  };
  account.coins = {
      coin(1280, "USDT", "Tether USD", "Normal", "1",
           {network("TRX", "Tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 6, "1"),
            network("ETH", "Ethereum", "0xdac17f958d2ee523a2206206994597c13d831ec7", 6, "5"),
            network("BSC", "Binance Smart Chain", "0x55d398326f99059ff775485246999027b3197955", 18, "0.5")}),
      coin(1155, "BTC", "Bitcoin", "Normal", "67321.55", {network("BTC", "Bitcoin", "", 8, "0.0005")}),
      coin(1161, "ETH", "Ethereum", "Normal", "3412.08",
           {network("ETH", "Ethereum", "", 18, "0.005"), network("ARBITRUM", "Arbitrum One", "", 18, "0.001")}),
      coin(1482, "TRX", "TRON", "Normal", "0.2718", {network("TRX", "Tron", "", 6, "10")}),
      coin(1329, "MATIC", "Matic Token", "Normal", "0.5503",
           {network("POLYGON", "Polygon", "137", 18, "0.025"),
            network("ETH", "Ethereum", "0x7D1AfA7B718fb893dB30A3aBc0Cfc608AaCfeBB0", 18, "0.025")}),
      coin(1207, "LINK", "ChainLink Token", "Normal", "14.21",
           {network("ETH", "Ethereum", "0x514910771af9ca656af840dff83e8264ecf986ca", 18, "0.025"),
            network("BSC", "Binance Smart Chain", "0xf8a0bf9cf54bb92f17374d9e9a321e6a111a51bd", 18, "0.025")}),
      coin(1864, "SHIB", "SHIBA INU", "Pre-delisting", "0.00001712",
           {network("ETH", "Ethereum", "0x95ad61b0a150d79219dcf64e1e6cc01f0b64c4ce", 18, "100000")}),
      coin(1390, "XRP", "XRP", "Maintain", "0.5231", {network("XRP", "XRP Ledger", "", 6, "1", true)}),
  };
  const std::string merchant = account.app_id;
  account.balances = {
      {merchant, 1280, dec("15234.56")},
      {merchant, 1155, dec("0.52341876")},
      {merchant, 1161, dec("3.125")},
      {merchant, 1482, dec("0")},
      {merchant, 1329, std::nullopt},  // "available": "" as in the documents
      {merchant, 1864, std::nullopt},
      {merchant, 1207, dec("0.000000000000000000000123")},  // a 24-digit dust balance
      {merchant, 1390, dec("1250.123456")},
      {demo_ccpayment_v2_users[0], 1280, dec("250.5")},
      {demo_ccpayment_v2_users[0], 1482, dec("1000")},
      {demo_ccpayment_v2_users[1], 1280, dec("80")},
      {demo_ccpayment_v2_users[1], 1155, dec("0.0015")},
      {demo_ccpayment_v2_users[2], 1280, dec("0.75")},
  };
  return account;
}

CryptoCloudAccount demo_cryptocloud_account() {
  CryptoCloudAccount account;
  account.api_key = make_cryptocloud_api_key("SHOP-4Xb9Q2", "demo-cryptocloud-signing-secret",
                                             std::chrono::sys_seconds(std::chrono::seconds(2051222400)));
  account.balances = {
      cloud_balance(4, "USDT_TRC20", "USDT", "Tether", true, 4, "TRC20", "Tron", 1, "10.0", "10.0", "10.0", "10.0"),
      cloud_balance(5, "USDT_ERC20", "USDT", "Tether", true, 5, "ERC20", "Ethereum", 2, "0.1", "0.1", "0.1", "0.1"),
      cloud_balance(1, "BTC", "BTC", "Bitcoin", false, 1, "BTC", "Bitcoin", 3, "0.00123456", "83.11", "0.00123456",
                    "83.11"),
      cloud_balance(3, "ETH", "ETH", "Ethereum", false, 5, "ERC20", "Ethereum", 4, "0.5", "1706.04", "0.25",
                    "853.02"),
      cloud_balance(2, "LTC", "LTC", "Litecoin", false, 2, "LTC", "Litecoin", 5, "0.0", "0.0", "0.0", "0.0"),
      cloud_balance(10, "TRX", "TRX", "Tron", false, 4, "TRC20", "Tron", 6, "1234.567891", "335.55", "1234.567891",
                    "335.55"),
      cloud_balance(12, "USDC_ERC20", "USDC", "USD Coin", true, 5, "ERC20", "Ethereum", 7, "1e-08", "0.0", "1e-08",
                    "0.0"),  // Python writes tiny floats with an exponent
  };
  return account;
}

TruBitAccount demo_trubit_account() {
  TruBitAccount account;
  account.api_key = "tbk_demo_6f1d2c3b4a5e6f708192a3b4c5d6e7f8";
  account.api_secret = "tbs_demo_0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  account.balances = {
      {"BTC", "1", "Bitcoin", "1.5", "1.0", "0.5"},
      {"ETH", "2", "Ethereum", "10.0", "5.0", "5.0"},
      {"USDT", "5", "Tether USD", "2500.75", "2400.75", "100"},
      {"USDC", "6", "USD Coin", "0", "0", "0"},
      {"TRX", "9", "TRON", "0.000001", "0.000001", "0"},
  };
  account.merchants = {
      {101, {{"BTC", "1", "Bitcoin", "1.0", "0.5", "0.5"}, {"USDT", "5", "Tether USD", "2000", "1900", "100"}}},
      {102, {{"BTC", "1", "Bitcoin", "0.5", "0.5", "0"}, {"USDT", "5", "Tether USD", "500.75", "500.75", "0"}}},
  };
  return account;
}

KunaAccount demo_kuna_account() {
  KunaAccount account;
  account.merchant_id = "f2d6a8c4-31b5-4e9a-8c7d-0e1f2a3b4c5d";
  account.email = "treasury@demo-merchant.example";
  account.password = "demo-kuna-password-42";
  account.api_key = "kuna_demo_api_key_3c9e1f7a5b";
  account.wallet_id = "1f44b1c7-9fd4-4d20-b9a4-7aca3646d0d5";
  account.balances = {
      {"BTC", "0", "0", "0", "0", {{"BTC", "bc1q4curzl6agt0l3zvc3ermrzuesm2f9nevm9rll0", std::nullopt}}},
      {"USDT", "0.64", "0", "0", "0",
       {{"TRX", "TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc", std::nullopt},
        {"ETH", "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", std::nullopt}}},
      {"ETH", "0.75", "0.05", "0", "0.001", {{"ETH", "0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE", std::nullopt}}},
      {"TRX", "1520.123456", "0", "12.5", "0", {{"TRX", "TW6fBsVChypHoN3xFXpizHFJNQa7b1wRWc", std::nullopt}}},
      {"XRP", "0.000001", "0", "0", "0", {{"XRP", "rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh", std::string("109")}}},
      {"UAH", "12500.5", "250", "0", "0", {}},
  };
  return account;
}

std::shared_ptr<Provider> make_demo_provider(config::GatewayType type, std::chrono::system_clock::time_point now) {
  if (type == gateways::ccpayment_v1::type) return std::make_shared<CcpaymentV1Provider>(demo_ccpayment_v1_account());
  if (type == gateways::ccpayment_v2::type) {
      auto provider = std::make_shared<CcpaymentV2Provider>(demo_ccpayment_v2_account());
      CcpaymentV2HistorySpec history;
      history.users = {demo_ccpayment_v2_users[0], demo_ccpayment_v2_users[1], demo_ccpayment_v2_users[2],
                       provider->app_id()};
      history.transfers = 46;
      history.swaps = 18;
      history.spacing = std::chrono::seconds(45 * 60);
      history.first_at = std::chrono::floor<std::chrono::seconds>(now) - std::chrono::hours(48);
      history.order_prefix = "demo";
      provider->seed_history(history);
      return provider;
  }
  if (type == gateways::cryptocloud::type) return std::make_shared<CryptoCloudProvider>(demo_cryptocloud_account());
  if (type == gateways::trubit::type) return std::make_shared<TruBitProvider>(demo_trubit_account());
  if (type == gateways::kuna::type) return std::make_shared<KunaProvider>(demo_kuna_account());
  return nullptr;
}

DemoGateways start_demo_gateways(boost::asio::io_context& io, SimulatorOptions options) {
  struct Entry {
    const char* id;
    config::GatewayType type;
  };
  static constexpr Entry entries[] = {
      {"ccp-main", gateways::ccpayment_v2::type}, {"ccp-legacy", gateways::ccpayment_v1::type},
      {"cloud", gateways::cryptocloud::type},     {"trubit", gateways::trubit::type},
      {"kuna", gateways::kuna::type},
  };
  DemoGateways demo;
  for (const auto& entry : entries) {
    auto simulator = Simulator::start(io, entry.type, options);
    demo.gateways.push_back(simulator->gateway_config(entry.id));
    demo.simulators.push_back(std::move(simulator));
  }
  return demo;
}

}  // namespace coinfan::sim
