#pragma once
// The Beast parser every request is read with, and the limits it is read under: one place the
// server and the HTTP fuzz target (fuzz/http_request.cpp) share, so the fuzzer sees exactly the
// parser settings connections get.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "coinfan/http/server.hpp"

namespace coinfan::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Applies the header and body limits of `options` to a fresh parser.
void configure_request_parser(RequestParser& parser, const ServerOptions& options);

// obs-fold (RFC 9112 §5.2) or whitespace before the first field line (§2.2) in a header block
// (up to and including the CRLF that ends the last field line).
bool has_folded_line(std::string_view header_block);

// The framing rules Beast leaves to the application (RFC 9112 §3.2, §6.1, §6.3; RFC 9110
// §8.6), checked on a parsed header: a reason to answer 400 and close, or nullopt.
std::optional<std::string> framing_problem(const boost::beast::http::request_header<>& header);

}  // namespace coinfan::http
