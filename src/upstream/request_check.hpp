#pragma once
// Rejects a Request before anything is sent: a bad method, a target or header that could split
// the HTTP message, or a header the client owns (framing and Host). Pure code.

#include <optional>
#include <string_view>

#include "coinfan/core/error.hpp"
#include "coinfan/upstream/client.hpp"

namespace coinfan::upstream {

std::optional<Error> check_request(const Request& request);


}  // namespace coinfan::upstream
