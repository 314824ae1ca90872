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

// Parses the body with `parse`, then asks `method` of the service; every parameter is a copy,
// so nothing here outlives a co_await by reference.
template <typename Body>
asio::awaitable<http::Response> run(std::shared_ptr<WriteService> service, writes::Parsed<Body> (*parse)(std::string_view),
                                    asio::awaitable<writes::WriteAnswer> (WriteService::*method)(std::string, Body,
                                                                                                 writes::WriteContext),
                                    std::string_view collection, std::string gateway, std::string body,
                                    writes::WriteContext context) {
  auto parsed = parse(body);
  if (!parsed.body) co_return invalid_fields(parsed.errors, parsed.malformed);
  auto answer = ((*service).*method)(std::move(gateway), std::move(*parsed.body), std::move(context));
  co_return to_response(co_await std::move(answer), collection);
}

asio::awaitable<http::Response> handle(std::shared_ptr<WriteService> service, Operation operation, std::string gateway,
                                       std::string body, writes::WriteContext context) {
  switch (operation) {
    case Operation::transfer:
      return run(std::move(service), &writes::parse_transfer_body, &WriteService::transfer, "transfers",
                 std::move(gateway), std::move(body), std::move(context));
    case Operation::quote:
      return run(std::move(service), &writes::parse_quote_body, &WriteService::quote, "quote", std::move(gateway),
                 std::move(body), std::move(context));
    case Operation::swap:
      return run(std::move(service), &writes::parse_swap_body, &WriteService::swap, "swaps", std::move(gateway),
                 std::move(body), std::move(context));
    case Operation::rescan: break;
  }
  return run(std::move(service), &writes::parse_rescan_body, &WriteService::rescan, "rescan", std::move(gateway),
             std::move(body), std::move(context));
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
