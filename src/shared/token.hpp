#pragma once
// Lease and claim tokens: a random prefix per process (hash::random_bytes, 16 hex digits) and a
// counter, so no two replicas' tokens meet.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "coinfan/core/hash.hpp"

namespace coinfan::shared {

inline std::string random_token_prefix() {
  auto bytes = hash::random_bytes(8);
  if (!bytes) throw std::runtime_error("shared state: " + bytes.error().detail);
  return hash::to_hex_lower(std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
}

}  // namespace coinfan::shared
