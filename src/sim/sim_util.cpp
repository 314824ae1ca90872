#include "sim/sim_util.hpp"

#include <array>
#include <cstdio>
#include <limits>
#include <random>

#include <boost/json/parse.hpp>

namespace coinfan::sim::detail {

// --- JsonWriter -----------------------------------------------------------------------------

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) out_.push_back(',');
    has_items_.back() = true;
  }
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  out_.push_back(bracket);
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  if (!has_items_.empty()) has_items_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_object() { return open('{'); }
JsonWriter& JsonWriter::end_object() { return close('}'); }
JsonWriter& JsonWriter::begin_array() { return open('['); }
JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  before_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::number(std::string_view text) {
  before_value();
  out_.append(text);
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
  before_value();
  out_.append(std::to_string(value));
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_.append("null");
  return *this;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        if (u < 0x20) {
          out.append("\\u00");
          out.push_back(hex[u >> 4]);
          out.push_back(hex[u & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// --- replies ----------------------------------------------------------------------------------

Reply json_reply(std::string body, unsigned status) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply json_reply(JsonWriter& out, unsigned status) { return json_reply(out.take(), status); }

Reply text_reply(unsigned status, std::string content_type, std::string body) {
  Reply reply = json_reply(std::move(body), status);
  reply.content_type = std::move(content_type);
  return reply;
}

Reply code_reply(std::int64_t code, std::string_view message, unsigned status) {
  JsonWriter out;
  out.begin_object().member_integer("code", code).member("msg", message).end_object();
  return json_reply(out, status);
}

JsonWriter code_envelope(std::int64_t code, std::string_view message) {
  JsonWriter out;
  out.begin_object().member_integer("code", code).member("msg", message).key("data");
  return out;
}

Reply finish_envelope(JsonWriter& out) {
  out.end_object();
  return json_reply(out);
}

// --- requests ---------------------------------------------------------------------------------

const boost::json::object* parse_object(std::string_view body, boost::json::value& storage) {
  boost::json::error_code ec;
  storage = boost::json::parse(body, ec);
  if (ec || !storage.is_object()) return nullptr;
  return &storage.get_object();
}

// --- hex ----------------------------------------------------------------------------------------

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> hex_to_bytes(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

// --- numbers, names, time ---------------------------------------------------------------------

std::optional<std::int64_t> parse_digits(std::string_view text) {
  if (text.empty() || text.size() > 18) {
    // 18 digits always fit int64; 19 may not, and no timestamp here needs them.
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string utc_compact(std::chrono::sys_seconds time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{time - day};
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d%02u%02u%02d%02d%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return std::string(buffer.data());
}

std::string make_record_id(std::chrono::sys_seconds created_at, std::uint64_t salt,
                           std::uint64_t sequence) {
  // 1.7e18 + sequence * prime + salt stays 19 digits for any realistic sequence and is
  // injective in `sequence` because salt < prime.
  constexpr std::uint64_t base = 1'700'000'000'000'000'000ULL;
  constexpr std::uint64_t prime = 104'729;
  const std::uint64_t suffix = base + sequence * prime + salt % prime;
  return utc_compact(created_at) + std::to_string(suffix);
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::int64_t unix_millis(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::string random_hex(std::size_t bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned>(generator() & 0xFF);
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 0xF]);
  }
  return out;
}

}  // namespace coinfan::sim::detail
