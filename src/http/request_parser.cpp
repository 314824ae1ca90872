#include "http/request_parser.hpp"

#include <algorithm>
#include <cstdint>

namespace coinfan::http {

void configure_request_parser(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  parser.body_limit(options.max_body_bytes);
}

}  // namespace coinfan::http
