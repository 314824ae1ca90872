#include "api/view_routes.hpp"

#include <string>
#include <utility>

#include "api/responses.hpp"
#include "api/view_query.hpp"

namespace coinfan::api {

namespace asio = boost::asio;

namespace {

// The request is copied into the frame's parameters: nothing here outlives a co_await by
// reference.
asio::awaitable<http::Response> serve_view(std::shared_ptr<aggregate::Views> views, aggregate::ViewKind kind,
                                           std::string raw_query) {
  auto query = parse_view_query(raw_query, views->gateway_ids());
  if (!query) co_return invalid_request(query.error().detail);
  auto answer = views->get(kind, std::move(query).value());
  co_return to_response(co_await std::move(answer));
}

http::Handler view_handler(std::shared_ptr<aggregate::Views> views, aggregate::ViewKind kind) {
  return [views = std::move(views), kind](const http::Request& request) {
    return serve_view(views, kind, request.query);
  };
}

}  // namespace

void add_view_routes(http::Router& router, std::shared_ptr<aggregate::Views> views) {
  router.add("GET", "/v1/balances", view_handler(views, aggregate::ViewKind::balances));
  router.add("GET", "/v1/prices", view_handler(views, aggregate::ViewKind::prices));
  router.add("GET", "/v1/coins", view_handler(views, aggregate::ViewKind::coins));
  router.add("GET", "/v1/gateways", http::sync_handler([views](const http::Request& request) {
               auto query = parse_view_query(request.query, views->gateway_ids(), false);
               if (!query) return invalid_request(query.error().detail);
               return to_response(views->gateways());
             }));
}

}  // namespace coinfan::api
