// The CCPayment v2 merchant behind `coinfan --demo` and the benchmarks: a coin catalogue with
// prices and networks, merchant and user balances ("available": "" and 24-digit dust included)
// and a history of transfers and swaps.
// Credentials are fixed demo values, so a demo configuration is reproducible.

#include "gateways/ccpayment_v2/simulator.hpp"

#include "gateways/ccpayment_v2/config.hpp"

#include <cctype>

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

}  // namespace

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

std::shared_ptr<Provider> make_demo_ccpayment_v2(std::chrono::system_clock::time_point now) {
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

}  // namespace coinfan::sim

namespace coinfan::gateways::ccpayment_v2 {

DemoFactory* const Provider::make_demo = &sim::make_demo_ccpayment_v2;

}  // namespace coinfan::gateways::ccpayment_v2
