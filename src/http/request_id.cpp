#include "coinfan/http/request_id.hpp"

#include <algorithm>
#include <cctype>
#include <random>

namespace coinfan::http {

bool is_acceptable_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

std::string generate_request_id() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (std::size_t i = 0; i < id.size(); i += 16) {
    auto bits = engine();
    for (std::size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = hex[bits & 0xf];
  }
  return id;
}

}  // namespace coinfan::http
