#pragma once
// The query string of a request target (`a=1,2&b=x+y`), percent-decoded: the one parser the
// router's path matching and every API query (views, records, lookups) share. Pure code.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coinfan/core/error.hpp"

namespace coinfan {

// Percent-decodes; `plus_is_space` for query strings. nullopt on a bad escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// A parsed query string. Values are percent-decoded; order and repeats are kept.
class QueryString {
 public:
  // At most this many parameters; more is invalid_argument.
  static constexpr std::size_t max_parameters = 256;

  // invalid_argument for a bad percent-encoding or too many parameters.
  static Result<QueryString> parse(std::string_view raw);

  bool has(std::string_view name) const;
  std::optional<std::string_view> get(std::string_view name) const;  // the last occurrence
  std::size_t count(std::string_view name) const;
  // All values of a repeated and/or comma-separated parameter (`a=1,2&a=3`), empty items dropped.
  std::vector<std::string> list(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace coinfan
