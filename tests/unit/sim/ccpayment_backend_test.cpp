// The CCPayment backend's header check, shared by the v1 and v2 simulators: which code each
// missing or wrong header earns, in the backend's order.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "sim/ccpayment_backend.hpp"

namespace coinfan::sim::ccpayment {
namespace {

using namespace std::chrono_literals;
const std::chrono::system_clock::time_point now{std::chrono::seconds(1'750'000'000)};
constexpr std::string_view app = "app-1";

SimRequest signed_request(std::string app_id, std::string timestamp, std::string sign) {
  SimRequest request;
  request.method = "POST";
  request.headers = {{"Appid", std::move(app_id)}, {"Timestamp", std::move(timestamp)}, {"Sign", std::move(sign)}};
  return request;
}

std::int64_t code_of(const SimRequest& request) {
  SignedHeaders headers;
  const auto rejection = check_headers(request, app, now, 120s, headers);
  return rejection ? rejection->code : code_success;
}

TEST(SimCcpaymentBackend, WellFormedHeadersPassAndAreReadCaseInsensitively) {
  SimRequest request = signed_request("app-1", "1750000000", "abc");
  request.headers[0].first = "appid";
  SignedHeaders headers;
  EXPECT_FALSE(check_headers(request, app, now, 120s, headers));
  EXPECT_EQ(headers.app_id, "app-1");
  EXPECT_EQ(headers.timestamp, "1750000000");
  EXPECT_EQ(headers.sign, "abc");
}

TEST(SimCcpaymentBackend, MissingOrEmptyHeadersAre11001) {
  EXPECT_EQ(code_of(signed_request("", "1750000000", "abc")), code_invalid_header);
  EXPECT_EQ(code_of(signed_request("app-1", "", "abc")), code_invalid_header);
  EXPECT_EQ(code_of(signed_request("app-1", "1750000000", "")), code_invalid_header);
  EXPECT_EQ(code_of(SimRequest{}), code_invalid_header);
}

TEST(SimCcpaymentBackend, ATimestampThatIsNotDigitsIs11001EvenForAStranger) {
  EXPECT_EQ(code_of(signed_request("app-1", "17500e0000", "abc")), code_invalid_header);
  EXPECT_EQ(code_of(signed_request("stranger", "-1750000000", "abc")), code_invalid_header);
}

TEST(SimCcpaymentBackend, AnotherAppIdIs11005) {
  EXPECT_EQ(code_of(signed_request("app-2", "1750000000", "abc")), code_bad_signature);
}

TEST(SimCcpaymentBackend, TimestampsMoreThanTheWindowAwayAre11006) {
  EXPECT_EQ(code_of(signed_request("app-1", "1749999880", "abc")), code_success);
  EXPECT_EQ(code_of(signed_request("app-1", "1750000120", "abc")), code_success);
  EXPECT_EQ(code_of(signed_request("app-1", "1749999879", "abc")), code_expired);
  EXPECT_EQ(code_of(signed_request("app-1", "1750000121", "abc")), code_expired);
}

TEST(SimCcpaymentBackend, EmptyBodyIsTheEmptyObjectAndOtherJsonIsRefused) {
  boost::json::value storage;
  const auto* empty = body_object("", storage);
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(empty->empty());
  EXPECT_NE(body_object(R"({"coinId":1})", storage), nullptr);
  EXPECT_EQ(body_object("[]", storage), nullptr);
  EXPECT_EQ(body_object("{oops", storage), nullptr);
  EXPECT_EQ(body_object("null", storage), nullptr);
}

}  // namespace
}  // namespace coinfan::sim::ccpayment
