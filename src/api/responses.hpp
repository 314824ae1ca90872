#pragma once
// Domain outcome -> HTTP: the status code, content type, problem document and headers of
// every /v1/ answer. The only place that knows both the domain's typed errors and HTTP.

#include <string_view>

#include "coinfan/aggregate/answer.hpp"
#include "coinfan/http/message.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::api {

// The problem `code` of an answer none of whose selected gateways could answer (502), and of
// a rejected records cursor (400).
inline constexpr std::string_view all_gateways_failed_code = "all_gateways_failed";
inline constexpr std::string_view invalid_cursor_code = "invalid_cursor";

// 400 invalid_argument: a request the parser rejected.
http::Response invalid_request(std::string_view detail);

// A view: 200 with the cached bytes shared, not copied; answers from the cache carry `Age`
// (whole seconds since the oldest data in them was fetched). unknown_gateway and
// no_coin_catalogue and no_price_source -> 400, no_gateway_answered -> 502 listing every gateway, internal -> 500.
http::Response to_response(const aggregate::ViewAnswer& answer);

// A records page or lookup: 200; invalid_cursor -> 400; unknown_gateway, no_records and
// not_found -> 404; no_gateway_answered -> 502 listing every gateway; gateway_failed -> 400
// when the gateway said the input is invalid, else 502, with the gateway's code as `code`.
http::Response to_response(const records::RecordsAnswer& answer);

// A write: 201 with the record and Location (`collection` is "transfers" or "swaps"), 200 with
// Idempotent-Replayed: true for a replay, 200 for a quote, 202 for a rescan. Problems carry
// `executed` (false when nothing was carried out, null when nobody knows yet), `order_id`,
// `gateway`, the provider's code and message, and `errors[]` for invalid fields; see
// openapi/openapi.yaml for the status of each code.
http::Response to_response(const writes::WriteAnswer& answer, std::string_view collection);

// 422 validation_failed (or 400 invalid_json for a body that is not a JSON object) listing
// every bad field.
http::Response invalid_fields(const writes::FieldErrors& errors, bool malformed);

}  // namespace coinfan::api
