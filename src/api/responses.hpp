#pragma once
// Domain outcome -> HTTP: the status code, content type, problem document and headers of
// every /v1/ answer. The only place that knows both the domain's typed errors and HTTP.

#include <string_view>

#include "coinfan/aggregate/answer.hpp"
#include "coinfan/http/message.hpp"
#include "coinfan/records/service.hpp"

namespace coinfan::api {

// The problem `code` of an answer none of whose selected gateways could answer (502), and of
// a rejected records cursor (400).
inline constexpr std::string_view all_gateways_failed_code = "all_gateways_failed";
inline constexpr std::string_view invalid_cursor_code = "invalid_cursor";

// 400 invalid_argument: a request the parser rejected.
http::Response invalid_request(std::string_view detail);

// A view: 200 with the cached bytes shared, not copied; answers from the cache carry `Age`
// (whole seconds since the oldest data in them was fetched). unknown_gateway and
// no_coin_catalogue -> 400, no_gateway_answered -> 502 listing every gateway, internal -> 500.
http::Response to_response(const aggregate::ViewAnswer& answer);

// A records page or lookup: 200; invalid_cursor -> 400; unknown_gateway, no_records and
// not_found -> 404; no_gateway_answered -> 502 listing every gateway; gateway_failed -> 400
// when the gateway said the input is invalid, else 502, with the gateway's code as `code`.
http::Response to_response(const records::RecordsAnswer& answer);

}  // namespace coinfan::api
