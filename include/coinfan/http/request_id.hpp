#pragma once
// X-Request-Id: the caller's is kept when it is sane, otherwise one is made.

#include <string>
#include <string_view>

namespace coinfan::http {

// 1-128 characters of letters, digits and `-_.:`; anything else could forge log lines.
bool is_acceptable_request_id(std::string_view id) noexcept;
// 32 random hexadecimal characters.
std::string generate_request_id();

}  // namespace coinfan::http
