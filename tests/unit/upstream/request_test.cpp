// The plain request/response values: header lookup ignores name case, as HTTP does.

#include "coinfan/upstream/request.hpp"

#include <gtest/gtest.h>

namespace coinfan::upstream {
namespace {

TEST(UpstreamRequest, FindHeaderIgnoresNameCase) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"Appid", "x"}};
  EXPECT_EQ(find_header(request, "appid"), "x");
  EXPECT_EQ(find_header(request, "CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(find_header(request, "Sign"));
}

TEST(UpstreamRequest, DefaultsToANonIdempotentGet) {
  const Request request;
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/");
  EXPECT_FALSE(request.idempotent);  // a write is never retried unless a builder says so
}

TEST(UpstreamResponse, HeaderLookupIgnoresNameCase) {
  Response response;
  response.headers = {{"Sign", "abc"}};
  EXPECT_EQ(response.header("sign"), "abc");
  EXPECT_TRUE(response.has_header("SIGN"));
  EXPECT_EQ(response.header("Appid"), "");
  EXPECT_FALSE(response.has_header("Appid"));
}

}  // namespace
}  // namespace coinfan::upstream
