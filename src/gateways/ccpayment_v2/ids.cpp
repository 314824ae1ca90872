#include "gateways/ccpayment_v2/ids.hpp"

#include <algorithm>

namespace coinfan::gateways::ccpayment_v2 {
namespace {

bool printable_without_space(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

bool valid_user_id(std::string_view user_id) noexcept {
  return user_id.size() >= 5 && user_id.size() <= 64 && !user_id.starts_with("sys") &&
         printable_without_space(user_id);
}

bool valid_record_id(std::string_view record_id) noexcept {
  return !record_id.empty() && record_id.size() <= 128 && printable_without_space(record_id);
}

bool valid_order_id(std::string_view order_id) noexcept {
  return order_id.size() >= 3 && order_id.size() <= 64 && printable_without_space(order_id);
}

}  // namespace coinfan::gateways::ccpayment_v2
