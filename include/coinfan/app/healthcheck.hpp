#pragma once
// `coinfan --healthcheck TARGET`: one GET of the service's own readiness endpoint, for a
// container HEALTHCHECK or a supervisor, so the image needs no curl. A plain blocking socket
// with one deadline over connect, write and read.

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace coinfan::app {

struct HealthcheckTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string path = "/readyz";
};

// Accepts `PORT`, `HOST:PORT`, `[V6]:PORT` and `http://HOST[:PORT][/PATH]` (port 80 when an
// URL has none). HOST is an IP address or a name (`localhost`). nullopt when malformed.
std::optional<HealthcheckTarget> parse_healthcheck_target(std::string_view text);

// GETs the target's path within `timeout` (connect, send and the status line together).
// Returns 0 when the answer's status is 200, 1 otherwise; writes one line saying which to `out`.
int run_healthcheck(const HealthcheckTarget& target, std::chrono::milliseconds timeout, std::ostream& out);

}  // namespace coinfan::app
