#include "bodies.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace coinfan::bench {
namespace {

constexpr std::array<std::string_view, 30> common_tickers = {
    "BTC", "ETH", "USDT", "USDC", "BNB",  "TRX",  "SOL", "XRP", "DOGE", "TON",
    "ADA", "LTC", "DOT",  "MATIC", "SHIB", "AVAX", "LINK", "BCH", "XLM", "ATOM",
    "ETC", "XMR", "FIL",  "APT",  "ARB",  "OP",   "NEAR", "UNI", "DAI", "TUSD"};

constexpr std::array<std::string_view, 4> networks = {"TRC20", "ERC20", "BSC", "POLYGON"};

// `value` * 10^-scale as plain decimal text, trailing fraction zeros dropped.
std::string scaled_text(std::uint64_t value, unsigned scale) {
  std::string digits = std::to_string(value);
  if (scale == 0) return digits;
  if (digits.size() <= scale) digits.insert(0, scale - digits.size() + 1, '0');
  digits.insert(digits.size() - scale, 1, '.');
  while (digits.back() == '0') digits.pop_back();
  if (digits.back() == '.') digits.pop_back();
  return digits;
}

std::string padded(std::size_t value, std::size_t width) {
  std::string text = std::to_string(value);
  if (text.size() < width) text.insert(0, width - text.size(), '0');
  return text;
}

// Stable pseudo-random figures from the asset and gateway numbers.
std::uint64_t mix(std::size_t i, std::size_t g) {
  std::uint64_t x = (static_cast<std::uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ULL ^
                    (static_cast<std::uint64_t>(g) + 1) * 0xC2B2AE3D27D4EB4FULL;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 29;
  return x;
}

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

// Appends every part; one statement instead of a chain of operator+ temporaries.
template <typename... Parts>
void append(std::string& out, const Parts&... parts) {
  (out.append(std::string_view(parts)), ...);
}

std::string with_point(std::string text) {
  if (text.find('.') == std::string::npos) text += ".0";
  return text;
}

std::string gateway_id(std::size_t g) {
  std::string id = "gw";
  id += std::to_string(g);
  return id;
}

}  // namespace

std::string ticker(std::size_t i) {
  if (i < common_tickers.size()) return std::string(common_tickers[i]);
  std::string out = "T";
  out += padded(i, 4);
  return out;
}

std::string amount_text(std::size_t i, std::size_t g) {
  if (i % 5 == 4) return "0";
  const std::uint64_t m = mix(i, g);
  // 0 .. 99999 whole units, 8 fraction digits.
  return scaled_text((m % 100000) * 100000000ULL + (m >> 20) % 100000000ULL, 8);
}

std::string price_text(std::size_t i, std::size_t g) {
  // A 6-digit mantissa placed at 10^-6 .. 10^5; each source 0.1 % above the previous.
  const std::uint64_t mantissa = 100000 + mix(i, 99) % 900000;
  const std::uint64_t quoted_mantissa = mantissa + g * (mantissa / 1000);
  const unsigned scale = static_cast<unsigned>(i % 12);  // 0..11 fraction places
  return scaled_text(quoted_mantissa, scale);
}

std::string float_amount_text(std::size_t i) {
  if (i % 5 == 4) return "0.0";
  const std::uint64_t m = mix(i, 7);
  return with_point(scaled_text((m % 100000) * 1000000ULL + (m >> 20) % 1000000ULL, 6));
}

std::string ccpayment_v1_assets_body(std::size_t assets) {
  std::string body = R"({"code":10000,"msg":"success","data":{"list":[)";
  for (std::size_t i = 0; i < assets; ++i) {
    if (i != 0) body += ',';
    const std::string symbol = ticker(i);
    append(body, R"({"coin_id":"8e5741cf-6e51-4892-9d04-)", padded(i, 12), R"(","crypto":)", quoted(symbol),
            R"(,"name":)", quoted(symbol + " Token"), R"(,"value":)", quoted(amount_text(i, 1)),
            R"(,"price":)", quoted(i % 7 == 6 ? "0" : price_text(i, 1)),
            R"(,"logo":"https://resource.cwallet.com/token/icon/)", symbol, R"(.png"})");
  }
  body += "]}}";
  return body;
}

std::string ccpayment_v2_asset_list_body(std::size_t assets) {
  std::string body = R"({"code":10000,"msg":"success","data":{"assets":[)";
  for (std::size_t i = 0; i < assets; ++i) {
    if (i != 0) body += ',';
    append(body, R"({"coinId":)", std::to_string(1000 + i), R"(,"coinSymbol":)", quoted(ticker(i)),
            R"(,"available":)", quoted(i % 10 == 9 ? "" : amount_text(i, 0)), "}");
  }
  body += "]}}";
  return body;
}

std::string ccpayment_v2_usdt_prices_body(std::size_t assets) {
  std::string body = R"({"code":10000,"msg":"success","data":{"prices":{)";
  for (std::size_t i = 0; i < assets; ++i) {
    if (i != 0) body += ',';
    append(body, quoted(std::to_string(1000 + i)), ":", quoted(i % 7 == 6 ? "0" : price_text(i, 0)));
  }
  body += "}}}";
  return body;
}

std::string cryptocloud_balance_all_body(std::size_t assets) {
  std::string body = R"({"status":"success","result":[)";
  for (std::size_t i = 0; i < assets; ++i) {
    if (i != 0) body += ',';
    const std::string symbol = ticker(i);
    const bool split = i % 3 == 2;  // a token on a named network: "USDT_TRC20"
    const std::string network = split ? std::string(networks[i % networks.size()]) : symbol;
    const std::string code = split ? symbol + "_" + network : symbol;
    const std::string crypto = float_amount_text(i);
    // balance_usd: the amount at the price, 2 places, as the float text CryptoCloud sends.
    std::string usd = "0.0";
    if (auto amount = Decimal::parse(crypto), price = Decimal::parse(price_text(i, 2)); amount && price) {
      usd = with_point((*amount * *price).round_half_even(2).to_string());
    }
    append(body, R"({"currency":{"id":)", std::to_string(i + 1), R"(,"code":)", quoted(code),
            R"(,"short_code":)", quoted(symbol), R"(,"name":)", quoted(symbol + " Token"),
            R"(,"is_email_required":false,"stablecoin":false,"icon_base":"https://cdn.cryptocloud.plus/img/currency/)",
            symbol, R"(.svg","icon_network":"https://cdn.cryptocloud.plus/img/currency_network/)", code,
            R"(.svg","icon_qr":"https://cdn.cryptocloud.plus/img/stroke/)", symbol,
            R"(_STROKE.svg","order":)", std::to_string(i + 1), R"(,"obj_network":{"code":)", quoted(network),
            R"(,"id":)", std::to_string(i % 17 + 1), R"(,"icon":"https://cdn.cryptocloud.plus/img/network/)",
            network, R"(.svg","fullname":)", quoted(network + " Network"), R"(},"enable":true},"balance_crypto":)",
            crypto, R"(,"balance_usd":)", usd, R"(,"available_balance":)", crypto,
            R"(,"available_balance_usd":)", usd, "}");
  }
  body += "]}";
  return body;
}

