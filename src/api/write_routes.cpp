#include "api/write_routes.hpp"

#include <string>
#include <utility>

#include "api/responses.hpp"
#include "coinfan/core/ascii.hpp"

namespace coinfan::api {

namespace asio = boost::asio;
using writes::WriteService;

namespace {

// A JSON body is required: `application/json`, any parameters (charset) allowed.
bool is_json(const http::Request& request) {
  const auto type = request.header("Content-Type");
  if (!type) return false;
  std::string_view media = *type;
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return ascii::iequals(media, "application/json");
}

std::string gateway_of(const http::Request& request) {
  const auto it = request.path_params.find("id");
  return it != request.path_params.end() ? it->second : std::string();
}

writes::WriteContext context_of(const http::Request& request) {
  return writes::WriteContext{request.api_key_name, request.request_id};
}

enum class Operation { transfer, quote, swap, rescan };

// Every parameter is a copy: nothing here outlives a co_await by reference.
asio::awaitable<http::Response> handle(std::shared_ptr<WriteService> service, Operation operation, std::string gateway,
                                       std::string body, writes::WriteContext context) {
  switch (operation) {
    case Operation::transfer: {
      auto parsed = writes::parse_transfer_body(body);
      if (!parsed.body) co_return invalid_fields(parsed.errors, parsed.malformed);
      auto answer = service->transfer(std::move(gateway), std::move(*parsed.body), std::move(context));
      co_return to_response(co_await std::move(answer), "transfers");
    }
    case Operation::quote: {
      auto parsed = writes::parse_quote_body(body);
      if (!parsed.body) co_return invalid_fields(parsed.errors, parsed.malformed);
      auto answer = service->quote(std::move(gateway), std::move(*parsed.body), std::move(context));
      co_return to_response(co_await std::move(answer), "quote");
    }
    case Operation::swap: {
      auto parsed = writes::parse_swap_body(body);
      if (!parsed.body) co_return invalid_fields(parsed.errors, parsed.malformed);
      auto answer = service->swap(std::move(gateway), std::move(*parsed.body), std::move(context));
      co_return to_response(co_await std::move(answer), "swaps");
    }
    case Operation::rescan: {
      auto parsed = writes::parse_rescan_body(body);
      if (!parsed.body) co_return invalid_fields(parsed.errors, parsed.malformed);
      auto answer = service->rescan(std::move(gateway), std::move(*parsed.body), std::move(context));
      co_return to_response(co_await std::move(answer), "rescan");
    }
  }
  co_return http::problem(500, "internal", "unknown write operation");
}

asio::awaitable<http::Response> ready(http::Response response) { co_return response; }

http::Handler handler(std::shared_ptr<WriteService> service, Operation operation) {
  return [service = std::move(service), operation](const http::Request& request) -> asio::awaitable<http::Response> {
    if (!is_json(request)) {
      return ready(
          http::problem(415, "unsupported_media_type", "the body must be JSON: send Content-Type: application/json"));
    }
    return handle(service, operation, gateway_of(request), request.body, context_of(request));
  };
}

}  // namespace

void add_write_routes(http::Router& router, std::shared_ptr<WriteService> service) {
  router.add("POST", "/v1/gateways/{id}/transfers", handler(service, Operation::transfer));
  router.add("POST", "/v1/gateways/{id}/swaps/quote", handler(service, Operation::quote));
  router.add("POST", "/v1/gateways/{id}/swaps", handler(service, Operation::swap));
  router.add("POST", "/v1/gateways/{id}/deposits/rescan", handler(service, Operation::rescan));
}

}  // namespace coinfan::api
