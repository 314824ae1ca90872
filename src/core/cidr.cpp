#include "coinfan/core/cidr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace coinfan {

std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);
  if (copy.front() == '[' && copy.back() == ']') copy = copy.substr(1, copy.size() - 2);
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address_text = text.substr(0, slash);
  auto address = parse_ip_address(address_text);
  if (!address) return std::nullopt;
  const bool is_v4 = address_text.find(':') == std::string_view::npos;
  unsigned prefix = is_v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    const auto prefix_text = text.substr(slash + 1);
    if (prefix_text.empty() || prefix_text.size() > 3) return std::nullopt;
    auto [ptr, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
    if (ec != std::errc{} || ptr != prefix_text.data() + prefix_text.size()) return std::nullopt;
    if (prefix > (is_v4 ? 32u : 128u)) return std::nullopt;
  }
  Cidr cidr;
  cidr.bytes_ = *address;
  cidr.prefix_ = is_v4 ? prefix + 96 : prefix;
  return cidr;
}

bool Cidr::contains(std::string_view address_text) const {
  auto address = parse_ip_address(address_text);
  if (!address) return false;
  unsigned bits = prefix_;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if (((*address)[i] & mask) != (bytes_[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

}  // namespace coinfan
