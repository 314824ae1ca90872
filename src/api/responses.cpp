#include "api/responses.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
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
  // Age, then what Representations adds (Cache-Control, Vary, ETag, perhaps Content-Encoding)
  // and CORS: one allocation for all of them.
  response.headers.reserve(8);
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

namespace {

using writes::WriteError;

// What the caller can do about a provider's refusal: its own mistake (4xx), or the provider's
// or the merchant account's (502). Codes from CCPayment's error list.
std::pair<unsigned, std::string_view> refusal_status(const Error& error) {
  if (error.code == ErrorCode::rate_limited) return {503, "rate_limited"};
  const std::string& code = error.provider_code;
  if (code == "14000") return {422, "insufficient_balance"};
  const bool caller_mistake = code == "11000" || code == "11015" || code.starts_with("130") || code.starts_with("140");
  if (caller_mistake) return {422, "provider_rejected"};
  return {502, "provider_error"};
}

std::pair<unsigned, std::string_view> write_status(const writes::WriteAnswer& answer) {
  switch (*answer.error) {
    case WriteError::unknown_gateway: return {404, "unknown_gateway"};
    case WriteError::unsupported: return {404, "unsupported_operation"};
    case WriteError::invalid: return {422, "validation_failed"};
    case WriteError::catalogue_unavailable: return {502, "catalogue_unavailable"};
    case WriteError::conflict: return {409, "order_conflict"};
    case WriteError::not_sent:
      if (answer.gateway_error && answer.gateway_error->code == ErrorCode::circuit_open) return {503, "circuit_open"};
      if (answer.gateway_error && answer.gateway_error->code == ErrorCode::rate_limited) return {503, "rate_limited"};
      return {503, "not_sent"};
    case WriteError::refused:
      if (answer.gateway_error) return refusal_status(*answer.gateway_error);
      return {502, "provider_error"};
    case WriteError::not_executed: return {502, "not_executed"};
    case WriteError::outcome_unknown: return {502, "outcome_unknown"};
    case WriteError::failed: return {502, "upstream_failed"};
  }
  return {500, "internal"};
}

json::array errors_json(const writes::FieldErrors& errors) {
  json::array out;
  for (const auto& error : errors) out.push_back(json::object{{"field", error.field}, {"reason", error.reason}});
  return out;
}

}  // namespace

http::Response invalid_fields(const writes::FieldErrors& errors, bool malformed) {
  const unsigned status = malformed ? 400 : 422;
  std::string detail = malformed ? "the body must be a JSON object" : "the request has invalid fields: ";
  if (malformed && !errors.empty()) detail = errors.front().reason;
  if (!malformed) {
    for (std::size_t i = 0; i < errors.size(); ++i) {
      detail += (i ? "; " : "") + (errors[i].field.empty() ? std::string("body") : errors[i].field) + " " + errors[i].reason;
    }
  }
  auto out = problem_object(status, malformed ? "invalid_json" : "validation_failed", detail);
  out["errors"] = errors_json(errors);
  out["executed"] = false;
  return problem_response(status, json::serialize(out));
}

http::Response to_response(const writes::WriteAnswer& answer, std::string_view collection) {
  if (answer.ok()) {
    const bool record = !answer.record_id.empty();
    unsigned status = answer.created ? 201 : 200;
    if (!record && collection == "rescan") status = 202;
    auto response = http::json_response(status, answer.body);
    if (record) {
      response.set_header("Location", "/v1/gateways/" + answer.gateway + "/" + std::string(collection) + "/" + answer.record_id);
    }
    if (answer.replayed) response.set_header("Idempotent-Replayed", "true");
    // The outcome of one write: never stored, never served to another request.
    response.set_header("Cache-Control", "no-store");
    return response;
  }
  if (*answer.error == WriteError::invalid) return invalid_fields(answer.field_errors, false);
  const auto [status, code] = write_status(answer);
  auto out = problem_object(status, code, answer.detail);
  out["gateway"] = answer.gateway;
  if (!answer.order_id.empty()) out["order_id"] = answer.order_id;
  // Only an unknown outcome (or a failed rescan, which is safe to repeat) leaves open whether
  // the provider acted.
  if (*answer.error == WriteError::outcome_unknown || *answer.error == WriteError::failed) {
    out["executed"] = nullptr;
  } else {
    out["executed"] = false;
  }
  if (answer.gateway_error) {
    out["gateway_code"] = to_string(answer.gateway_error->code);
    if (!answer.gateway_error->provider_code.empty()) out["provider_code"] = answer.gateway_error->provider_code;
    if (!answer.gateway_error->provider_message.empty()) out["provider_message"] = answer.gateway_error->provider_message;
  }
  auto response = problem_response(status, json::serialize(out));
  if (status == 503) response.set_header("Retry-After", "1");
  return response;
}

}  // namespace coinfan::api
