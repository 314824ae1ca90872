// TLS and connection reuse of the upstream client against a loopback server whose CA and
// certificates are generated at run time.

#include <openssl/ssl.h>

#include "integration/upstream/client_harness.hpp"

namespace coinfan::upstream_testing {
namespace {

class UpstreamTls : public ::testing::Test {
 protected:
  TestPki pki;
  asio::io_context io;

  ScriptedServer::Config tls_server(CertFiles files, ScriptedServer::Handler handler = {}) {
    ScriptedServer::Config config;
    config.mode = ScriptedServer::Mode::tls;
    config.cert_file = files.cert_file;
    config.key_file = files.key_file;
    config.handler = std::move(handler);
    return config;
  }
  CertFiles localhost_cert() { return pki.issue({"localhost"}, {"127.0.0.1"}); }
};

TEST_F(UpstreamTls, SequentialRequestsCostExactlyOneHandshake) {
  ScriptedServer server(tls_server(localhost_cert(), [](Exchange& exchange) {
    exchange.respond(200, "{\"target\":\"" + exchange.request().target + "\"}",
                     {{"Content-Type", "application/json"}});
  }));
  auto client = make_client(io, options_for(server, pki));
  ASSERT_TRUE(client);

  constexpr int kRequests = 10;
  for (int i = 0; i < kRequests; ++i) {
    Timed sent = send(io, client, read_request("/v1/item/" + std::to_string(i)));
    ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
    EXPECT_EQ(sent.result->status, 200u);
    EXPECT_EQ(sent.result->body, "{\"target\":\"/v1/item/" + std::to_string(i) + "\"}");
    EXPECT_EQ(sent.result->header("content-type"), "application/json");
  }

  const upstream::Stats stats = client->stats();
  EXPECT_EQ(stats.tls_handshakes, 1u);
  EXPECT_EQ(stats.connections_opened, 1u);
  EXPECT_EQ(stats.connections_reused, static_cast<std::uint64_t>(kRequests - 1));
  EXPECT_EQ(stats.requests, static_cast<std::uint64_t>(kRequests));
  EXPECT_EQ(stats.responses_by_class[1], static_cast<std::uint64_t>(kRequests));
  EXPECT_EQ(stats.latency_count, static_cast<std::uint64_t>(kRequests));
  EXPECT_EQ(stats.connections_idle, 1u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(server.handshakes_completed(), 1);
  EXPECT_EQ(server.connections_accepted(), 1);

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kRequests));
  EXPECT_EQ(seen.front().sni, "localhost");  // SNI set
  EXPECT_EQ(seen.front().header("host"), "localhost:" + std::to_string(server.port()));
  EXPECT_EQ(seen.front().header("user-agent").rfind("coinfan/", 0), 0u);
}

TEST_F(UpstreamTls, BaseUrlPathPrefixesEveryTarget) {
  ScriptedServer server(tls_server(localhost_cert()));
  Options options = options_for(server, pki);
  options.base_url += "/api/v2/";
  auto client = make_client(io, options);
  Timed sent = send(io, client, read_request("/balances?asset=USDT"));
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(server.requests().at(0).target, "/api/v2/balances?asset=USDT");
}

TEST_F(UpstreamTls, CertificateForAnotherHostNameIsTlsError) {
  ScriptedServer server(tls_server(pki.issue({"wrong.example"}, {})));
  auto client = make_client(io, options_for(server, pki));
  Timed sent = send(io, client, read_request());
  ASSERT_FALSE(sent.result.ok());
  EXPECT_EQ(sent.result.error().code, ErrorCode::tls_error) << sent.result.error().detail;
  EXPECT_NE(sent.result.error().detail.find("certificate"), std::string::npos);
  // A certificate problem is permanent: a read is not retried into it.
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(UpstreamTls, CertificateFromAnUntrustedCaIsTlsError) {
  ScriptedServer server(tls_server(pki.issue({"localhost"}, {"127.0.0.1"}, /*untrusted_ca=*/true)));
  auto client = make_client(io, options_for(server, pki));
  Timed sent = send(io, client, read_request());
  ASSERT_FALSE(sent.result.ok());
  EXPECT_EQ(sent.result.error().code, ErrorCode::tls_error) << sent.result.error().detail;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(UpstreamTls, TestCaIsTrustedOnlyThroughCaFile) {
  ScriptedServer server(tls_server(localhost_cert()));
  Options without = options_for(server, pki);
  without.ca_file.clear();  // the system store does not know the test CA
  auto untrusting = make_client(io, without);
  Timed refused = send(io, untrusting, read_request());
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.error().code, ErrorCode::tls_error);

  auto trusting = make_client(io, options_for(server, pki));
  Timed accepted = send(io, trusting, read_request());
  ASSERT_TRUE(accepted.result.ok()) << accepted.result.error().detail;
  EXPECT_EQ(accepted.result->status, 200u);
}

TEST_F(UpstreamTls, IpLiteralBaseUrlIsVerifiedAgainstIpAddressNames) {
  ScriptedServer good(tls_server(localhost_cert()));
  Options options = options_for(good, pki);
  options.base_url = good.https_url("127.0.0.1");
  Timed ok = send(io, make_client(io, options), read_request());
  ASSERT_TRUE(ok.result.ok()) << ok.result.error().detail;
  EXPECT_EQ(good.requests().at(0).sni, "");  // no SNI for an IP address

  ScriptedServer dns_only(tls_server(pki.issue({"localhost"}, {})));
  options.base_url = dns_only.https_url("127.0.0.1");
  Timed refused = send(io, make_client(io, options), read_request());
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.error().code, ErrorCode::tls_error);
}

TEST_F(UpstreamTls, ServerLimitedToTls11IsRefused) {
  ScriptedServer::Config config = tls_server(localhost_cert());
  config.max_tls_version = TLS1_1_VERSION;
  ScriptedServer server(config);
  Timed sent = send(io, make_client(io, options_for(server, pki)), read_request());
  ASSERT_FALSE(sent.result.ok());
  EXPECT_EQ(sent.result.error().code, ErrorCode::tls_error) << sent.result.error().detail;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(UpstreamTls, PlainHttpIsAllowedOnLoopback) {
  ScriptedServer::Config config;
  config.mode = ScriptedServer::Mode::plain;
  ScriptedServer server(config);
  Options options;
  options.base_url = server.http_url();
  auto client = make_client(io, options);
  Timed first = send(io, client, read_request());
  Timed second = send(io, client, read_request());
  ASSERT_TRUE(first.result.ok()) << first.result.error().detail;
  ASSERT_TRUE(second.result.ok()) << second.result.error().detail;
  EXPECT_EQ(client->stats().tls_handshakes, 0u);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(UpstreamTls, CreateRejectsBadSettings) {
  Options options;
  options.base_url = "http://example.com";
  auto remote_http = Client::create(io.get_executor(), options);
  ASSERT_FALSE(remote_http.ok());
  EXPECT_EQ(remote_http.error().code, ErrorCode::invalid_argument);

  options.base_url = "https://localhost:1";
  options.ca_file = "/nonexistent/ca.pem";
  auto missing_ca = Client::create(io.get_executor(), options);
  ASSERT_FALSE(missing_ca.ok());
  EXPECT_EQ(missing_ca.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(missing_ca.error().detail.find("ca_file"), std::string::npos);

  options.ca_file.clear();
  options.max_connections = 0;
  EXPECT_FALSE(Client::create(io.get_executor(), options).ok());
}

TEST_F(UpstreamTls, ProviderErrorStatusReachesTheAdapterAsAResponse) {
  ScriptedServer server(tls_server(localhost_cert(), [](Exchange& exchange) {
    exchange.respond(401, "{\"code\":\"token_expired\"}");
  }));
  auto client = make_client(io, options_for(server, pki));
  Timed sent = send(io, client, read_request());
  ASSERT_TRUE(sent.result.ok()) << sent.result.error().detail;
  EXPECT_EQ(sent.result->status, 401u);
  EXPECT_EQ(sent.result->body, "{\"code\":\"token_expired\"}");
  EXPECT_EQ(server.request_count(), 1u);  // a 401 is not retried
  EXPECT_EQ(upstream::status_error(*sent.result).code, ErrorCode::http_status);
}

}  // namespace
}  // namespace coinfan::upstream_testing
