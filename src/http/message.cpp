#include "coinfan/http/message.hpp"

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/problem.hpp"

namespace coinfan::http {

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (ascii::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (ascii::iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

Response json_response(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string_view status_title(unsigned status) noexcept { return coinfan::status_title(status); }

Response problem(unsigned status, std::string_view code, std::string_view detail) {
  Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = render_problem(status, code, detail);
  return response;
}

}  // namespace coinfan::http
