// Domain outcome -> HTTP: status codes, content types, problem documents and the Age header
// of every view and records answer, without a server.

#include "api/responses.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace coinfan::api {
namespace {

using aggregate::GatewayStatus;
using aggregate::ViewAnswer;
using aggregate::ViewError;
using records::RecordsAnswer;
using records::RecordsError;
using namespace std::chrono_literals;

boost::json::object body_of(const http::Response& response) {
  return boost::json::parse(response.body_view()).as_object();
}

GatewayStatus failed(std::string id) {
  return aggregate::live_status(std::move(id), "kuna", 5000, Error{ErrorCode::provider_error, "said no", "10002", "Invalid sign"});
}

TEST(ViewResponse, AnAnswerSharesTheCachedBytesAndCarriesAgeFromTheCache) {
  ViewAnswer answer;
  answer.body = std::make_shared<const std::string>(R"({"complete":true})");
  auto response = to_response(answer);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.shared_body, answer.body);  // the same bytes, not a copy
  EXPECT_TRUE(response.headers.empty());

  answer.source = ViewAnswer::Source::stale;
  answer.age = 6999ms;
  response = to_response(answer);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>{"Age", "6"}));
}

TEST(ViewResponse, NoGatewayAnsweredIs502ListingEveryGateway) {
  ViewAnswer answer;
  answer.error = ViewError::no_gateway_answered;
  answer.detail = "none of the selected gateways answered";
  answer.as_of = TimePointMs{std::chrono::milliseconds{1740787200123}};
  answer.gateways = std::make_shared<const std::vector<GatewayStatus>>(std::vector<GatewayStatus>{failed("kuna")});
  const auto response = to_response(answer);
  EXPECT_EQ(response.status, 502u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_EQ(response.body_view(),
            R"({"type":"urn:coinfan:problem:all_gateways_failed","title":"Bad Gateway","status":502,)"
            R"("detail":"none of the selected gateways answered","code":"all_gateways_failed",)"
            R"("as_of":"2025-03-01T00:00:00.123Z","gateways":[{"id":"kuna","type":"kuna","status":"error",)"
            R"("latency_ms":5000,"cached":false,"age_ms":null,"error":{"code":"provider_error",)"
            R"("detail":"said no","provider_code":"10002","provider_message":"Invalid sign"}}]})");
}

TEST(ViewResponse, SelectionErrorsAre400AndBugsAre500) {
  for (const auto error : {ViewError::unknown_gateway, ViewError::no_coin_catalogue}) {
    ViewAnswer answer;
    answer.error = error;
    answer.detail = "gateway: 'kuna' has no coin catalogue";
    const auto response = to_response(answer);
    EXPECT_EQ(response.status, 400u);
    EXPECT_EQ(body_of(response).at("code"), "invalid_argument");
    EXPECT_EQ(body_of(response).at("detail"), "gateway: 'kuna' has no coin catalogue");
  }
  ViewAnswer broken;
  broken.error = ViewError::internal;
  broken.detail = "the view could not be assembled";
  EXPECT_EQ(to_response(broken).status, 500u);
  EXPECT_EQ(body_of(to_response(broken)).at("code"), "internal");
}

TEST(RecordsResponse, EveryErrorHasItsStatusAndCode) {
  RecordsAnswer page;
  page.body = R"({"records":[]})";
  EXPECT_EQ(to_response(page).status, 200u);
  EXPECT_EQ(to_response(page).content_type, "application/json");
  EXPECT_EQ(to_response(page).body_view(), page.body);

  RecordsAnswer cursor;
  cursor.error = RecordsError::invalid_cursor;
  cursor.detail = "bad token";
  EXPECT_EQ(to_response(cursor).status, 400u);
  EXPECT_EQ(body_of(to_response(cursor)).at("code"), "invalid_cursor");

  for (const auto error : {RecordsError::unknown_gateway, RecordsError::no_records, RecordsError::not_found}) {
    RecordsAnswer missing;
    missing.error = error;
    missing.detail = "no gateway 'x' is configured";
    EXPECT_EQ(to_response(missing).status, 404u);
    EXPECT_EQ(body_of(to_response(missing)).at("code"), "not_found");
  }

  RecordsAnswer nobody;
  nobody.error = RecordsError::no_gateway_answered;
  nobody.detail = "no selected gateway answered";
  nobody.gateways = {failed("ccp-a")};
  const auto failed_page = to_response(nobody);
  EXPECT_EQ(failed_page.status, 502u);
  EXPECT_EQ(failed_page.content_type, "application/problem+json");
  EXPECT_EQ(body_of(failed_page).at("code"), "all_gateways_failed");
  EXPECT_EQ(body_of(failed_page).at("gateways").as_array().size(), 1u);
  EXPECT_EQ(body_of(failed_page).at("as_of"), "1970-01-01T00:00:00.000Z");
}

TEST(RecordsResponse, AFailedLookupNamesTheGatewayAndKeepsTheProvidersWords) {
  RecordsAnswer lookup;
  lookup.error = RecordsError::gateway_failed;
  lookup.gateway = "ccp-a";
  lookup.gateway_error = Error{ErrorCode::provider_error, "provider said no", "11002", "Order not exist"};
  const auto response = to_response(lookup);
  EXPECT_EQ(response.status, 502u);
  EXPECT_EQ(response.body_view(),
            R"({"type":"urn:coinfan:problem:provider_error","title":"Bad Gateway","status":502,)"
            R"("detail":"provider said no","code":"provider_error","gateway":"ccp-a",)"
            R"("provider_code":"11002","provider_message":"Order not exist"})");
  lookup.gateway_error = make_error(ErrorCode::invalid_argument, "bad id");
  EXPECT_EQ(to_response(lookup).status, 400u);
}

}  // namespace
}  // namespace coinfan::api
