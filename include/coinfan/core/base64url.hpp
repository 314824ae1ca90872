#pragma once
// RFC 4648 §5 base64url without padding, as JWS tokens and the record cursors use it.

#include <optional>
#include <string>
#include <string_view>

namespace coinfan {

std::string base64url_encode(std::string_view bytes);
// Strict: alphabet A-Z a-z 0-9 - _ only, no '=', no white space, unused trailing bits zero (so
// every byte string has exactly one text). nullopt when malformed.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace coinfan
