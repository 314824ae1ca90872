#include "coinfan/core/problem.hpp"

#include <boost/json/serialize.hpp>

namespace coinfan {

std::string_view status_title(unsigned status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

boost::json::object problem_object(unsigned status, std::string_view code, std::string_view detail) {
  boost::json::object body;
  body["type"] = "urn:coinfan:problem:" + std::string(code);
  body["title"] = status_title(status);
  body["status"] = status;
  body["detail"] = detail;
  body["code"] = code;
  return body;
}

std::string render_problem(unsigned status, std::string_view code, std::string_view detail) {
  return boost::json::serialize(problem_object(status, code, detail));
}

}  // namespace coinfan
