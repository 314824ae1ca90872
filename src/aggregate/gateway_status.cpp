#include "coinfan/aggregate/gateway_status.hpp"

#include <utility>

namespace coinfan::aggregate {

GatewayStatus live_status(std::string id, std::string type, std::int64_t latency_ms, std::optional<Error> error) {
  GatewayStatus status;
  status.id = std::move(id);
  status.type = std::move(type);
  status.ok = !error.has_value();
  status.latency_ms = latency_ms;
  if (status.ok) status.age_ms = 0;
  status.error = std::move(error);
  return status;
}

boost::json::object error_json(const Error& error) {
  boost::json::object out;
  out["code"] = to_string(error.code);
  out["detail"] = error.detail;
  if (!error.provider_code.empty()) out["provider_code"] = error.provider_code;
  if (!error.provider_message.empty()) out["provider_message"] = error.provider_message;
  return out;
}

boost::json::array gateway_statuses_json(const std::vector<GatewayStatus>& statuses) {
  boost::json::array out;
  out.reserve(statuses.size());
  for (const auto& status : statuses) {
    boost::json::object entry;
    entry.reserve(7);
    entry["id"] = status.id;
    entry["type"] = status.type;
    entry["status"] = status.ok ? "ok" : "error";
    entry["latency_ms"] = status.latency_ms;
    entry["cached"] = status.cached;
    entry["age_ms"] = status.age_ms ? boost::json::value(*status.age_ms) : boost::json::value(nullptr);
    if (status.error) entry["error"] = error_json(*status.error);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace coinfan::aggregate
