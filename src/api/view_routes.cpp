#include "api/view_routes.hpp"

#include <algorithm>
#include <chrono>
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

// The handler's answer when the view has it fresh in its cache: no coroutine, no timer.
http::Immediate view_immediate(std::shared_ptr<aggregate::Views> views, aggregate::ViewKind kind) {
  return [views = std::move(views), kind](const http::Request& request) -> std::optional<http::Response> {
    auto query = parse_view_query(request.query, views->gateway_ids());
    if (!query) return invalid_request(query.error().detail);
    auto hit = views->cached(kind, *query);
    if (!hit) return std::nullopt;
    return to_response(*hit);
  };
}

}  // namespace

std::string view_cache_control(const config::CacheConfig& cache) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const auto fresh = duration_cast<seconds>(cache.fresh).count();
  const auto stale = duration_cast<seconds>(cache.stale - std::min(cache.stale, cache.fresh)).count();
  std::string out = "private, max-age=" + std::to_string(fresh);
  if (stale > 0) out += ", stale-while-revalidate=" + std::to_string(stale);
  return out;
}

void add_view_routes(http::Router& router, std::shared_ptr<aggregate::Views> views,
                     std::shared_ptr<Representations> representations) {
  if (!representations) representations = std::make_shared<Representations>();
  const auto cache_control = view_cache_control(views ? views->cache_config() : config::CacheConfig{});
  const auto add_view = [&](std::string_view path, aggregate::ViewKind kind) {
    router.add("GET", path, represented(representations, cache_control, view_handler(views, kind)),
               represented_now(representations, cache_control, view_immediate(views, kind)));
  };
  add_view("/v1/balances", aggregate::ViewKind::balances);
  add_view("/v1/prices", aggregate::ViewKind::prices);
  add_view("/v1/coins", aggregate::ViewKind::coins);
  router.add("GET", "/v1/gateways",
             represented(representations, std::string(revalidate_cache_control),
                         http::sync_handler([views](const http::Request& request) {
                           auto query = parse_view_query(request.query, views->gateway_ids(), false);
                           if (!query) return invalid_request(query.error().detail);
                           return to_response(views->gateways());
                         }),
                         false));  // rendered anew, with its own as_of, on every request
}

}  // namespace coinfan::api
