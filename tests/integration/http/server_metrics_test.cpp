// The server's request metrics over real loopback sockets: each answered request counted under
// its route pattern (never the raw path), its method and its status class, with its duration,
// and the requests in flight.

#include <gtest/gtest.h>

#include <atomic>

#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::http {
namespace {

using testing::get_request;
using testing::HttpTestServer;
using testing::RawConnection;

using Labels = std::vector<std::string>;

std::uint64_t count_of(const RequestSeries& series, const Labels& labels) {
  for (const auto& [key, durations] : series) {
    if (key == labels) return durations.count;
  }
  return 0;
}

struct MetricsRig {
  std::atomic<Server*> server{nullptr};
  std::shared_ptr<Router> router = std::make_shared<Router>();

  MetricsRig() {
    router->add("GET", "/v1/gateways/{id}/balances", sync_handler([](const Request&) { return json_response(200, "{}"); }));
    router->add("GET", "/fails", sync_handler([](const Request&) { return problem(502, "gateway_error", "no"); }));
    // Answers with the requests in flight as the server counts them while this one runs.
    router->add("GET", "/in-flight", sync_handler([this](const Request&) {
                  return json_response(200, std::to_string(server.load()->stats().requests_in_flight));
                }));
    router->guard("/private/", [](const Request&) -> std::optional<Response> { return problem(401, "unauthorized", "key"); });
    router->add("GET", "/private/{thing}", sync_handler([](const Request&) { return json_response(200, "{}"); }));
  }
};

TEST(ServerMetrics, CountRequestsByRoutePatternMethodAndStatusClass) {
  MetricsRig rig;
  HttpTestServer server(ServerOptions{}, rig.router);
  rig.server = &server.server();
  RawConnection connection(server.port());
  auto exchange = [&](const std::string& request) {
    connection.send(request);
    auto response = connection.read_response();
    EXPECT_TRUE(response);
    return response ? response->result_int() : 0u;
  };
  EXPECT_EQ(exchange(get_request("/v1/gateways/ccp-main/balances")), 200u);
  EXPECT_EQ(exchange(get_request("/v1/gateways/kuna/balances?asset=BTC")), 200u);
  EXPECT_EQ(exchange(get_request("/no/such/path/4711")), 404u);
  EXPECT_EQ(exchange(get_request("/another/unknown/path")), 404u);
  EXPECT_EQ(exchange("DELETE /v1/gateways/x/balances HTTP/1.1\r\nHost: x\r\n\r\n"), 405u);
  EXPECT_EQ(exchange("BREW /v1/gateways/x/balances HTTP/1.1\r\nHost: x\r\n\r\n"), 405u);
  EXPECT_EQ(exchange(get_request("/fails")), 502u);
  EXPECT_EQ(exchange(get_request("/private/secret-thing")), 401u);
  EXPECT_EQ(exchange(get_request("/in-flight")), 200u);
  // One more exchange on the same connection: the one before has been counted by then.
  EXPECT_EQ(exchange(get_request("/fails")), 502u);

  const auto series = server.server().request_metrics();
  EXPECT_EQ(count_of(series, {"/v1/gateways/{id}/balances", "GET", "2xx"}), 2u);
  EXPECT_EQ(count_of(series, {"unmatched", "GET", "4xx"}), 2u);  // two paths, one series
  EXPECT_EQ(count_of(series, {"/v1/gateways/{id}/balances", "DELETE", "4xx"}), 1u);
  EXPECT_EQ(count_of(series, {"/v1/gateways/{id}/balances", "other", "4xx"}), 1u);  // unknown methods are "other"
  EXPECT_GE(count_of(series, {"/fails", "GET", "5xx"}), 1u);
  EXPECT_EQ(count_of(series, {"/private/{thing}", "GET", "4xx"}), 1u);  // refused by the guard, still its route
  EXPECT_EQ(count_of(series, {"/in-flight", "GET", "2xx"}), 1u);
  for (const auto& [key, durations] : series) {
    EXPECT_EQ(key.size(), 3u);
    EXPECT_EQ(key[0].find("ccp-main"), std::string::npos) << "a raw path became a label";
    EXPECT_EQ(key[0].find("4711"), std::string::npos) << "a raw path became a label";
    std::uint64_t in_buckets = 0;
    for (auto n : durations.buckets) in_buckets += n;
    EXPECT_EQ(in_buckets, durations.count);
  }
}

TEST(ServerMetrics, InFlightCountsTheRequestBeingAnswered) {
  MetricsRig rig;
  HttpTestServer server(ServerOptions{}, rig.router);
  rig.server = &server.server();
  RawConnection connection(server.port());
  connection.send(get_request("/in-flight"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "1");
  connection.send(get_request("/fails"));  // the one before is finished once this is answered
  ASSERT_TRUE(connection.read_response());
  EXPECT_LE(server.server().stats().requests_in_flight, 1u);
}

TEST(ServerMetrics, MalformedRequestsCountAsUnmatched) {
  MetricsRig rig;
  HttpTestServer server(ServerOptions{}, rig.router);
  RawConnection connection(server.port());
  connection.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_TRUE(connection.closed_by_peer());  // closed after the answer was counted
  EXPECT_EQ(count_of(server.server().request_metrics(), {"unmatched", "other", "4xx"}), 1u);
}

}  // namespace
}  // namespace coinfan::http
