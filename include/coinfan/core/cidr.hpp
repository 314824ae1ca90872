#pragma once
// IPv4/IPv6 address ranges (`10.0.0.0/8`, `::1/128`), for trusted reverse proxies.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coinfan {

class Cidr {
 public:
  // Accepts `address/prefix` or a bare address (a single host); nullopt when malformed.
  static std::optional<Cidr> parse(std::string_view text);
  // False for anything that is not a literal IPv4/IPv6 address.
  bool contains(std::string_view address) const;

 private:
  std::array<std::uint8_t, 16> bytes_{};  // IPv4 kept as IPv4-mapped IPv6
  unsigned prefix_ = 0;                    // in IPv6 bits
};

// Parses a literal IPv4 or IPv6 address into IPv4-mapped IPv6 bytes.
std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text);

}  // namespace coinfan
