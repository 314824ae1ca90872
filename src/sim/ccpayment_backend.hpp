#pragma once
// What the CCPayment v1 and v2 simulators share: one backend answers both APIs, with the same
// error codes, the same Appid / Timestamp / Sign request headers checked in the same order, the
// same {"code":<int>,"msg":"..."} envelope and the same router 404. Each API keeps its own
// signature formula (v1: SHA-256, v2: HMAC-SHA256) in its simulator.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "coinfan/sim/provider.hpp"

namespace coinfan::sim::ccpayment {

// The official error list (v2; v1 publishes none and shares the backend).
inline constexpr std::int64_t code_success = 10000;
inline constexpr std::int64_t code_failed = 10001;
inline constexpr std::int64_t code_invalid_argument = 11000;
inline constexpr std::int64_t code_invalid_header = 11001;
inline constexpr std::int64_t code_not_found = 11003;
inline constexpr std::int64_t code_bad_signature = 11005;
inline constexpr std::int64_t code_expired = 11006;

struct SignedHeaders {
  std::string_view app_id;
  std::string_view timestamp;  // seconds, digits only once checked
  std::string_view sign;
};

struct Rejection {
  std::int64_t code = code_failed;
  std::string_view message;
};

// Reads the Appid, Timestamp and Sign headers into `headers` and checks them as the backend does
// before it verifies the signature: each present and non-empty (11001), Timestamp digits
// (11001), Appid this app's (11005; an unknown app has no secret to verify against), Timestamp
// within `window` of `now`, either side (11006). nullopt: go on and verify the signature.
std::optional<Rejection> check_headers(const SimRequest& request, std::string_view app_id,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds window, SignedHeaders& headers);

// The request body as a JSON object (an empty body is {}), kept in `storage`; nullptr when the
// body is something else (11000).
const boost::json::object* body_object(std::string_view body, boost::json::value& storage);

// {"code":<code>,"msg":"<message>"} with HTTP 200, as every CCPayment answer.
Reply failure(std::int64_t code, std::string_view message);
inline Reply failure(const Rejection& rejection) { return failure(rejection.code, rejection.message); }
inline constexpr std::string_view body_not_object = "invalid argument: body must be a JSON object";

// Unknown paths and non-POST methods: 404 text/plain "404 page not found" (a Go router's answer;
// my reading).
Reply not_found_page();

}  // namespace coinfan::sim::ccpayment
