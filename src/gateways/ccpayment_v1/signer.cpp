#include "gateways/ccpayment_v1/signer.hpp"

#include "coinfan/core/hash.hpp"

namespace coinfan::gateways::ccpayment_v1 {
namespace {

Result<std::string> sha256_of(const Credentials& credentials, std::string_view timestamp,
                              std::string_view body) {
  std::string message;
  message.reserve(credentials.app_id.size() + credentials.app_secret.size() + timestamp.size() +
                  body.size());
  message.append(credentials.app_id).append(credentials.app_secret).append(timestamp).append(body);
  return hash::sha256_hex(message);
}

bool is_digits(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Lowercases a received hex signature; nullopt-like empty result when it is not 64 hex digits.
std::string normalised_hex(std::string_view text) {
  if (text.size() != 64) return {};
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) return {};
  }
  return out;
}

}  // namespace

Result<std::string> sign(const Credentials& credentials, std::string_view timestamp,
                         std::string_view body) {
  return sha256_of(credentials, timestamp, body);
}

Result<std::monostate> verify_response_signature(const Credentials& credentials,
                                                 const ResponseSignature& signature,
                                                 std::string_view raw_body) {
  if (signature.sign.empty() || signature.timestamp.empty()) {
    return make_error(ErrorCode::bad_signature,
                      "response carries no Sign/Timestamp headers; CCPayment v1 signs every "
                      "response");
  }
  if (!is_digits(signature.timestamp) || signature.timestamp.size() > 19) {
    return make_error(ErrorCode::bad_signature, "response Timestamp header is not a number");
  }
  if (!signature.app_id.empty() && signature.app_id != credentials.app_id) {
    return make_error(ErrorCode::bad_signature,
                      "response Appid does not match the configured app id");
  }
  const std::string received = normalised_hex(signature.sign);
  if (received.empty()) {
    return make_error(ErrorCode::bad_signature, "response Sign header is not 64 hex digits");
  }
  auto expected = sha256_of(credentials, signature.timestamp, raw_body);
  if (!expected) return std::move(expected).error();
  if (!hash::constant_time_equal(*expected, received)) {
    return make_error(ErrorCode::bad_signature,
                      "response signature does not verify; the body may have been tampered with");
  }
  return std::monostate{};
}

}  // namespace coinfan::gateways::ccpayment_v1
