#pragma once
// Maps what the socket, TLS and HTTP layers report to the service's error vocabulary. Timeouts
// and cancellation are decided by the caller (it knows which deadline fired, or that the caller
// gave up); everything else is mapped here. Details name the step and the endpoint, never a
// target, header or body (those may carry credentials).

#include <boost/system/error_code.hpp>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan::upstream {

enum class Phase { resolve, connect, handshake, write, read };

std::string_view to_string(Phase phase) noexcept;

Error map_io_error(Phase phase, const boost::system::error_code& ec, std::string_view endpoint);

}  // namespace coinfan::upstream
