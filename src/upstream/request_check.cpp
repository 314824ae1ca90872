#include "upstream/request_check.hpp"

#include "coinfan/core/ascii.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace coinfan::upstream {
namespace {

Error rejected(std::string why) {
  return make_error(ErrorCode::invalid_argument, "request rejected before sending: " + why);
}

}  // namespace

std::optional<Error> check_request(const Request& request) {
  static constexpr std::array<std::string_view, 7> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                               "DELETE", "PATCH", "OPTIONS"};
  if (std::find(kMethods.begin(), kMethods.end(), request.method) == kMethods.end()) {
    return rejected("unsupported method");
  }
  const std::string_view target = request.target;
  if (target.empty() || target.front() != '/') return rejected("target must start with '/'");
  // Only visible ASCII: anything else could end the request line early.
  if (std::any_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f;
      })) {
    return rejected("target contains a space or control character");
  }
  if (target.find('#') != std::string_view::npos) return rejected("target contains a fragment");

  static constexpr std::array<std::string_view, 5> kReserved = {
      "host", "content-length", "transfer-encoding", "connection", "upgrade"};
  for (const auto& [name, value] : request.headers) {
    if (!ascii::is_token(name)) return rejected("header name is not a token");
    if (std::any_of(kReserved.begin(), kReserved.end(),
                    [&](std::string_view reserved) { return ascii::iequals(name, reserved); })) {
      // The name is a fixed token, safe to show; values never are.
      return rejected("header '" + name + "' is set by the client");
    }
    if (!ascii::is_field_value(value)) return rejected("header '" + name + "' has a control character in its value");
  }
  if (!request.body.empty() && (request.method == "GET" || request.method == "HEAD")) {
    return rejected("a GET or HEAD request carries no body");
  }
  return std::nullopt;
}

}  // namespace coinfan::upstream
