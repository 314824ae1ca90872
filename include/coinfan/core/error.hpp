#pragma once
// The service's error vocabulary: every failure that reaches a caller carries one of these
// codes plus a detail string that never holds a secret.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace coinfan {

enum class ErrorCode {
  timeout,             // a deadline passed
  cancelled,           // the caller gave up (distinct from timeout)
  unreachable,         // resolve / connect / connection reset
  tls_error,           // handshake or certificate verification failed
  http_status,         // upstream answered with an unexpected HTTP status
  provider_error,      // upstream answered with its own error code and message
  bad_response,        // upstream body is malformed or has the wrong shape
  bad_signature,       // upstream response signature does not verify
  auth_failed,         // credentials or token rejected
  rate_limited,        // upstream or local rate limit
  circuit_open,        // circuit breaker is failing fast
  response_too_large,  // upstream body exceeds the configured cap
  invalid_argument,    // caller input rejected before anything is sent
  not_found,
  internal,
};

std::string_view to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string detail;
  // The provider's own code and message for provider_error / auth_failed, when it sent one.
  std::string provider_code;
  std::string provider_message;
};

// A value or an Error; used across the pure layers so untrusted data never throws through.
template <typename T>
class Result {
 public:
  // An empty result is an internal error; Asio needs it to report an exception from a coroutine.
  Result() : state_(Error{ErrorCode::internal, "no result", {}, {}}) {}
  Result(T value) : state_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}       // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

inline Error make_error(ErrorCode code, std::string detail) {
  return Error{code, std::move(detail), {}, {}};
}

}  // namespace coinfan
