#include "coinfan/gateways/call.hpp"

namespace coinfan::gateways {
namespace {

constexpr char lower_ascii(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> find_header(const UpstreamCall& call, std::string_view name) {
  for (const auto& [key, value] : call.headers) {
    if (iequals_ascii(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace coinfan::gateways
