#pragma once
// One fully built upstream HTTP request, produced by the pure request builders and sent as-is
// by the upstream client. The body is serialized exactly once: any signature in `headers` or
// `target` was computed over exactly these bytes.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinfan::gateways {

struct UpstreamCall {
  std::string method;  // "GET" or "POST"
  std::string target;  // path and query, relative to the gateway's base_url
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // True when repeating the call cannot move money twice (reads, quotes, logins). Writes are
  // never retried blindly; their outcome is resolved by looking the order id up.
  bool idempotent = true;
};

// First header named `name` (ASCII case-insensitive, as HTTP header names are), or nullopt.
std::optional<std::string_view> find_header(const UpstreamCall& call, std::string_view name);

// The lowercase/uppercase-insensitive ASCII comparison used for header names.
bool iequals_ascii(std::string_view a, std::string_view b) noexcept;

}  // namespace coinfan::gateways
