#pragma once
// CCPayment v2's identifier rules, checked before a value is sent (record filters, lookups,
// and the write calls' inputs).

#include <string_view>

namespace coinfan::gateways::ccpayment_v2 {

// User ids: 5-64 printable ASCII characters without spaces, not starting with "sys".
bool valid_user_id(std::string_view user_id) noexcept;
// Record ids: 1-128 printable ASCII characters without spaces.
bool valid_record_id(std::string_view record_id) noexcept;
// Order ids: 3-64 printable ASCII characters without spaces.
bool valid_order_id(std::string_view order_id) noexcept;

}  // namespace coinfan::gateways::ccpayment_v2
