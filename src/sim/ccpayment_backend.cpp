#include "sim/ccpayment_backend.hpp"

#include "sim/sim_util.hpp"

namespace coinfan::sim::ccpayment {

std::optional<Rejection> check_headers(const SimRequest& request, std::string_view app_id,
                                       std::chrono::system_clock::time_point now,
                                       std::chrono::seconds window, SignedHeaders& headers) {
  headers.app_id = request.header("Appid").value_or(std::string_view());
  headers.timestamp = request.header("Timestamp").value_or(std::string_view());
  headers.sign = request.header("Sign").value_or(std::string_view());
  if (headers.app_id.empty()) return Rejection{code_invalid_header, "invalid header: Appid is required"};
  if (headers.timestamp.empty()) return Rejection{code_invalid_header, "invalid header: Timestamp is required"};
  if (headers.sign.empty()) return Rejection{code_invalid_header, "invalid header: Sign is required"};
  const auto seconds = detail::parse_digits(headers.timestamp);
  if (!seconds) return Rejection{code_invalid_header, "invalid header: Timestamp must be 10-digit seconds"};
  if (headers.app_id != app_id) return Rejection{code_bad_signature, "signature verification failed"};
  if (detail::outside_window(*seconds, detail::unix_seconds(now), window.count())) {
    return Rejection{code_expired, "request expired: Timestamp is outside the two-minute window"};
  }
  return std::nullopt;
}

const boost::json::object* body_object(std::string_view body, boost::json::value& storage) {
  if (body.empty()) {
    storage = boost::json::object();
    return &storage.get_object();
  }
  return detail::parse_object(body, storage);
}

Reply failure(std::int64_t code, std::string_view message) { return detail::code_reply(code, message); }

Reply not_found_page() { return detail::text_reply(404, "text/plain", "404 page not found"); }

}  // namespace coinfan::sim::ccpayment