std::string trubit_assets_body(std::size_t assets) {
  std::string body = R"({"code":200,"msg":"SUCCESS","data":{"canDeposit":true,"balances":[)";
  for (std::size_t i = 0; i < assets; ++i) {
    if (i != 0) body += ',';
    const std::string symbol = ticker(i);
    const std::string total = amount_text(i, 3);
    const bool has_locked = i % 4 == 1 && total != "0";
    const std::string locked = has_locked ? "0.5" : "0";
    std::string free = total;
    if (has_locked) {
      if (auto t = Decimal::parse(total), l = Decimal::parse(locked); t && l && *l < *t) {
        free = (*t - *l).to_string();
      } else {
        free = total;
      }
    }
    append(body, R"({"asset":)", quoted(symbol), R"(,"assetId":)", quoted(std::to_string(i + 1)),
            R"(,"assetName":)", quoted(symbol + " Token"), R"(,"total":)", quoted(total), R"(,"free":)",
            quoted(free), R"(,"locked":)", quoted(has_locked && free != total ? locked : "0"), "}");
  }
  body += "]}}";
  return body;
}

std::string kuna_balance_body(std::size_t assets) {
  std::string body = R"({"data":[)";
  for (std::size_t i = 0; i < assets; ++i) {
    if (i != 0) body += ',';
    const std::string symbol = ticker(i);
    const std::string chain = i % 3 == 2 ? std::string(networks[i % networks.size()]) : symbol;
    append(body, R"({"balance":)", quoted(amount_text(i, 4)), R"(,"asset":)", quoted(symbol), R"(,"holdBalance":)",
            quoted(i % 6 == 1 ? "1.25" : "0"), R"(,"lockBalance":)", quoted(i % 9 == 1 ? "0.0001" : "0"),
            R"(,"referralBalance":"0","depositAddress":{)", quoted(chain),
            R"(:{"address":"TW6fBsVChypHoN3xFXpizHFJNQa7b)", padded(i, 6), R"(","memo":null}}})");
  }
  body += "]}";
  return body;
}

std::vector<aggregate::GatewayBalances> merge_sources(std::size_t sources, std::size_t assets) {
  std::vector<aggregate::GatewayBalances> out;
  out.reserve(sources);
  for (std::size_t g = 0; g < sources; ++g) {
    aggregate::GatewayBalances source{gateway_id(g), {}, {}};
    source.balances.reserve(assets);
    source.prices.reserve(assets);
    for (std::size_t i = 0; i < assets; ++i) {
      const std::string symbol = ticker(i);
      const Decimal amount = Decimal::parse(amount_text(i, g)).value();
      source.balances.push_back(Balance{source.gateway, symbol, std::nullopt, amount, amount, Decimal{},
                                        std::nullopt, std::nullopt, std::to_string(1000 + i)});
      // Every eleventh asset has no price anywhere; every seventh only at the first source.
      if (i % 11 == 10 || (i % 7 == 6 && g != 0)) continue;
      source.prices.push_back(Price{symbol, Decimal::parse(price_text(i, g)).value(), source.gateway, "USD",
                                    std::to_string(1000 + i), std::nullopt, false});
    }
    out.push_back(std::move(source));
  }
  return out;
}

std::vector<aggregate::GatewayStatus> ok_statuses(std::size_t sources) {
  std::vector<aggregate::GatewayStatus> out;
  out.reserve(sources);
  for (std::size_t g = 0; g < sources; ++g) {
    out.push_back(aggregate::live_status(gateway_id(g), "ccpayment-v2",
                                         static_cast<std::int64_t>(10 + g), std::nullopt));
  }
  return out;
}

}  // namespace coinfan::bench
