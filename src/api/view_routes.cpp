#include "api/view_routes.hpp"

#include <string>
#include <utility>

namespace coinfan::api {

namespace asio = boost::asio;

namespace {

// The request is copied into the frame's parameters: nothing here outlives a co_await by
// reference.
asio::awaitable<http::Response> serve_view(std::shared_ptr<aggregate::Views> views, aggregate::ViewKind kind,
                                           std::string raw_query) {
  auto query = views->parse_query(raw_query);
  if (!query) co_return http::problem(400, "invalid_argument", query.error().detail);
  auto answer = views->get(kind, std::move(query).value());
  co_return to_response(co_await std::move(answer));
}

http::Handler view_handler(std::shared_ptr<aggregate::Views> views, aggregate::ViewKind kind) {
  return [views = std::move(views), kind](const http::Request& request) {
    return serve_view(views, kind, request.query);
  };
}

}  // namespace

http::Response to_response(const aggregate::ViewAnswer& answer) {
  http::Response response;
  response.status = answer.status;
  response.content_type = answer.problem ? "application/problem+json" : "application/json";
  response.shared_body = answer.body;
  if (answer.source != aggregate::ViewAnswer::Source::fan_out) {
    response.headers.emplace_back("Age", std::to_string(answer.age.count() / 1000));
  }
  return response;
}

void add_view_routes(http::Router& router, std::shared_ptr<aggregate::Views> views) {
  router.add("GET", "/v1/balances", view_handler(views, aggregate::ViewKind::balances));
  router.add("GET", "/v1/prices", view_handler(views, aggregate::ViewKind::prices));
  router.add("GET", "/v1/coins", view_handler(views, aggregate::ViewKind::coins));
  router.add("GET", "/v1/gateways", http::sync_handler([views](const http::Request& request) {
               auto query = aggregate::parse_view_query(request.query, views->gateway_ids(), false);
               if (!query) return http::problem(400, "invalid_argument", query.error().detail);
               return to_response(views->gateways());
             }));
}

}  // namespace coinfan::api
