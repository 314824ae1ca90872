// The targets `coinfan --healthcheck` accepts.

#include <gtest/gtest.h>

#include "coinfan/app/healthcheck.hpp"

namespace coinfan::app {
namespace {

TEST(HealthcheckTarget, BarePortIsLoopbackReadyz) {
  const auto target = parse_healthcheck_target("8080");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 8080);
  EXPECT_EQ(target->path, "/readyz");
}

TEST(HealthcheckTarget, HostPortAndBracketedV6) {
  auto target = parse_healthcheck_target("localhost:9000");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "localhost");
  EXPECT_EQ(target->port, 9000);
  target = parse_healthcheck_target("[::1]:81");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "::1");
  EXPECT_EQ(target->port, 81);
}

TEST(HealthcheckTarget, UrlWithPathOrDefaultPort) {
  auto target = parse_healthcheck_target("http://127.0.0.2:8081/healthz");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "127.0.0.2");
  EXPECT_EQ(target->port, 8081);
  EXPECT_EQ(target->path, "/healthz");
  target = parse_healthcheck_target("http://localhost");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->port, 80);
  EXPECT_EQ(target->path, "/readyz");
}

TEST(HealthcheckTarget, MalformedIsRefused) {
  for (const char* text : {"", "0", "65536", "80a", "host:", "[::1]", "[::1", "https://x:1/", "http://",
                           "http://a b:1/", "http://h:1/a b", "h\r\nX: y:80"}) {
    EXPECT_FALSE(parse_healthcheck_target(text)) << text;
  }
}

}  // namespace
}  // namespace coinfan::app
