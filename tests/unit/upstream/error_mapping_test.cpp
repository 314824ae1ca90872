#include "upstream/error_mapping.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace coinfan::upstream {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

ErrorCode code_of(Phase phase, error_code ec) {
  return map_io_error(phase, ec, "gw.example:443").code;
}

TEST(ErrorMapping, ResolveAndConnectFailuresAreUnreachable) {
  EXPECT_EQ(code_of(Phase::resolve, asio::error::host_not_found), ErrorCode::unreachable);
  EXPECT_EQ(code_of(Phase::connect, asio::error::connection_refused), ErrorCode::unreachable);
  EXPECT_EQ(code_of(Phase::connect, asio::error::network_unreachable), ErrorCode::unreachable);
}

TEST(ErrorMapping, HandshakeFailuresAreTlsErrors) {
  const error_code ssl_failure(0x0A000086 /* certificate verify failed */,
                               asio::error::get_ssl_category());
  EXPECT_EQ(code_of(Phase::handshake, ssl_failure), ErrorCode::tls_error);
  EXPECT_EQ(code_of(Phase::handshake, asio::ssl::error::unexpected_result), ErrorCode::tls_error);
  // The peer hanging up mid-handshake is a network failure, not a certificate problem.
  EXPECT_EQ(code_of(Phase::handshake, asio::error::connection_reset), ErrorCode::unreachable);
}

TEST(ErrorMapping, SizeCapsAreResponseTooLarge) {
  EXPECT_EQ(code_of(Phase::read, http::error::body_limit), ErrorCode::response_too_large);
  EXPECT_EQ(code_of(Phase::read, http::error::header_limit), ErrorCode::response_too_large);
}

TEST(ErrorMapping, LostConnectionsAreUnreachable) {
  EXPECT_EQ(code_of(Phase::read, asio::error::connection_reset), ErrorCode::unreachable);
  EXPECT_EQ(code_of(Phase::read, asio::ssl::error::stream_truncated), ErrorCode::unreachable);
  EXPECT_EQ(code_of(Phase::read, http::error::end_of_stream), ErrorCode::unreachable);
  EXPECT_EQ(code_of(Phase::read, http::error::partial_message), ErrorCode::unreachable);
  EXPECT_EQ(code_of(Phase::write, asio::error::broken_pipe), ErrorCode::unreachable);
}

TEST(ErrorMapping, MalformedHttpIsBadResponse) {
  EXPECT_EQ(code_of(Phase::read, http::error::bad_version), ErrorCode::bad_response);
  EXPECT_EQ(code_of(Phase::read, http::error::bad_status), ErrorCode::bad_response);
  EXPECT_EQ(code_of(Phase::read, http::error::bad_chunk), ErrorCode::bad_response);
}

TEST(ErrorMapping, TimeoutAndAbortKeepTheirMeaning) {
  EXPECT_EQ(code_of(Phase::connect, boost::beast::error::timeout), ErrorCode::timeout);
  EXPECT_EQ(code_of(Phase::read, asio::error::operation_aborted), ErrorCode::cancelled);
}

TEST(ErrorMapping, DetailNamesStepAndEndpointOnly) {
  const Error error = map_io_error(Phase::connect, asio::error::connection_refused, "gw:443");
  EXPECT_NE(error.detail.find("connect"), std::string::npos);
  EXPECT_NE(error.detail.find("gw:443"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::upstream
