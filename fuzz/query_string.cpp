// QueryString::parse and percent_decode: never crash, and the accessors agree with items().

#include <string>

#include "coinfan/core/query_string.hpp"
#include "fuzz_support.hpp"

using namespace coinfan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);

  for (const bool plus_is_space : {false, true}) {
    const auto decoded = percent_decode(text, plus_is_space);
    if (decoded) {
      FUZZ_CHECK(decoded->size() <= text.size());
      // %00 is refused; a NUL byte in the output can only be one that was in the input.
      if (text.find('\0') == std::string_view::npos) FUZZ_CHECK(decoded->find('\0') == std::string::npos);
      // Decoding text without '%' (and without '+', when it means space) is the identity.
      if (text.find('%') == std::string_view::npos && (!plus_is_space || text.find('+') == std::string_view::npos)) {
        FUZZ_CHECK(*decoded == text);
      }
    }
  }

  const auto parsed = QueryString::parse(text);
  if (!parsed) return 0;
  const auto& items = parsed->items();
  FUZZ_CHECK(items.size() <= QueryString::max_parameters);
  for (const auto& [name, value] : items) {
    FUZZ_CHECK(parsed->has(name));
    FUZZ_CHECK(parsed->count(name) >= 1);
    if (text.find('\0') == std::string_view::npos) {
      FUZZ_CHECK(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
    // get() is the last occurrence.
    std::string_view last;
    for (const auto& [n, v] : items) {
      if (n == name) last = v;
    }
    const auto got = parsed->get(name);
    FUZZ_CHECK(got && *got == last);
    for (const auto& item : parsed->list(name)) FUZZ_CHECK(!item.empty() && item.find(',') == std::string::npos);
  }
  return 0;
}
