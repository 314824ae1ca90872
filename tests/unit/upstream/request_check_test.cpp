#include "upstream/request_check.hpp"

#include <gtest/gtest.h>

namespace coinfan::upstream {
namespace {

Request get(std::string target) {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  return request;
}

TEST(RequestCheck, AcceptsAPlainSignedRequest) {
  Request request;
  request.method = "POST";
  request.target = "/ccpayment/v2/getCoinList?x=1";
  request.headers = {{"Appid", "abc"}, {"Sign", "0123"}, {"Content-Type", "application/json"}};
  request.body = "{}";
  EXPECT_FALSE(check_request(request).has_value());
}

TEST(RequestCheck, RejectsUnknownMethods) {
  Request request = get("/");
  request.method = "get";
  ASSERT_TRUE(check_request(request));
  request.method = "BREW";
  ASSERT_TRUE(check_request(request));
  EXPECT_EQ(check_request(request)->code, ErrorCode::invalid_argument);
}

TEST(RequestCheck, RejectsTargetsThatCouldSplitTheRequestLine) {
  EXPECT_TRUE(check_request(get("")));
  EXPECT_TRUE(check_request(get("balances")));
  EXPECT_TRUE(check_request(get("/a b")));
  EXPECT_TRUE(check_request(get("/a\r\nX-Evil: 1")));
  EXPECT_TRUE(check_request(get("/a#frag")));
  EXPECT_TRUE(check_request(get("/caf\xc3\xa9")));
}

TEST(RequestCheck, RejectsHeaderInjectionWithoutEchoingTheValue) {
  Request request = get("/");
  request.headers = {{"Authorization", "Token s3cret\r\nX-Evil: 1"}};
  const auto rejected = check_request(request);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->detail.find("s3cret"), std::string::npos);
  request.headers = {{"Bad Name", "x"}};
  EXPECT_TRUE(check_request(request));
}

TEST(RequestCheck, FramingHeadersBelongToTheClient) {
  for (const char* name : {"Host", "content-length", "Transfer-Encoding", "CONNECTION"}) {
    Request request = get("/");
    request.headers = {{name, "x"}};
    EXPECT_TRUE(check_request(request)) << name;
  }
}

TEST(RequestCheck, GetCarriesNoBody) {
  Request request = get("/");
  request.body = "x";
  EXPECT_TRUE(check_request(request));
}

TEST(Response, HeaderLookupIsCaseInsensitive) {
  Response response;
  response.headers = {{"Content-Type", "application/json"}, {"retry-after", "3"}};
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("Retry-After"), "3");
  EXPECT_EQ(response.header("X-Missing"), "");
  EXPECT_TRUE(response.has_header("RETRY-AFTER"));
  EXPECT_FALSE(response.has_header("x-missing"));
}

TEST(StatusError, MapsTooManyRequestsToRateLimitedAndTheRestToHttpStatus) {
  Response response;
  response.status = 429;
  EXPECT_EQ(status_error(response).code, ErrorCode::rate_limited);
  response.status = 502;
  response.body = "secret echo";
  const Error error = status_error(response);
  EXPECT_EQ(error.code, ErrorCode::http_status);
  EXPECT_NE(error.detail.find("502"), std::string::npos);
  EXPECT_EQ(error.detail.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace coinfan::upstream
