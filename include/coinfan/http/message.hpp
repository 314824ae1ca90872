#pragma once
// The server's own request/response values: handlers see these, never Beast types, so they
// stay plain functions that tests call directly.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinfan::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; the first match wins.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

struct Request {
  std::string method;   // upper case as received: GET, HEAD, POST, ...
  std::string target;   // raw request target
  std::string path;     // percent-decoded path, without the query
  std::string query;    // raw query string, without '?'
  Headers headers;
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;
  std::string request_id;
  std::string client_address;
  std::string api_key_name;  // the configured name of the API key a write was made with

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  Headers headers;
  // The body; `shared_body`, when set, is sent instead so cached bytes are never copied.
  std::string body;
  std::shared_ptr<const std::string> shared_body;
  bool close_connection = false;

  std::string_view body_view() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }
  void set_header(std::string name, std::string value);
};

Response json_response(unsigned status, std::string body);

// RFC 9457 problem details; `code` is the machine-readable error code.
Response problem(unsigned status, std::string_view code, std::string_view detail);
std::string_view status_title(unsigned status) noexcept;

}  // namespace coinfan::http
