#include "http/request_parser.hpp"

#include <algorithm>
#include <cstdint>

#include "coinfan/core/ascii.hpp"

namespace coinfan::http {

namespace {
std::string_view trim_ows(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2): reg-name, IPv4 or an IP literal in
// brackets. Empty is allowed (a target without authority).
bool valid_host(std::string_view host) {
  static constexpr std::string_view allowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%:[]";
  return host.find_first_not_of(allowed) == std::string_view::npos;
}

}  // namespace

// obs-fold (RFC 9112 §5.2) or whitespace before the first field line (§2.2) in a header block:
// a line that starts with SP or HTAB.
bool has_folded_line(std::string_view header_block) {
  return header_block.find("\r\n ") != std::string_view::npos || header_block.find("\r\n\t") != std::string_view::npos;
}

// The framing rules Beast leaves to the application (RFC 9112 §3.2, §6.1, §6.3; RFC 9110
// §8.6): a reason to answer 400 and close, or nullopt.
std::optional<std::string> framing_problem(const boost::beast::http::request_header<>& header) {
  using boost::beast::http::field;
  // One pass over the fields, by the name Beast recognised: no lookups by name.
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  std::size_t codings = 0;
  std::string_view host;
  std::string_view length;
  std::string_view coding;
  for (const auto& f : header) {
    switch (f.name()) {
      case field::host:
        if (hosts++ == 0) host = f.value();
        break;
      case field::content_length:
        if (lengths++ == 0) length = f.value();
        break;
      case field::transfer_encoding:
        if (codings++ == 0) coding = f.value();
        break;
      default:
        break;
    }
  }
  if (hosts > 1) return "more than one Host header";
  if (hosts == 0 && header.version() >= 11) return "an HTTP/1.1 request needs a Host header";
  if (hosts == 1 && !valid_host(trim_ows(host))) return "the Host header is not a valid host";
  if (lengths > 1) return "more than one Content-Length header";
  if (lengths == 1 && length.find(',') != std::string_view::npos) return "Content-Length lists more than one value";
  if (codings > 0) {
    if (header.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
    if (codings > 1) return "more than one Transfer-Encoding header";
    if (lengths > 0) return "both Content-Length and Transfer-Encoding";
    if (!ascii::iequals(trim_ows(coding), "chunked")) return "the only transfer coding accepted is chunked";
  }
  return std::nullopt;
}

void configure_request_parser(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  parser.body_limit(options.max_body_bytes);
}

}  // namespace coinfan::http
