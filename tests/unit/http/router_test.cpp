// Routing and request ids (query-string parsing: tests/unit/core/query_string_test.cpp).

#include <gtest/gtest.h>

#include "coinfan/core/cidr.hpp"
#include "coinfan/http/request_id.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::http {
namespace {

Handler noop() {
  return sync_handler([](const Request&) { return json_response(200, "{}"); });
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.add("GET", "/v1/gateways", noop());
  router.add("GET", "/v1/gateways/{id}/swaps/{record_id}", noop());
  auto match = router.match("GET", "/v1/gateways/ccp-main/swaps/2024%2F07");
  ASSERT_EQ(match.outcome, Router::Outcome::found);
  EXPECT_EQ(match.params.at("id"), "ccp-main");
  EXPECT_EQ(match.params.at("record_id"), "2024/07");
  EXPECT_EQ(router.match("GET", "/v1/gateways").outcome, Router::Outcome::found);
}

// The route's pattern labels the request in /metrics: bounded, unlike the raw path.
TEST(Router, MatchNamesTheRoutePattern) {
  Router router;
  router.add("GET", "/v1/gateways/{id}/balances", noop());
  router.add("POST", "/v1/gateways/{id}/transfers", noop());
  EXPECT_EQ(router.match("GET", "/v1/gateways/ccp-main/balances").pattern, "/v1/gateways/{id}/balances");
  EXPECT_EQ(router.match("HEAD", "/v1/gateways/x/balances").pattern, "/v1/gateways/{id}/balances");
  const auto wrong_method = router.match("GET", "/v1/gateways/x/transfers");
  EXPECT_EQ(wrong_method.outcome, Router::Outcome::method_not_allowed);
  EXPECT_EQ(wrong_method.pattern, "/v1/gateways/{id}/transfers");
  EXPECT_TRUE(router.match("GET", "/v1/nothing/here").pattern.empty());
}

TEST(Router, UnknownPathIsNotFound) {
  Router router;
  router.add("GET", "/v1/gateways/{id}", noop());
  EXPECT_EQ(router.match("GET", "/v1/gateways").outcome, Router::Outcome::not_found);
  EXPECT_EQ(router.match("GET", "/v1/gateways/a/b").outcome, Router::Outcome::not_found);
  EXPECT_EQ(router.match("GET", "/v1/gateways/").outcome, Router::Outcome::not_found);
  EXPECT_EQ(router.match("GET", "/v1/gateways/%zz").outcome, Router::Outcome::not_found);
}

TEST(Router, WrongMethodListsAllowedMethodsIncludingHead) {
  Router router;
  router.add("GET", "/x", noop());
  router.add("POST", "/x", noop());
  auto match = router.match("PUT", "/x");
  EXPECT_EQ(match.outcome, Router::Outcome::method_not_allowed);
  EXPECT_EQ(match.allow, "GET, HEAD, POST");
  EXPECT_EQ(router.match("HEAD", "/x").outcome, Router::Outcome::found);
}

TEST(RequestId, AcceptsSafeIdsOnly) {
  EXPECT_TRUE(is_acceptable_request_id("abc-123_x.y:z"));
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_acceptable_request_id("a b"));
  EXPECT_FALSE(is_acceptable_request_id("a\"b"));
  EXPECT_FALSE(is_acceptable_request_id("a\nb"));
}

TEST(Cidr, MatchesIpv4AndIpv6Ranges) {
  auto v4 = Cidr::parse("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->contains("10.1.200.3"));
  EXPECT_FALSE(v4->contains("10.2.0.1"));
  EXPECT_FALSE(v4->contains("not-an-ip"));
  auto v6 = Cidr::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains("fd12::1"));
  EXPECT_FALSE(v6->contains("fe80::1"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/"));
  EXPECT_TRUE(Cidr::parse("127.0.0.1")->contains("127.0.0.1"));
}

}  // namespace
}  // namespace coinfan::http

namespace coinfan::http {
namespace {

TEST(Router, WrapReplacesHandlersUnderAPrefixOnly) {
  Router router;
  router.add("GET", "/v1/balances", noop());
  router.add("GET", "/healthz", noop());
  std::vector<std::string> wrapped;
  router.wrap("/v1/", [&](const std::string& method, Handler handler) {
    wrapped.push_back(method);
    return handler;
  });
  EXPECT_EQ(wrapped, std::vector<std::string>{"GET"});
}

}  // namespace
}  // namespace coinfan::http
