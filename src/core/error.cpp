#include "coinfan/core/error.hpp"

namespace coinfan {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::unreachable: return "unreachable";
    case ErrorCode::tls_error: return "tls_error";
    case ErrorCode::http_status: return "http_status";
    case ErrorCode::provider_error: return "provider_error";
    case ErrorCode::bad_response: return "bad_response";
    case ErrorCode::bad_signature: return "bad_signature";
    case ErrorCode::auth_failed: return "auth_failed";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::circuit_open: return "circuit_open";
    case ErrorCode::response_too_large: return "response_too_large";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

}  // namespace coinfan
