#pragma once
// The Redis URL of `shared.redis.url`: `redis://[[user]:password@]host[:port][/db]`, or
// `rediss://…` (same form) for Redis over TLS.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan::config {

struct RedisEndpoint {
  std::string host;
  std::uint16_t port = 6379;
  std::optional<std::string> user;
  std::optional<std::string> password;  // percent-decoded
  std::optional<unsigned> database;
  bool tls = false;  // rediss://
};

// `rediss://` sets `tls` (the port is 6379 either way unless given). Errors (invalid_argument,
// "redis url: …") name the problem, never the password: another scheme, no host, a bad port or
// database number, a query or fragment.
Result<RedisEndpoint> parse_redis_url(std::string_view url);

}  // namespace coinfan::config
