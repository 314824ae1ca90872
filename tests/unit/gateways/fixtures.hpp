#pragma once
// Reads the provider example responses copied into tests/fixtures/ (see its README.md).

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "coinfan/core/decimal.hpp"

namespace coinfan::gateways::testing {

inline std::string read_fixture(std::string_view relative_path) {
  const std::string path = std::string(COINFAN_FIXTURES_DIR) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A Decimal from test text; a typo in a test is a test failure, not a silent zero.
inline Decimal dec(std::string_view text) {
  auto value = Decimal::parse(text);
  if (!value) throw std::invalid_argument("bad decimal in test: " + std::string(text));
  return std::move(value).value();
}

}  // namespace coinfan::gateways::testing
