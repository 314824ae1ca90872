#include "upstream/error_mapping.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

namespace coinfan::upstream {
namespace {

namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;

std::string describe(Phase phase, std::string_view endpoint, const boost::system::error_code& ec) {
  std::string out(to_string(phase));
  out += " failed (";
  out += endpoint;
  out += "): ";
  out += ec.message();
  return out;
}

bool is_ssl_error(const boost::system::error_code& ec) {
  return ec.category() == boost::asio::error::get_ssl_category();
}

bool is_connection_loss(const boost::system::error_code& ec) {
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
         ec == boost::asio::error::connection_aborted || ec == boost::asio::error::broken_pipe ||
         ec == boost::asio::error::not_connected || ec == boost::asio::error::shut_down ||
         ec == ssl::error::stream_truncated || ec == http::error::end_of_stream ||
         ec == http::error::partial_message;
}

}  // namespace

std::string_view to_string(Phase phase) noexcept {
  switch (phase) {
    case Phase::resolve:
      return "resolve";
    case Phase::connect:
      return "connect";
    case Phase::handshake:
      return "TLS handshake";
    case Phase::write:
      return "sending the request";
    case Phase::read:
      return "reading the response";
  }
  return "request";
}

Error map_io_error(Phase phase, const boost::system::error_code& ec, std::string_view endpoint) {
  if (ec == boost::beast::error::timeout) {
    return make_error(ErrorCode::timeout,
                      std::string(to_string(phase)) + " timed out (" + std::string(endpoint) + ")");
  }
  if (ec == boost::asio::error::operation_aborted) {
    return make_error(ErrorCode::cancelled, describe(phase, endpoint, ec));
  }
  switch (phase) {
    case Phase::resolve:
    case Phase::connect:
      return make_error(ErrorCode::unreachable, describe(phase, endpoint, ec));
    case Phase::handshake:
      if (is_ssl_error(ec) || ec == ssl::error::unspecified_system_error ||
          ec == ssl::error::unexpected_result) {
        return make_error(ErrorCode::tls_error, describe(phase, endpoint, ec));
      }
      return make_error(is_connection_loss(ec) ? ErrorCode::unreachable : ErrorCode::tls_error,
                        describe(phase, endpoint, ec));
    case Phase::write:
    case Phase::read:
      if (ec == http::error::body_limit || ec == http::error::header_limit ||
          ec == http::error::buffer_overflow) {
        return make_error(ErrorCode::response_too_large, describe(phase, endpoint, ec));
      }
      if (is_connection_loss(ec)) {
        return make_error(ErrorCode::unreachable, describe(phase, endpoint, ec));
      }
      if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        return make_error(ErrorCode::bad_response, describe(phase, endpoint, ec));
      }
      if (is_ssl_error(ec)) return make_error(ErrorCode::tls_error, describe(phase, endpoint, ec));
      return make_error(ErrorCode::unreachable, describe(phase, endpoint, ec));
  }
  return make_error(ErrorCode::internal, describe(phase, endpoint, ec));
}

}  // namespace coinfan::upstream
