#pragma once
// Lease and claim tokens: a random prefix per process (std::random_device, 16 hex digits) and
// a counter, so no two replicas' tokens meet.

#include <cstddef>
#include <random>
#include <string>

namespace coinfan::shared {

inline std::string random_token_prefix() {
  std::random_device device;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    const auto byte = static_cast<unsigned>(device()) & 0xffU;
    out.push_back(digits[byte >> 4U]);
    out.push_back(digits[byte & 0xfU]);
  }
  return out;
}

}  // namespace coinfan::shared
