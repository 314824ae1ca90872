#include "coinfan/aggregate/render.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace coinfan::aggregate {

namespace {

// The JSON text is written straight into one string, byte for byte what boost::json::serialize
// made of the DOM this used to build: no whitespace, members in the order below, strings
// escaped as its serializer escapes them (see Writer::string).

// boost::json's escape table: '"' and '\\' by themselves, \b \t \n \f \r by name, every other
// byte below 0x20 as \u00xx in lower-case hex. '/', DEL and bytes from 0x80 (UTF-8 or not) are
// copied unchanged.
constexpr std::array<char, 256> escape_table = [] {
  std::array<char, 256> table{};
  for (unsigned c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

// Appends to a buffer whose size is its capacity: bytes are written through a pointer, and the
// buffer grows (doubling) only when a write would pass its end. written() is the text so far.
class Writer {
 public:
  explicit Writer(std::string& buffer) noexcept
      : buffer_(buffer), pos_(buffer.data()), end_(buffer.data() + buffer.size()) {}

  std::string_view written() const noexcept {
    return {buffer_.data(), static_cast<std::size_t>(pos_ - buffer_.data())};
  }

  // Punctuation and member names, already JSON text.
  void raw(std::string_view text) {
    ensure(text.size());
    std::memcpy(pos_, text.data(), text.size());
    pos_ += text.size();
  }
  void raw(char c) {
    ensure(1);
    *pos_++ = c;
  }

  void string(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    // Room for the quotes and the text as is; each escape makes room for itself.
    ensure(text.size() + 2);
    *pos_++ = '"';
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p != end) {
      const auto byte = static_cast<unsigned char>(*p++);
      const char name = escape_table[byte];
      if (name == 0) {
        *pos_++ = static_cast<char>(byte);
        continue;
      }
      // The escape's 6 bytes at most, the rest of the text and the closing quote.
      ensure(6 + static_cast<std::size_t>(end - p) + 1);
      *pos_++ = '\\';
      if (name != 'u') {
        *pos_++ = name;
      } else {
        const char rest[5] = {'u', '0', '0', hex[byte >> 4], hex[byte & 15]};
        std::memcpy(pos_, rest, 5);
        pos_ += 5;
      }
    }
    *pos_++ = '"';
  }
  void string_or_null(const std::optional<std::string>& text) {
    if (text) {
      string(*text);
    } else {
      null();
    }
  }
  void decimal(const Decimal& value) { string(value.to_string()); }
  void decimal_or_null(const std::optional<Decimal>& value) {
    if (value) {
      decimal(*value);
    } else {
      null();
    }
  }
  void time(TimePointMs at) { string(format_rfc3339_utc(at)); }
  void time_or_null(const std::optional<TimePointMs>& at) {
    if (at) {
      time(*at);
    } else {
      null();
    }
  }
  void boolean(bool value) { raw(value ? std::string_view("true") : std::string_view("false")); }
  void null() { raw("null"); }
  template <typename Integer>
  void integer(Integer value) {
    ensure(24);
    pos_ = std::to_chars(pos_, end_, value).ptr;
  }
  void integer_or_null(const std::optional<std::int64_t>& value) {
    if (value) {
      integer(*value);
    } else {
      null();
    }
  }

  // `[each(item), ...]`.
  template <typename T, typename Each>
  void array(const std::vector<T>& items, Each each) {
    raw('[');
    bool first = true;
    for (const auto& item : items) {
      if (!first) raw(',');
      first = false;
      each(*this, item);
    }
    raw(']');
  }

 private:
  void ensure(std::size_t bytes) {
    if (static_cast<std::size_t>(end_ - pos_) < bytes) grow(bytes);
  }
  void grow(std::size_t bytes) {
    const auto used = static_cast<std::size_t>(pos_ - buffer_.data());
    buffer_.resize(std::max({buffer_.size() * 2, used + bytes, std::size_t{4096}}));
    pos_ = buffer_.data() + used;
    end_ = buffer_.data() + buffer_.size();
  }

  std::string& buffer_;
  char* pos_;
  char* end_;
};

void write_string(Writer& w, const std::string& text) { w.string(text); }

// `{code, detail, provider_code?, provider_message?}` as error_json() builds it, then `at`
// when given.
void write_error(Writer& w, const Error& error, const std::optional<TimePointMs>* at = nullptr) {
  w.raw(R"({"code":)");
  w.string(to_string(error.code));
  w.raw(R"(,"detail":)");
  w.string(error.detail);
  if (!error.provider_code.empty()) {
    w.raw(R"(,"provider_code":)");
    w.string(error.provider_code);
  }
  if (!error.provider_message.empty()) {
    w.raw(R"(,"provider_message":)");
    w.string(error.provider_message);
  }
  if (at != nullptr) {
    w.raw(R"(,"at":)");
    w.time_or_null(*at);
  }
  w.raw('}');
}

// What gateway_statuses_json() builds, entry by entry.
void write_status(Writer& w, const GatewayStatus& status) {
  w.raw(R"({"id":)");
  w.string(status.id);
  w.raw(R"(,"type":)");
  w.string(status.type);
  w.raw(status.ok ? R"(,"status":"ok","latency_ms":)" : R"(,"status":"error","latency_ms":)");
  w.integer(status.latency_ms);
  w.raw(R"(,"cached":)");
  w.boolean(status.cached);
  w.raw(R"(,"age_ms":)");
  w.integer_or_null(status.age_ms);
  if (status.error) {
    w.raw(R"(,"error":)");
    write_error(w, *status.error);
  }
  w.raw('}');
}

void write_balance(Writer& w, const Balance& balance) {
  w.raw(R"({"gateway":)");
  w.string(balance.gateway);
  w.raw(R"(,"asset":)");
  w.string(balance.asset);
  w.raw(R"(,"network":)");
  w.string_or_null(balance.network);
  w.raw(R"(,"total":)");
  w.decimal(balance.total);
  w.raw(R"(,"available":)");
  w.decimal(balance.available);
  w.raw(R"(,"locked":)");
  w.decimal(balance.locked);
  w.raw(R"(,"usd_price":)");
  w.decimal_or_null(balance.usd_price);
  w.raw(R"(,"usd_value":)");
  w.decimal_or_null(balance.usd_value);
  w.raw(R"(,"raw_asset":)");
  w.string(balance.raw_asset);
  w.raw('}');
}

void write_total(Writer& w, const AssetTotal& total) {
  w.raw(R"({"asset":)");
  w.string(total.asset);
  w.raw(R"(,"total":)");
  w.decimal(total.total);
  w.raw(R"(,"available":)");
  w.decimal(total.available);
  w.raw(R"(,"locked":)");
  w.decimal(total.locked);
  w.raw(R"(,"usd_price":)");
  w.decimal_or_null(total.usd_price);
  w.raw(R"(,"usd_value":)");
  w.decimal_or_null(total.usd_value);
  w.raw(R"(,"price_sources":)");
  w.array(total.price_sources, write_string);
  w.raw('}');
}

void write_price_source(Writer& w, const PriceSource& source) {
  w.raw(R"({"name":)");
  w.string(source.name);
  w.raw(R"(,"gateway":)");
  w.string(source.quote.gateway);
  w.raw(R"(,"network":)");
  w.string_or_null(source.quote.network);
  w.raw(R"(,"usd":)");
  w.decimal(source.quote.usd);
  w.raw(R"(,"quote":)");
  w.string(source.quote.quote);
  w.raw(R"(,"raw_id":)");
  w.string(source.quote.raw_id);
  w.raw(R"(,"derived":)");
  w.boolean(source.quote.derived);
  w.raw(R"(,"outlier":)");
  w.boolean(source.outlier.has_value());
  w.raw(R"(,"outlier_reason":)");
  w.string_or_null(source.outlier);
  w.raw('}');
}

void write_price(Writer& w, const MergedPrice& price) {
  w.raw(R"({"asset":)");
  w.string(price.asset);
  w.raw(R"(,"usd":)");
  w.decimal(price.usd);
  w.raw(R"(,"sources":)");
  w.array(price.sources, write_price_source);
  w.raw('}');
}

void write_network(Writer& w, const CoinNetwork& network) {
  w.raw(R"({"chain":)");
  w.string(network.chain);
  w.raw(R"(,"name":)");
  w.string(network.name);
  w.raw(R"(,"contract":)");
  w.string(network.contract);
  w.raw(R"(,"precision":)");
  w.integer_or_null(network.precision);
  w.raw(R"(,"can_deposit":)");
  w.boolean(network.can_deposit);
  w.raw(R"(,"can_withdraw":)");
  w.boolean(network.can_withdraw);
  w.raw(R"(,"memo_required":)");
  w.boolean(network.memo_required);
  w.raw(R"(,"min_deposit":)");
  w.decimal_or_null(network.min_deposit);
  w.raw(R"(,"min_withdraw":)");
  w.decimal_or_null(network.min_withdraw);
  w.raw(R"(,"max_withdraw":)");
  w.decimal_or_null(network.max_withdraw);
  w.raw(R"(,"withdraw_fee":)");
  w.decimal_or_null(network.withdraw_fee);
  w.raw('}');
}

void write_coin(Writer& w, const Coin& coin) {
  w.raw(R"({"gateway":)");
  w.string(coin.gateway);
  w.raw(R"(,"coin_id":)");
  w.string(coin.coin_id);
  w.raw(R"(,"asset":)");
  w.string(coin.asset);
  w.raw(R"(,"name":)");
  w.string(coin.name);
  w.raw(R"(,"status":)");
  w.string(coin.status);
  w.raw(R"(,"logo_url":)");
  w.string(coin.logo);
  w.raw(R"(,"networks":)");
  w.array(coin.networks, write_network);
  w.raw('}');
}

void write_health(Writer& w, const GatewayHealth& gateway) {
  w.raw(R"({"id":)");
  w.string(gateway.id);
  w.raw(R"(,"type":)");
  w.string(gateway.type);
  w.raw(R"(,"health":)");
  w.string(gateway.health);
  w.raw(R"(,"circuit":)");
  w.string(gateway.circuit);
  w.raw(R"(,"last_success_at":)");
  w.time_or_null(gateway.last_success_at);
  w.raw(R"(,"last_error":)");
  if (gateway.last_error) {
    write_error(w, *gateway.last_error, &gateway.last_error_at);
  } else {
    w.null();
  }
  w.raw(R"(,"last_latency_ms":)");
  w.integer_or_null(gateway.last_latency_ms);
  w.raw(R"(,"requests":)");
  w.integer(gateway.requests);
  w.raw(R"(,"in_flight":)");
  w.integer(gateway.in_flight);
  w.raw('}');
}

// Renders into this thread's scratch buffer, which keeps its size from one render to the next
// (unless it grew past scratch_keep bytes), and returns an exact-size copy: the answer is cached
// as is, so it should not carry spare capacity.
constexpr std::size_t scratch_keep = 4 * 1024 * 1024;

template <typename Body>
std::string render(Body body) {
  thread_local std::string scratch;
  Writer w(scratch);
  body(w);
  std::string out(w.written());
  if (scratch.size() > scratch_keep) std::string().swap(scratch);
  return out;
}

// Every fan-out view: `as_of`, `complete`, its own members, then `gateways` (the view's own
// statuses, or `statuses` when given).
template <typename View, typename Members>
std::string render_view(const View& view, const std::vector<GatewayStatus>* statuses, Members members) {
  return render([&](Writer& w) {
    w.raw(R"({"as_of":)");
    w.time(view.as_of);
    w.raw(R"(,"complete":)");
    w.boolean(view.complete);
    members(w);
    w.raw(R"(,"gateways":)");
    w.array(statuses ? *statuses : view.gateways, write_status);
    w.raw('}');
  });
}

}  // namespace

std::string render_balance_view(const BalanceView& view, const std::vector<GatewayStatus>* statuses) {
  return render_view(view, statuses, [&](Writer& w) {
    w.raw(R"(,"usd_total":)");
    w.decimal(view.usd_total);
    w.raw(R"(,"unpriced_assets":)");
    w.array(view.unpriced_assets, write_string);
    w.raw(R"(,"balances":)");
    w.array(view.balances, write_balance);
    w.raw(R"(,"totals":)");
    w.array(view.totals, write_total);
  });
}

std::string render_price_view(const PriceView& view, const std::vector<GatewayStatus>* statuses) {
  return render_view(view, statuses, [&](Writer& w) {
    w.raw(R"(,"prices":)");
    w.array(view.prices, write_price);
  });
}

std::string render_coin_view(const CoinView& view, const std::vector<GatewayStatus>* statuses) {
  return render_view(view, statuses, [&](Writer& w) {
    w.raw(R"(,"coins":)");
    w.array(view.coins, write_coin);
  });
}

std::string render_gateway_health(const std::vector<GatewayHealth>& gateways, TimePointMs as_of) {
  return render([&](Writer& w) {
    w.raw(R"({"as_of":)");
    w.time(as_of);
    w.raw(R"(,"gateways":)");
    w.array(gateways, write_health);
    w.raw('}');
  });
}

}  // namespace coinfan::aggregate
