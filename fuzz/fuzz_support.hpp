#pragma once
// Shared by the libFuzzer targets: the input as text, and an invariant check that aborts (so
// libFuzzer records the input as a crash) with a message naming the broken property.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace coinfan::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s\n", file, line, what);
  std::abort();
}

}  // namespace coinfan::fuzz

#define FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::coinfan::fuzz::invariant_failed(#condition, __FILE__, __LINE__))
