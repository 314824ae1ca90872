#include <string>

#include "coinfan/core/ascii.hpp"
#include "coinfan/upstream/request.hpp"

namespace coinfan::upstream {

std::optional<std::string_view> find_header(const Request& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (ascii::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (ascii::iequals(key, name)) return value;
  }
  return {};
}

bool Response::has_header(std::string_view name) const {
  for (const auto& entry : headers) {
    if (ascii::iequals(entry.first, name)) return true;
  }
  return false;
}

Error status_error(const Response& response) {
  const std::string detail = "upstream answered HTTP " + std::to_string(response.status);
  return make_error(response.status == 429 ? ErrorCode::rate_limited : ErrorCode::http_status,
                    detail);
}

}  // namespace coinfan::upstream
