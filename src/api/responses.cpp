#include "api/responses.hpp"

#include <boost/json/serialize.hpp>

#include <string>
#include <utility>

#include "coinfan/core/problem.hpp"

namespace coinfan::api {

namespace json = boost::json;

namespace {

http::Response problem_response(unsigned status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = std::move(body);
  return response;
}

// RFC 9457 problem (502, all_gateways_failed) that still lists every selected gateway's status.
http::Response gateways_failed(std::string_view detail, TimePointMs as_of,
                               const std::vector<aggregate::GatewayStatus>& statuses) {
  auto out = problem_object(502, all_gateways_failed_code, detail);
  out["as_of"] = format_rfc3339_utc(as_of);
  out["gateways"] = aggregate::gateway_statuses_json(statuses);
  return problem_response(502, json::serialize(out));
}

// A failed single-gateway lookup: the gateway's error code as `code`, plus `gateway` and the
// provider's code and message when it sent them.
http::Response lookup_failed(std::string_view gateway, const Error& error) {
  const unsigned status = error.code == ErrorCode::invalid_argument ? 400 : 502;
  auto out = problem_object(status, to_string(error.code), error.detail);
  out["gateway"] = gateway;
  if (!error.provider_code.empty()) out["provider_code"] = error.provider_code;
  if (!error.provider_message.empty()) out["provider_message"] = error.provider_message;
  return problem_response(status, json::serialize(out));
}

}  // namespace

http::Response invalid_request(std::string_view detail) { return http::problem(400, "invalid_argument", detail); }

http::Response to_response(const aggregate::ViewAnswer& answer) {
  using aggregate::ViewError;
  http::Response response;
  if (answer.ok()) {
    response.shared_body = answer.body;
  } else if (*answer.error == ViewError::no_gateway_answered) {
    static const std::vector<aggregate::GatewayStatus> none;
    response = gateways_failed(answer.detail, answer.as_of, answer.gateways ? *answer.gateways : none);
  } else if (*answer.error == ViewError::internal) {
    response = http::problem(500, "internal", answer.detail);
  } else {
    response = invalid_request(answer.detail);
  }
  if (answer.source != aggregate::ViewAnswer::Source::fan_out) {
    response.headers.emplace_back("Age", std::to_string(answer.age.count() / 1000));
  }
  return response;
}

http::Response to_response(const records::RecordsAnswer& answer) {
  using records::RecordsError;
  if (answer.ok()) return http::json_response(200, answer.body);
  switch (*answer.error) {
    case RecordsError::invalid_cursor: return http::problem(400, invalid_cursor_code, answer.detail);
    case RecordsError::no_gateway_answered: return gateways_failed(answer.detail, answer.as_of, answer.gateways);
    case RecordsError::unknown_gateway:
    case RecordsError::no_records:
    case RecordsError::not_found: return http::problem(404, "not_found", answer.detail);
    case RecordsError::gateway_failed:
      if (answer.gateway_error) return lookup_failed(answer.gateway, *answer.gateway_error);
      break;
    case RecordsError::internal: break;
  }
  return http::problem(500, "internal", answer.detail);
}

}  // namespace coinfan::api
