#include "api/record_routes.hpp"

#include <optional>
#include <string>
#include <utility>

#include "api/record_query.hpp"
#include "api/responses.hpp"

namespace coinfan::api {

namespace asio = boost::asio;
using records::RecordKind;
using records::RecordsService;

namespace {

// Every parameter is a copy: nothing here outlives a co_await by reference.
asio::awaitable<http::Response> list_records(std::shared_ptr<RecordsService> service, std::string raw_query) {
  auto query = parse_record_query(raw_query, service->gateways());
  if (!query) co_return invalid_request(query.error().detail);
  auto answer = service->list(std::move(query).value());
  co_return to_response(co_await std::move(answer));
}

// The gateway is checked before the query, so an unknown gateway is 404 whatever the query.
asio::awaitable<http::Response> lookup_record(std::shared_ptr<RecordsService> service, RecordKind kind,
                                              std::string gateway, std::optional<std::string> record_id,
                                              std::string raw_query) {
  if (auto rejected = service->check_lookup(kind, gateway)) co_return to_response(*rejected);
  auto lookup = parse_record_lookup(raw_query, std::move(record_id));
  if (!lookup) co_return invalid_request(lookup.error().detail);
  auto answer = service->lookup(kind, std::move(gateway), std::move(lookup).value());
  co_return to_response(co_await std::move(answer));
}

http::Handler lookup_handler(std::shared_ptr<RecordsService> service, RecordKind kind, bool by_record_id) {
  return [service = std::move(service), kind, by_record_id](const http::Request& request) {
    std::optional<std::string> record_id;
    if (by_record_id) {
      const auto it = request.path_params.find("record_id");
      if (it != request.path_params.end()) record_id = it->second;
    }
    const auto gateway = request.path_params.find("id");
    return lookup_record(service, kind, gateway != request.path_params.end() ? gateway->second : std::string(),
                         std::move(record_id), request.query);
  };
}

}  // namespace

void add_record_routes(http::Router& router, std::shared_ptr<RecordsService> service,
                       std::shared_ptr<Representations> representations) {
  if (!representations) representations = std::make_shared<Representations>();
  const auto add = [&](std::string_view path, http::Handler handler) {
    router.add("GET", path, represented(representations, std::string(revalidate_cache_control), std::move(handler)));
  };
  add("/v1/records", [service](const http::Request& request) { return list_records(service, request.query); });
  add("/v1/gateways/{id}/transfers/{record_id}", lookup_handler(service, RecordKind::transfer, true));
  add("/v1/gateways/{id}/transfers", lookup_handler(service, RecordKind::transfer, false));
  add("/v1/gateways/{id}/swaps/{record_id}", lookup_handler(service, RecordKind::swap, true));
  add("/v1/gateways/{id}/swaps", lookup_handler(service, RecordKind::swap, false));
}

}  // namespace coinfan::api
