#pragma once
// Pieces every provider parser shares: turning the provider's own error text into an Error
// that is safe to show, and decimal fields with the position of a bad value in the detail.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "coinfan/core/decimal.hpp"
#include "coinfan/core/error.hpp"
#include "coinfan/core/json.hpp"

namespace coinfan::gateways {

// Upstream text for an error detail: at most 200 bytes (cut on a UTF-8 boundary, "..."
// appended), control characters turned into spaces.
std::string clip_provider_text(std::string_view text);

// An Error carrying the provider's code and message; detail is
// "<provider> error <code>: <message>" (or "<provider>: <message>" without a code).
Error provider_failure(ErrorCode code, std::string_view provider, std::string provider_code,
                       std::string_view provider_message);

// bad_response with "<provider> response: <what>".
Error malformed(std::string_view provider, std::string_view what);

// Prefixes an error's detail with where it happened ("data.assets[2]: ...").
Error at(std::string_view where, Error error);

// The JSON root as an object, else bad_response.
Result<const boost::json::object*> root_object(const boost::json::value& root,
                                               std::string_view provider);

// True when `text` contains any of `words` (lowercase), ignoring ASCII case. For providers
// whose error kind can only be read from their message.
bool mentions_any(std::string_view text, std::initializer_list<std::string_view> words);

// How a provider with a numeric result code turns a failure code and its message into an Error.
using CodeErrorMapper = Error (*)(std::int64_t code, std::string_view message);

// The {"code", "msg", "data"} envelope (CCPayment v2, TruBit): `data` (an object) when `code`
// is `success_code`; error_for_code(code, msg) for another code; bad_response for any other
// shape. `root` must outlive the returned pointer.
Result<const boost::json::object*> coded_data(const boost::json::value& root, std::string_view provider,
                                              std::int64_t success_code, CodeErrorMapper error_for_code);

// Parses `body` exactly, checks its coded envelope and hands `data` to `read`.
template <typename Read>
auto with_coded_data(std::string_view provider, std::int64_t success_code, CodeErrorMapper error_for_code,
                     std::string_view body, Read&& read) -> decltype(read(std::declval<const boost::json::object&>())) {
  auto root = parse_json_exact(body);
  if (!root) return at(provider, std::move(root).error());
  auto data = coded_data(*root, provider, success_code, error_for_code);
  if (!data) return std::move(data).error();
  return read(**data);
}

// A balance amount: decimal_field, and a negative value is bad_response (no provider here
// reports debts; a negative amount means we misread the shape).
Result<Decimal> amount_field(const boost::json::object& object, std::string_view key,
                             bool empty_is_zero);

// Reads the members of one provider object and remembers the first problem, so a parser can
// read every field in sequence and check once. After a failure, readers return defaults.
// Errors read "<provider> response: <where>: field '<key>' <reason>" (bad_response).
class FieldReader {
 public:
  FieldReader(std::string_view provider, std::string where, const boost::json::object& object)
      : provider_(provider), where_(std::move(where)), object_(object) {}

  // A JSON string member; missing or another type is an error.
  std::string text(std::string_view key);
  // A JSON string member; missing or null is "", another type is an error.
  std::string optional_text(std::string_view key);
  // An identifier sent as a string or an integer, as text; missing is an error.
  std::string id(std::string_view key);
  // A non-negative amount; missing is an error; "" is zero only when empty_is_zero.
  Decimal amount(std::string_view key, bool empty_is_zero = false);
  // A non-negative amount; missing, null and "" are zero.
  Decimal amount_or_zero(std::string_view key);
  // A non-negative amount; missing, null and "" are nullopt.
  std::optional<Decimal> optional_amount(std::string_view key);
  // An integer member; missing or null is nullopt, another type is an error.
  std::optional<std::int64_t> optional_integer(std::string_view key);
  // A bool member; missing or null is false, another type is an error.
  bool flag(std::string_view key);

  bool ok() const noexcept { return !error_; }
  // The first problem, if any.
  const std::optional<Error>& error() const noexcept { return error_; }
  Error take_error() { return std::move(*error_); }

 private:
  void fail(std::string_view key, std::string_view reason);
  void fail(Error error);

  std::string_view provider_;
  std::string where_;
  const boost::json::object& object_;
  std::optional<Error> error_;
};

}  // namespace coinfan::gateways
