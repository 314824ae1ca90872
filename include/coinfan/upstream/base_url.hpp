#pragma once
// A gateway's base_url, parsed and checked once: `https://host[:port][/path]`, or `http://` for a
// loopback host only (the simulators). Pure code, shared with config validation.

#include <cstdint>
#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan::upstream {

struct BaseUrl {
  bool tls = true;
  std::string host;  // without IPv6 brackets; lower case
  std::uint16_t port = 443;
  std::string base_path;  // "" or "/v2" (no trailing slash), prepended to every request target
  bool host_is_ip = false;
  bool loopback = false;

  // `host[:port]` as the Host header wants it (port omitted when it is the scheme's default).
  std::string authority() const;
  // `host:port` for error details (never carries credentials or paths).
  std::string endpoint() const;
};

// Rejects userinfo, query and fragment, schemes other than http(s), and `http://` for anything
// but loopback. Error details never echo the URL (it may hold credentials by mistake).
Result<BaseUrl> parse_base_url(std::string_view text);

// "localhost", "*.localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

}  // namespace coinfan::upstream
