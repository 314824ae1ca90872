#include "gateways/kuna/token.hpp"

#include <array>
#include <cstdint>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace coinfan::gateways::kuna {
namespace {

// 253402300800 is 10000-01-01T00:00:00Z: anything later is not a real expiry.
constexpr std::int64_t max_exp_seconds = 253'402'300'799;

Error token_error(std::string detail) {
  return make_error(ErrorCode::bad_response, "Kuna access token: " + std::move(detail));
}

// Parses a decoded segment as a JSON object; boost::json::parse without exceptions, depth
// capped because the text is untrusted.
std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

}  // namespace

Result<std::chrono::sys_seconds> jwt_expiry(std::string_view token) {
  if (token.empty()) return token_error("empty");
  if (token.size() > max_jwt_length) return token_error("longer than 16 KiB");

  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return token_error("not a JWT (no '.')");
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return token_error("not a compact JWS (needs exactly three segments)");
  }
  const std::string_view header_text = token.substr(0, first_dot);
  const std::string_view payload_text = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_text = token.substr(second_dot + 1);
  if (header_text.empty() || payload_text.empty() || signature_text.empty()) {
    return token_error("a JWT segment is empty");
  }
  if (!base64url_decode(signature_text)) return token_error("signature is not base64url");

  const auto header = base64url_decode(header_text);
  if (!header) return token_error("header is not base64url");
  const auto header_object = parse_object(*header);
  if (!header_object) return token_error("header is not a JSON object");
  const auto* alg = header_object->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return token_error("header has no \"alg\"");

  const auto payload = base64url_decode(payload_text);
  if (!payload) return token_error("payload is not base64url");
  const auto claims = parse_object(*payload);
  if (!claims) return token_error("payload is not a JSON object");
  const auto* exp = claims->if_contains("exp");
  if (exp == nullptr) return token_error("payload has no \"exp\" claim");

  std::int64_t seconds = 0;
  if (exp->is_int64()) {
    seconds = exp->get_int64();
  } else if (exp->is_uint64()) {
    seconds = exp->get_uint64() > static_cast<std::uint64_t>(max_exp_seconds)
                  ? max_exp_seconds + 1
                  : static_cast<std::int64_t>(exp->get_uint64());
  } else if (exp->is_double()) {
    // NumericDate may carry a fraction (RFC 7519 §2); dropping it only renews earlier.
    const double value = exp->get_double();
    if (!(value > 0.0 && value <= static_cast<double>(max_exp_seconds))) {
      return token_error("\"exp\" is out of range");
    }
    seconds = static_cast<std::int64_t>(value);
  } else {
    return token_error("\"exp\" is not a number of seconds");
  }
  if (seconds <= 0 || seconds > max_exp_seconds) return token_error("\"exp\" is out of range");
  return std::chrono::sys_seconds(std::chrono::seconds(seconds));
}

}  // namespace coinfan::gateways::kuna
