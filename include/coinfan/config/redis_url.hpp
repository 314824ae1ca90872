#pragma once
// The Redis URL of `shared.redis.url`: `redis://[[user]:password@]host[:port][/db]`.

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
};

// Errors (invalid_argument, "redis url: …") name the problem, never the password: another
// scheme (`rediss://` TLS is not available yet), no host, a bad port or database number, a
// query or fragment.
Result<RedisEndpoint> parse_redis_url(std::string_view url);

}  // namespace coinfan::config
