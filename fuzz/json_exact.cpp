// parse_json_exact against Boost.JSON's own parser: the same document tree, except that every
// number that is not an exact 64-bit integer is its source text, and that text is an exact
// Decimal. Then the field accessors on whatever came out.

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

#include "coinfan/core/json.hpp"
#include "fuzz_support.hpp"

using namespace coinfan;
namespace json = boost::json;

namespace {

void same_tree(const json::value& exact, const json::value& reference) {
  switch (reference.kind()) {
    case json::kind::null:
    case json::kind::bool_:
      FUZZ_CHECK(exact == reference);
      break;
    case json::kind::int64:
    case json::kind::uint64:
      // Integers in 64-bit range stay integers, with the same value.
      FUZZ_CHECK((exact.is_int64() || exact.is_uint64()) && exact == reference);
      break;
    case json::kind::double_: {
      // Kept as text; within Decimal's limits that text is a Decimal.
      FUZZ_CHECK(exact.is_string());
      const std::string_view text = exact.get_string();
      FUZZ_CHECK(!text.empty());
      const auto value = decimal_value(exact, "number", false);
      if (text.size() <= 60 && text.find_first_of("eE") == std::string_view::npos) FUZZ_CHECK(value.ok());
      break;
    }
    case json::kind::string:
      FUZZ_CHECK(exact.is_string() && exact.get_string() == reference.get_string());
      break;
    case json::kind::array: {
      FUZZ_CHECK(exact.is_array());
      const auto& a = exact.get_array();
      const auto& b = reference.get_array();
      FUZZ_CHECK(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) same_tree(a[i], b[i]);
      break;
    }
    case json::kind::object: {
      FUZZ_CHECK(exact.is_object());
      const auto& a = exact.get_object();
      const auto& b = reference.get_object();
      FUZZ_CHECK(a.size() == b.size());
      auto ia = a.begin();
      for (auto ib = b.begin(); ib != b.end(); ++ib, ++ia) {
        FUZZ_CHECK(ia->key() == ib->key());
        same_tree(ia->value(), ib->value());
      }
      break;
    }
  }
}

void accessors(const json::object& object) {
  for (const auto& member : object) {
    const std::string_view key = member.key();
    for (const bool empty_is_zero : {false, true}) {
      const auto d = decimal_field(object, key, empty_is_zero);
      if (d && member.value().is_string() && !member.value().get_string().empty()) {
        FUZZ_CHECK(*Decimal::parse(std::string_view(member.value().get_string())) == *d);
      }
    }
    (void)optional_decimal_field(object, key);
    (void)string_field(object, key);
    (void)int_field(object, key);
    (void)bool_field(object, key);
    const auto id = id_field(object, key);
    if (id && member.value().is_string()) FUZZ_CHECK(*id == std::string_view(member.value().get_string()));
    if (const auto* inner = object_field(object, key)) accessors(*inner);
    if (const auto* array = array_field(object, key)) {
      for (const auto& item : *array) {
        if (item.is_object()) accessors(item.get_object());
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  const auto exact = parse_json_exact(text);
  // A small byte cap must refuse what is larger.
  if (size > 16) FUZZ_CHECK(!parse_json_exact(text, default_max_json_depth, 16));
  if (!exact) return 0;

  json::parse_options options;
  options.max_depth = default_max_json_depth;
  json::error_code ec;
  const auto reference = json::parse(json::string_view(text.data(), text.size()), ec, json::storage_ptr(), options);
  FUZZ_CHECK(!ec);  // what the exact parser accepts is JSON
  same_tree(*exact, reference);
  if (exact->is_object()) accessors(exact->get_object());
  return 0;
}
