// HTTP/1.1 message framing conformance over raw loopback sockets against the real server:
// the request-smuggling vectors of RFC 9112 (§6.1, §6.3, §3.2, §5.2) and the published
// CL.TE / TE.CL / TE.TE families, Host rules, obs-fold and duplicate framing headers.
//
// Every vector carries a second, "smuggled" request after the first one. A server that frames
// the first message differently from a strict one answers that second request too; a
// conforming server answers the first one with its error status, sends nothing else and
// closes the connection.

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json.hpp>

#include <ostream>

#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::string_literals;
using testing::HttpTestServer;
using testing::RawConnection;

constexpr std::string_view smuggled = "GET /readyz?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n";

std::shared_ptr<Router> conformance_router() {
  auto router = std::make_shared<Router>();
  router->add("GET", "/healthz", sync_handler([](const Request&) { return json_response(200, R"({"status":"ok"})"); }));
  router->add("GET", "/readyz", sync_handler([](const Request& request) {
                boost::json::object body;
                body["query"] = request.query;
                return json_response(200, boost::json::serialize(body));
              }));
  router->add("POST", "/echo", sync_handler([](const Request& request) { return json_response(200, request.body); }));
  return router;
}

ServerOptions conformance_options() {
  ServerOptions options;
  options.max_body_bytes = 4096;
  options.max_header_bytes = 4096;
  return options;
}

// What one connection saw after sending `bytes`: every complete response, in order, and how
// the connection ended.
struct Exchange {
  std::vector<unsigned> statuses;
  std::vector<std::string> bodies;
  bool closed = false;  // end of stream or reset before the wait ran out
  bool reset = false;   // the close was a reset
  std::string raw;
  std::size_t unparsed = 0;  // bytes after the last complete response
};

std::ostream& operator<<(std::ostream& out, const Exchange& exchange) {
  out << "statuses [";
  for (auto status : exchange.statuses) out << ' ' << status;
  out << " ], closed " << exchange.closed << ", reset " << exchange.reset << ", raw:\n" << exchange.raw;
  return out;
}

void parse_responses(Exchange& exchange) {
  std::size_t position = 0;
  while (position < exchange.raw.size()) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    std::size_t used = 0;
    boost::system::error_code ec;
    while (!parser.is_done() && position + used < exchange.raw.size()) {
      const auto n = parser.put(asio::buffer(exchange.raw.data() + position + used, exchange.raw.size() - position - used), ec);
      if (ec || n == 0) break;
      used += n;
    }
    if (!parser.is_done()) break;
    exchange.statuses.push_back(parser.get().result_int());
    exchange.bodies.push_back(parser.get().body());
    position += used;
  }
  exchange.unparsed = exchange.raw.size() - position;
}

// Sends `bytes` on a new connection and reads until the server closes it (a connection left
// open is a failure of every negative vector).
Exchange exchange(std::uint16_t port, std::string_view bytes, std::chrono::milliseconds wait = std::chrono::seconds(3)) {
  RawConnection connection(port);
  boost::system::error_code ec;
  asio::write(connection.socket(), asio::buffer(bytes.data(), bytes.size()), ec);
  Exchange out;
  auto seen = testing::read_until_closed(connection, wait);
  out.raw = std::move(seen.bytes);
  out.closed = seen.closed;
  out.reset = seen.reset;
  parse_responses(out);
  return out;
}

struct Vector {
  const char* name;
  std::string request;  // the smuggled request is appended
  unsigned status;
};

void PrintTo(const Vector& vector, std::ostream* out) { *out << vector.name; }

std::string post(std::string_view version, std::string_view headers, std::string_view body) {
  std::string out = "POST /echo HTTP/";
  out.append(version);
  out += "\r\n";
  out.append(headers);
  out += "\r\n";
  out.append(body);
  return out;
}

