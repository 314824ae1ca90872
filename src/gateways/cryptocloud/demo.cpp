// The CryptoCloud shop behind `coinfan --demo` and the benchmarks: amounts in the notation
// Python's JSON encoder writes ("10.0", "0.1", "1e-08"; coinfan keeps them as exact decimal
// text), a zero balance and a long-lived API key.
// Credentials are fixed demo values, so a demo configuration is reproducible.

#include "gateways/cryptocloud/simulator.hpp"

#include "gateways/cryptocloud/config.hpp"

namespace coinfan::sim {

namespace {

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

}  // namespace coinfan::sim

namespace coinfan::gateways::cryptocloud {

DemoFactory* const Provider::make_demo = &sim::demo_from_account<sim::CryptoCloudProvider, &sim::demo_cryptocloud_account>;

}  // namespace coinfan::gateways::cryptocloud
