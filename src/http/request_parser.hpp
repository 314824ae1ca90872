#pragma once
// The Beast parser every request is read with, and the limits it is read under: one place the
// server and the HTTP fuzz target (fuzz/http_request.cpp) share, so the fuzzer sees exactly the
// parser settings connections get.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "coinfan/http/server.hpp"

namespace coinfan::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Applies the header and body limits of `options` to a fresh parser.
void configure_request_parser(RequestParser& parser, const ServerOptions& options);

}  // namespace coinfan::http
