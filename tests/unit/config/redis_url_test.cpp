// The Redis URL of `shared.redis.url`: what it may say, and errors that never show a password.

#include <gtest/gtest.h>

#include "coinfan/config/redis_url.hpp"

namespace coinfan::config {
namespace {

TEST(RedisUrl, HostPortUserPasswordAndDatabase) {
  auto plain = parse_redis_url("redis://cache.internal");
  ASSERT_TRUE(plain.ok()) << plain.error().detail;
  EXPECT_EQ(plain->host, "cache.internal");
  EXPECT_EQ(plain->port, 6379);
  EXPECT_FALSE(plain->password);
  EXPECT_FALSE(plain->database);

  auto full = parse_redis_url("redis://svc:s%40cret@10.0.0.7:6380/2");
  ASSERT_TRUE(full.ok()) << full.error().detail;
  EXPECT_EQ(full->host, "10.0.0.7");
  EXPECT_EQ(full->port, 6380);
  EXPECT_EQ(full->user, "svc");
  EXPECT_EQ(full->password, "s@cret");  // percent-decoded
  EXPECT_EQ(full->database, 2u);

  auto password_only = parse_redis_url("redis://:hunter2@[::1]:7000");
  ASSERT_TRUE(password_only.ok()) << password_only.error().detail;
  EXPECT_EQ(password_only->host, "::1");
  EXPECT_FALSE(password_only->user);
  EXPECT_EQ(password_only->password, "hunter2");
}

TEST(RedisUrl, RedissIsTheSameUrlOverTls) {
  auto plain = parse_redis_url("redis://h");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->tls);

  auto secure = parse_redis_url("rediss://svc:s%40cret@redis.internal/3");
  ASSERT_TRUE(secure.ok()) << secure.error().detail;
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->host, "redis.internal");
  EXPECT_EQ(secure->port, 6379);  // the same default port
  EXPECT_EQ(secure->user, "svc");
  EXPECT_EQ(secure->password, "s@cret");
  EXPECT_EQ(secure->database, 3u);

  auto port = parse_redis_url("rediss://10.0.0.7:6380");
  ASSERT_TRUE(port.ok()) << port.error().detail;
  EXPECT_TRUE(port->tls);
  EXPECT_EQ(port->port, 6380);
}

TEST(RedisUrl, RefusedWithAReasonAndNeverThePassword) {
  for (const char* url : {"http://h", "https://:topsecret@h", "rediss://:topsecret@h:0", "rediss://:topsecret@h/x",
                          "redis://", "rediss://", "redis://:topsecret@h:0",
                          "redis://:topsecret@h:99999", "redis://:topsecret@h/x", "redis://h?db=1",
                          "redis://:topsecret@h#f", "not a url"}) {
    auto parsed = parse_redis_url(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument) << url;
    EXPECT_EQ(parsed.error().detail.find("topsecret"), std::string::npos) << parsed.error().detail;
    EXPECT_EQ(parsed.error().detail.rfind("redis url: ", 0), 0u) << parsed.error().detail;
  }
  EXPECT_NE(parse_redis_url("http://h").error().detail.find("rediss://"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::config
