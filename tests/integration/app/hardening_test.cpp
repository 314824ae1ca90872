// The coinfan binary under hostile conditions: a log pipe whose reader goes away, SIGHUP, a
// low open-file limit, callers without a key probing /v1/, and a gateway that cannot be reached.

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include "coinfan/core/hash.hpp"
#include "support/http_test_client.hpp"
#include "support/process.hpp"

namespace coinfan {
namespace {

using testing::ChildProcess;
using testing::RawConnection;

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("coinfan-hardening-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << content;
  return path.string();
}

std::optional<std::uint64_t> number_field(const std::string& line, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(line, match, std::regex("\"" + name + "\":([0-9]+)"))) return std::nullopt;
  return std::stoull(match[1]);
}

std::uint16_t wait_for_port(ChildProcess& child) {
  const auto listening = child.wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
  if (!listening) return 0;
  return static_cast<std::uint16_t>(number_field(*listening, "port").value_or(0));
}

// The status of GET `path` on a new connection, or nullopt when nothing answers.
std::optional<unsigned> get_status(std::uint16_t port, std::string_view path, std::string_view headers = {}) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket probe(io);
  boost::system::error_code ec;
  probe.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return std::nullopt;
  probe.close();
  RawConnection connection(port);
  connection.send(testing::get_request(path, headers));
  auto response = connection.read_response();
  if (!response) return std::nullopt;
  return response->result_int();
}

// SIGPIPE: with stdout on a pipe whose reader has gone, every log line fails with EPIPE and
// the service goes on serving.
TEST(Hardening, ClosedStdoutPipeDoesNotKillTheService) {
  const auto path = write_temp("sigpipe.json", R"({ "server": { "listen": "127.0.0.1:0", "threads": 1 } })");
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto port = wait_for_port(child);
  ASSERT_NE(port, 0);
  child.close_output();
  // Each request writes an access-log line into the broken pipe.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(get_status(port, "/healthz"), 200u) << "request " << i;
  }
  EXPECT_TRUE(child.running());
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

// SIGHUP: logged as a reload request, harmless, also with the log pipe gone.
TEST(Hardening, SighupIsLoggedAndHarmless) {
  const auto path = write_temp("sighup.json", R"({ "server": { "listen": "127.0.0.1:0", "threads": 1 } })");
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto port = wait_for_port(child);
  ASSERT_NE(port, 0);
  child.signal(SIGHUP);
  const auto line = child.wait_for_line("reload requested", std::chrono::seconds(10));
  ASSERT_TRUE(line) << "no reload line";
  EXPECT_NE(line->find("\"signal\":\"SIGHUP\""), std::string::npos) << *line;
  EXPECT_EQ(get_status(port, "/healthz"), 200u);

  child.close_output();
  child.signal(SIGHUP);
  child.signal(SIGHUP);
  EXPECT_EQ(get_status(port, "/readyz"), 200u);
  EXPECT_TRUE(child.running());
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

bool readable_within(RawConnection& connection, std::chrono::milliseconds timeout) {
  pollfd fd{connection.socket().native_handle(), POLLIN, 0};
  return ::poll(&fd, 1, static_cast<int>(timeout.count())) > 0;
}

// With 256 descriptors, max_connections 10000 cannot hold: it is lowered at start-up with a
// warning, and a client beyond the (lowered) limit and the reserve gets a 503, not a hang.
TEST(Hardening, MaxConnectionsIsCappedByTheOpenFileLimit) {
  const auto path = write_temp("nofile.json", R"({
    "server": { "listen": "127.0.0.1:0", "threads": 1, "max_connections": 10000 }
  })");
  ChildProcess server(COINFAN_BINARY, {"--config", path}, false, rlim_t{256});
  const auto warning = server.wait_for_line("max_connections capped", std::chrono::seconds(30));
  ASSERT_TRUE(warning) << "no warning about the open-file limit";
  const auto capped = number_field(*warning, "max_connections");
  const auto reserve = number_field(*warning, "reserved_connections");
  ASSERT_TRUE(capped && reserve) << *warning;
  EXPECT_EQ(number_field(*warning, "configured"), 10000u);
  EXPECT_EQ(number_field(*warning, "rlimit_nofile"), 256u);
  EXPECT_GT(*capped, 16u);
  EXPECT_LT(*capped + *reserve, 256u);

  const auto port = wait_for_port(server);
  ASSERT_NE(port, 0);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (std::uint64_t i = 0; i < *capped; ++i) {
    held.push_back(std::make_unique<RawConnection>(port));
    held.back()->send(testing::get_request("/healthz"));
    ASSERT_TRUE(readable_within(*held.back(), std::chrono::seconds(10))) << "connection " << i << " not served";
    ASSERT_TRUE(held.back()->read_response());
  }
  // The reserve: connections that have sent nothing yet.
  for (std::uint64_t i = 0; i < *reserve; ++i) held.push_back(std::make_unique<RawConnection>(port));
  RawConnection beyond(port);
  ASSERT_TRUE(readable_within(beyond, std::chrono::seconds(10))) << "the connection beyond the limit hangs";
  auto refused = beyond.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 503u);
  EXPECT_TRUE(server.running());
  held.clear();
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(), 0);
}

