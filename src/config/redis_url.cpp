#include "coinfan/config/redis_url.hpp"

#include <boost/url/parse.hpp>

#include "coinfan/core/ascii.hpp"

namespace coinfan::config {

namespace {

Error invalid_url(std::string_view why) { return make_error(ErrorCode::invalid_argument, "redis url: " + std::string(why)); }

}  // namespace

Result<RedisEndpoint> parse_redis_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return invalid_url("not a URL");
  const auto& url = *parsed;
  if (url.scheme() != "redis" && url.scheme() != "rediss") return invalid_url("the scheme must be redis:// or rediss:// (TLS)");
  if (url.has_query() || url.has_fragment()) return invalid_url("no query or fragment is allowed");
  RedisEndpoint options;
  options.tls = url.scheme() == "rediss";
  options.host = url.host_address();
  if (options.host.empty()) return invalid_url("no host");
  if (url.has_port()) {
    const auto port = ascii::parse_unsigned<std::uint16_t>(url.port());
    if (!port || *port == 0) return invalid_url("the port must be 1-65535");
    options.port = *port;
  }
  if (url.has_userinfo()) {
    if (!url.user().empty()) options.user = url.user();
    if (url.has_password()) options.password = url.password();
  }
  std::string_view path = url.encoded_path();
  if (!path.empty() && path != "/") {
    const auto database = ascii::parse_unsigned<unsigned>(path.substr(1));
    if (path.front() != '/' || !database || *database > 15000) return invalid_url("the path must be a database number, /0 to /15000");
    options.database = *database;
  }
  return options;
}

}  // namespace coinfan::config