// Vectors the server must refuse: the status, then the connection closed, nothing else.
const std::vector<Vector>& rejected_vectors() {
  static const std::vector<Vector> vectors = {
      // Transfer-Encoding whose final coding is not chunked (RFC 9112 §6.3 item 4): 400, close.
      {"te_identity_probe", "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", 400},
      {"te_identity", post("1.1", "Host: x\r\nTransfer-Encoding: identity\r\n", ""), 400},
      {"te_xchunked", post("1.1", "Host: x\r\nTransfer-Encoding: xchunked\r\n", "0\r\n\r\n"), 400},
      {"te_chunked_then_gzip", post("1.1", "Host: x\r\nTransfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 400},
      {"te_gzip_then_chunked_unsupported", post("1.1", "Host: x\r\nTransfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 400},
      {"te_chunked_twice_in_list", post("1.1", "Host: x\r\nTransfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400},
      {"te_identity_line_then_chunked_line",
       post("1.1", "Host: x\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
      {"te_chunked_line_twice",
       post("1.1", "Host: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
      {"te_quoted", post("1.1", "Host: x\r\nTransfer-Encoding: \"chunked\"\r\n", "0\r\n\r\n"), 400},
      {"te_parameter", post("1.1", "Host: x\r\nTransfer-Encoding: chunked;q=1\r\n", "0\r\n\r\n"), 400},
      {"te_empty", post("1.1", "Host: x\r\nTransfer-Encoding: \r\n", "0\r\n\r\n"), 400},
      {"te_space_before_colon", post("1.1", "Host: x\r\nTransfer-Encoding : chunked\r\n", "0\r\n\r\n"), 400},
      {"te_vertical_tab", post("1.1", "Host: x\r\nTransfer-Encoding:\x0b" "chunked\r\n", "0\r\n\r\n"), 400},
      {"te_obs_fold", post("1.1", "Host: x\r\nTransfer-Encoding: identity\r\n chunked\r\n", "0\r\n\r\n"), 400},
      // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
      {"te_in_http10", post("1.0", "Host: x\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
      // CL.TE and TE.CL: both framings in one message (RFC 9112 §6.3 item 3): 400, close.
      {"cl_te", post("1.1", "Host: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG"), 400},
      {"te_cl", post("1.1", "Host: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n"), 400},
      {"te_identity_cl", post("1.1", "Host: x\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n", "hello"), 400},
      {"cl_te_identity", post("1.1", "Host: x\r\nContent-Length: 5\r\nTransfer-Encoding: identity\r\n", "hello"), 400},
      // Content-Length must be one decimal number on one line (RFC 9110 §8.6, RFC 9112 §6.3).
      {"cl_duplicate_identical", post("1.1", "Host: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n", "hello"), 400},
      {"cl_list_identical", post("1.1", "Host: x\r\nContent-Length: 5, 5\r\n", "hello"), 400},
      {"cl_conflicting", post("1.1", "Host: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n", "hello!"), 400},
      {"cl_plus_sign", post("1.1", "Host: x\r\nContent-Length: +5\r\n", "hello"), 400},
      {"cl_negative", post("1.1", "Host: x\r\nContent-Length: -5\r\n", "hello"), 400},
      {"cl_hex", post("1.1", "Host: x\r\nContent-Length: 0x5\r\n", "hello"), 400},
      {"cl_overflow", post("1.1", "Host: x\r\nContent-Length: 184467440737095516160\r\n", "hello"), 400},
      {"cl_obs_fold", post("1.1", "Host: x\r\nContent-Length: 5\r\n 5\r\n", "hello"), 400},
      // Chunked framing errors.
      {"chunk_size_not_hex", post("1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"), 400},
      {"chunk_size_overflow",
       post("1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n", "fffffffffffffffff1\r\nhello\r\n0\r\n\r\n"), 400},
      // Host (RFC 9112 §3.2): required in HTTP/1.1, exactly once, a valid uri-host[:port].
      {"host_missing", "GET /healthz HTTP/1.1\r\n\r\n", 400},
      {"host_twice", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"host_twice_identical", "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n", 400},
      {"host_twice_in_http10", "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"host_with_space", "GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
      {"host_with_slash", "GET /healthz HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
      {"host_with_userinfo", "GET /healthz HTTP/1.1\r\nHost: user@a\r\n\r\n", 400},
      // obs-fold (RFC 9112 §5.2) and whitespace before the first field line (§2.2).
      {"obs_fold_space", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n b\r\n\r\n", 400},
      {"obs_fold_tab", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n\tb\r\n\r\n", 400},
      {"obs_fold_host", "GET /healthz HTTP/1.1\r\nHost: x\r\n y\r\n\r\n", 400},
      {"whitespace_before_first_field", "GET /healthz HTTP/1.1\r\n Host: x\r\n\r\n", 400},
      // Malformed field lines and request lines.
      {"nul_in_field_value", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\n\r\n"s, 400},
      {"space_in_field_name", "GET /healthz HTTP/1.1\r\nHost: x\r\nX Note: a\r\n\r\n", 400},
      {"double_space_in_request_line", "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"bare_lf_line_endings", "GET /healthz HTTP/1.1\nHost: x\n\n", 400},
  };
  return vectors;
}

class Rejected : public ::testing::TestWithParam<Vector> {};

TEST_P(Rejected, AnswersOnceThenCloses) {
  HttpTestServer server(conformance_options(), conformance_router());
  const auto& vector = GetParam();
  const auto seen = exchange(server.port(), vector.request + std::string(smuggled));
  ASSERT_EQ(seen.statuses, std::vector<unsigned>{vector.status}) << seen;
  EXPECT_TRUE(seen.closed) << "the connection was left open\n" << seen;
  EXPECT_EQ(seen.unparsed, 0u) << seen;
  EXPECT_EQ(seen.raw.find("smuggled"), std::string::npos) << seen;
  EXPECT_NE(seen.raw.find("Connection: close"), std::string::npos) << seen;
  EXPECT_NE(seen.raw.find("application/problem+json"), std::string::npos) << seen;
}

INSTANTIATE_TEST_SUITE_P(Rfc9112, Rejected, ::testing::ValuesIn(rejected_vectors()),
                         [](const ::testing::TestParamInfo<Vector>& info) { return std::string(info.param.name); });

// Messages a strict server must still accept: both requests are answered, in order, on one
// connection that stays open.
const std::vector<Vector>& accepted_vectors() {
  static const std::vector<Vector> vectors = {
      {"chunked", post("1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 200},
      {"chunked_any_case", post("1.1", "Host: x\r\nTransfer-Encoding: Chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 200},
      {"chunked_with_ows", post("1.1", "Host: x\r\nTransfer-Encoding: \t chunked \r\n", "5\r\nhello\r\n0\r\n\r\n"), 200},
      {"chunked_with_extension", post("1.1", "Host: x\r\nTransfer-Encoding: chunked\r\n", "5;ext=1\r\nhello\r\n0\r\n\r\n"), 200},
      {"content_length", post("1.1", "Host: x\r\nContent-Length: 5\r\n", "hello"), 200},
      {"content_length_ows", post("1.1", "Host: x\r\nContent-Length:  5 \r\n", "hello"), 200},
      {"host_with_port", "GET /healthz HTTP/1.1\r\nHost: localhost:8080\r\n\r\n", 200},
      {"host_ipv6", "GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 200},
      {"host_empty", "GET /healthz HTTP/1.1\r\nHost:\r\n\r\n", 200},
      {"host_any_case_name", "GET /healthz HTTP/1.1\r\nhOsT: x\r\n\r\n", 200},
  };
  return vectors;
}

class Accepted : public ::testing::TestWithParam<Vector> {};

TEST_P(Accepted, BothRequestsAnsweredInOrder) {
  HttpTestServer server(conformance_options(), conformance_router());
  const auto& vector = GetParam();
  RawConnection connection(server.port());
  connection.send(vector.request + std::string(smuggled));
  auto first = connection.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->result_int(), vector.status) << first->body();
  if (vector.request.starts_with("POST")) {
    EXPECT_EQ(first->body(), "hello");
  }
  auto second = connection.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->result_int(), 200u);
  EXPECT_NE(second->body().find("smuggled=1"), std::string::npos);
  EXPECT_TRUE(second->keep_alive());
}

INSTANTIATE_TEST_SUITE_P(Rfc9112, Accepted, ::testing::ValuesIn(accepted_vectors()),
                         [](const ::testing::TestParamInfo<Vector>& info) { return std::string(info.param.name); });

// HTTP/1.0 needs no Host and closes after the answer unless asked to keep the connection.
TEST(Conformance, Http10WithoutHostIsServedAndClosed) {
  HttpTestServer server(conformance_options(), conformance_router());
  const auto seen = exchange(server.port(), "GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(seen.statuses, std::vector<unsigned>{200}) << seen;
  EXPECT_TRUE(seen.closed) << seen;
  EXPECT_FALSE(seen.reset) << seen;
}

}  // namespace
}  // namespace coinfan::http
