#pragma once
// Small pieces the simulated providers share: a JSON writer that emits number text verbatim,
// the reply builders, request body parsing, base64url, digit parsing, timestamp windows, UTC time
// formatting and CCPayment-style record ids.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "coinfan/core/base64url.hpp"
#include "coinfan/sim/provider.hpp"

namespace coinfan::sim::detail {

// Writes JSON text in order. Numbers go out exactly as given (`number`), so a float amount
// such as 0.1 is never reformatted; strings are escaped.
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view text);
  JsonWriter& number(std::string_view text);  // must be valid JSON number text
  JsonWriter& integer(std::int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();

  // key + value shortcuts
  JsonWriter& member(std::string_view name, std::string_view text) { return key(name).string(text); }
  JsonWriter& member_number(std::string_view name, std::string_view text) { return key(name).number(text); }
  JsonWriter& member_integer(std::string_view name, std::int64_t value) { return key(name).integer(value); }
  JsonWriter& member_bool(std::string_view name, bool value) { return key(name).boolean(value); }

  const std::string& text() const noexcept { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  std::vector<bool> has_items_;  // one entry per open container
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view text);

// --- replies ----------------------------------------------------------------------------------

// `body` as application/json with `status`.
Reply json_reply(std::string body, unsigned status = 200);
Reply json_reply(JsonWriter& out, unsigned status = 200);
// A non-JSON page (a router's or a proxy's 404).
Reply text_reply(unsigned status, std::string content_type, std::string body);
// {"code":<code>,"msg":"<message>"}: the envelope of CCPayment's and TruBit's errors.
Reply code_reply(std::int64_t code, std::string_view message, unsigned status = 200);
// Starts {"code":<code>,"msg":"<message>","data": — the caller writes the data value, then
// finish_envelope() closes the object.
JsonWriter code_envelope(std::int64_t code, std::string_view message);
Reply finish_envelope(JsonWriter& out);

// --- requests ---------------------------------------------------------------------------------

// The request body as a JSON object (kept in `storage`), or nullptr when it is not one.
const boost::json::object* parse_object(std::string_view body, boost::json::value& storage);

// True when `stamp` is more than `window` away from `now` (either side; same unit).
constexpr bool outside_window(std::int64_t stamp, std::int64_t now, std::int64_t window) noexcept {
  return stamp < now - window || stamp > now + window;
}

using coinfan::base64url_decode;
using coinfan::base64url_encode;
// 0-15 for a hex digit (either case), -1 otherwise.
int hex_digit(char c) noexcept;
// Raw bytes of lowercase/uppercase hex; nullopt when not hex of even length.
std::optional<std::string> hex_to_bytes(std::string_view hex);

// Non-empty ASCII digits that fit int64, else nullopt.
std::optional<std::int64_t> parse_digits(std::string_view text);

// "YYYYMMDDhhmmss" of a UTC instant.
std::string utc_compact(std::chrono::sys_seconds time);
// A CCPayment record id: the creation time's "YYYYMMDDhhmmss" followed by 19 digits that are
// unique for each (salt, sequence) pair.
std::string make_record_id(std::chrono::sys_seconds created_at, std::uint64_t salt,
                           std::uint64_t sequence);

std::int64_t unix_seconds(std::chrono::system_clock::time_point time);
std::int64_t unix_millis(std::chrono::system_clock::time_point time);

// Lowercase hex of `bytes` pseudo-random bytes drawn from a per-thread generator (tokens).
std::string random_hex(std::size_t bytes);

}  // namespace coinfan::sim::detail
