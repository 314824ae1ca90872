#include "coinfan/upstream/base_url.hpp"

#include <gtest/gtest.h>

namespace coinfan::upstream {
namespace {

TEST(BaseUrl, HttpsWithDefaultPortAndNoPath) {
  auto url = parse_base_url("https://API.CCPayment.com");
  ASSERT_TRUE(url.ok()) << url.error().detail;
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "api.ccpayment.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->base_path, "");
  EXPECT_FALSE(url->host_is_ip);
  EXPECT_FALSE(url->loopback);
  EXPECT_EQ(url->authority(), "api.ccpayment.com");
  EXPECT_EQ(url->endpoint(), "api.ccpayment.com:443");
}

TEST(BaseUrl, KeepsPortAndPathWithoutTrailingSlash) {
  auto url = parse_base_url("https://gw.example:8443/api/v2/");
  ASSERT_TRUE(url.ok()) << url.error().detail;
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->base_path, "/api/v2");
  EXPECT_EQ(url->authority(), "gw.example:8443");
}

TEST(BaseUrl, HttpIsAcceptedForLoopbackOnly) {
  for (const char* text : {"http://127.0.0.1:8080", "http://localhost:1/x", "http://[::1]:9000",
                           "http://127.1.2.3", "http://sim.localhost"}) {
    auto url = parse_base_url(text);
    ASSERT_TRUE(url.ok()) << text << ": " << url.error().detail;
    EXPECT_FALSE(url->tls);
    EXPECT_TRUE(url->loopback) << text;
  }
  for (const char* text : {"http://example.com", "http://10.0.0.1", "http://128.0.0.1",
                           "http://localhost.example.com", "http://127.0.0.1.evil.com"}) {
    auto url = parse_base_url(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.error().code, ErrorCode::invalid_argument);
  }
}

TEST(BaseUrl, Ipv6LiteralLosesBracketsButAuthorityKeepsThem) {
  auto url = parse_base_url("https://[::1]:8443");
  ASSERT_TRUE(url.ok()) << url.error().detail;
  EXPECT_EQ(url->host, "::1");
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->authority(), "[::1]:8443");
}

TEST(BaseUrl, RejectsWhatCannotBeABaseUrl) {
  for (const char* text :
       {"", "ftp://example.com", "example.com", "https://", "https://:443",
        "https://example.com?x=1", "https://example.com#frag", "https://example.com:0",
        "https://example.com:70000", "https://example.com:abc"}) {
    auto url = parse_base_url(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.error().code, ErrorCode::invalid_argument) << text;
  }
}

TEST(BaseUrl, CredentialsAreRejectedWithoutEchoingThem) {
  auto url = parse_base_url("https://user:hunter2@example.com");
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().detail.find("hunter2"), std::string::npos);
  EXPECT_NE(url.error().detail.find("credentials"), std::string::npos);
}

TEST(BaseUrl, LoopbackHostNames) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("LOCALHOST"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.255.255.254"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_FALSE(is_loopback_host("127.0.0"));
  EXPECT_FALSE(is_loopback_host("127.0.0.256"));
  EXPECT_FALSE(is_loopback_host("127..0.1"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("::"));
}

}  // namespace
}  // namespace coinfan::upstream
