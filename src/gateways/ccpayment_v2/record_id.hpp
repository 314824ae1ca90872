#pragma once
// What a CCPayment record id says about its record. Pure code.

#include <chrono>
#include <optional>
#include <string_view>

namespace coinfan::gateways::ccpayment_v2 {

// CCPayment record ids start with their UTC creation time `YYYYMMDDhhmmss`. Returns nullopt
// when the id is shorter than 14 characters, has a non-digit there, or names no real instant.
std::optional<std::chrono::sys_seconds> time_from_record_id(std::string_view id);

}  // namespace coinfan::gateways::ccpayment_v2