// Without a key, every path under /v1/ answers 401, whether or not it exists and whatever the
// method: 404 versus 405 would list the routes.
TEST(Hardening, V1RoutesAreNotEnumerableWithoutAKey) {
  const auto path = write_temp("enumerate.json", R"({
    "server": { "listen": "127.0.0.1:0", "threads": 1 },
    "auth": { "api_keys": [ { "name": "reader", "sha256": "SHA_OF_READER", "scopes": ["read"] } ] }
  })");
  {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("SHA_OF_READER"), 13, *hash::sha256_hex("reader-key"));
    std::ofstream(path) << text;
  }
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto port = wait_for_port(child);
  ASSERT_NE(port, 0);
  RawConnection connection(port);
  for (const char* request : {"GET /v1/no-such-thing HTTP/1.1\r\nHost: x\r\n\r\n",
                              "DELETE /v1/balances HTTP/1.1\r\nHost: x\r\n\r\n",
                              "POST /v1/gateways HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                              "GET /v1/gateways/x/transfers/y/z HTTP/1.1\r\nHost: x\r\n\r\n",
                              "GET /%761/balances HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    connection.send(request);
    auto response = connection.read_response();
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->result_int(), 401u) << request;
    EXPECT_EQ(response->count(boost::beast::http::field::allow), 0u) << request;
  }
  // With a valid key the caller may learn what exists.
  connection.send(testing::get_request("/v1/no-such-thing", "X-Api-Key: reader-key\r\n"));
  auto known = connection.read_response();
  ASSERT_TRUE(known);
  EXPECT_EQ(known->result_int(), 404u);
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

// A gateway that cannot be reached: callers see the error code and a detail without the
// gateway's host and port; the log has them.
TEST(Hardening, UpstreamEndpointStaysOutOfErrorDetails) {
  // A loopback port with nothing listening on it.
  std::uint16_t dead_port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    dead_port = acceptor.local_endpoint().port();
  }
  const std::string endpoint = "127.0.0.1:" + std::to_string(dead_port);
  const auto path = write_temp("dead-gateway.json", R"({
    "server": { "listen": "127.0.0.1:0", "threads": 1 },
    "gateways": [ { "id": "cloud", "type": "cryptocloud", "base_url": "http://)" + endpoint +
                                                       R"(", "api_key": "k", "retries": 0, "timeout_ms": 2000 } ]
  })");
  ChildProcess child(COINFAN_BINARY, {"--config", path});
  const auto port = wait_for_port(child);
  ASSERT_NE(port, 0);
  RawConnection connection(port);
  for (const char* target : {"/v1/balances?max_age_ms=0", "/v1/gateways", "/v1/gateways/cloud/transfers/x"}) {
    connection.send(testing::get_request(target));
    auto response = connection.read_response();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->body().find(endpoint), std::string::npos) << target << ": " << response->body();
    EXPECT_EQ(response->body().find("127.0.0.1"), std::string::npos) << target << ": " << response->body();
  }
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
  const auto log = child.read_all();
  const auto failure = log.find("\"msg\":\"upstream call failed\"");
  ASSERT_NE(failure, std::string::npos) << log;
  EXPECT_NE(log.find(endpoint, failure), std::string::npos) << log;
}

}  // namespace
}  // namespace coinfan
