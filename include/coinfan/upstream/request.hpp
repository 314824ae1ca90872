#pragma once
// The plain values one upstream exchange is made of: the Request a gateway's pure builders
// produce and the upstream client sends as-is, and the Response it hands back. No I/O here, so
// pure code (request builders, response parsers, tests) can use them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coinfan/core/error.hpp"

namespace coinfan::upstream {

// One fully built request. The body is serialized exactly once: any signature in `headers` or
// `target` was computed over exactly these bytes.
struct Request {
  std::string method = "GET";  // a standard HTTP method
  std::string target = "/";    // path and query, relative to base_url's path; starts with '/'
  // Sent as given. Host, Content-Length, Transfer-Encoding and Connection are the client's.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // True when repeating the request cannot change anything upstream (reads, quotes, logins).
  // Only idempotent requests are retried; a write is sent at most once by this layer, and its
  // outcome is resolved by looking the order id up.
  bool idempotent = false;
  // Overrides Options::timeout for this call when positive.
  std::chrono::milliseconds timeout{0};
};

// First header of `request` named `name` (ASCII case-insensitive), or nullopt.
std::optional<std::string_view> find_header(const Request& request, std::string_view name);

struct Response {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header named `name` (ASCII case-insensitive); empty when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// For adapters with nothing more specific to say about a non-2xx response: 429 → rate_limited,
// anything else → http_status. The detail names the status only (bodies may echo request data).
Error status_error(const Response& response);

}  // namespace coinfan::upstream
