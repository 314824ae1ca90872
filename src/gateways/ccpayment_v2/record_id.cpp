#include "gateways/ccpayment_v2/record_id.hpp"

#include "coinfan/core/types.hpp"

namespace coinfan::gateways::ccpayment_v2 {

std::optional<std::chrono::sys_seconds> time_from_record_id(std::string_view id) {
  return utc_from_digit_fields(id, {0, 4, 6, 8, 10, 12});
}

}  // namespace coinfan::gateways::ccpayment_v2
