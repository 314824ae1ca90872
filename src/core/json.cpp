#include "coinfan/core/json.hpp"

#include <exception>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/string.hpp>

namespace coinfan {

namespace json = boost::json;

namespace {

// basic_parser handler that builds a json::value, keeping non-integer numbers as text.
// Every value of the tree is allocated from one monotonic arena that the tree itself owns (a
// reference-counted storage_ptr): building it takes a handful of allocations instead of one or
// more per value, and values move into their containers instead of being copied.
class ExactHandler {
 public:
  // Limits basic_parser checks before calling us; the byte cap is enforced up front.
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  ExactHandler(InexactNumbers inexact, std::string_view text)
      : storage_(json::make_shared_resource<json::monotonic_resource>(arena_size(text.size()))),
        root_(storage_),
        text_(text),
        inexact_(inexact) {
    stack_.reserve(16);
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) {
    stack_.push_back(Frame{json::value(json::object_kind, storage_), {}, {}, false});
    return true;
  }
  bool on_object_end(std::size_t, json::error_code& ec) { return close_container(ec); }
  bool on_array_begin(json::error_code&) {
    stack_.push_back(Frame{json::value(json::array_kind, storage_), {}, {}, false});
    return true;
  }
  bool on_array_end(std::size_t, json::error_code& ec) { return close_container(ec); }

  bool on_key_part(json::string_view part, std::size_t, json::error_code&) {
    buffer_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, json::error_code&) {
    Frame& top = stack_.back();
    if (buffer_.empty() && in_text(part)) {
      // The whole key, unescaped, in the input itself: it stays there while we parse.
      top.key = std::string_view(part.data(), part.size());
      top.key_copied = false;
      return true;
    }
    // Escaped or in pieces: the parser's own buffer will be reused, so keep a copy.
    buffer_.append(part.data(), part.size());
    top.key_text.swap(buffer_);
    top.key_copied = true;
    buffer_.clear();
    return true;
  }
  bool on_string_part(json::string_view part, std::size_t, json::error_code&) {
    buffer_.append(part.data(), part.size());
    return true;
  }
  bool on_string(json::string_view part, std::size_t, json::error_code& ec) { return attach_text(part, ec); }

  bool on_number_part(json::string_view part, json::error_code&) {
    buffer_.append(part.data(), part.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    buffer_.clear();
    return attach(json::value(i, storage_), ec);
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) {
    buffer_.clear();
    return attach(json::value(u, storage_), ec);
  }

  // The double is discarded: its source text is the exact value (or, flagged, only the kind
  // of the value tells that a number was there).
  bool on_double(double, json::string_view part, json::error_code& ec) {
    if (inexact_ == InexactNumbers::flagged) {
      buffer_.clear();
      return attach(json::value(0.0, storage_), ec);
    }
    return attach_text(part, ec);
  }

  bool on_bool(bool b, json::error_code& ec) { return attach(json::value(b, storage_), ec); }
  bool on_null(json::error_code& ec) { return attach(json::value(nullptr, storage_), ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  json::value take_root() { return std::move(root_); }
  bool duplicate_key() const noexcept { return duplicate_key_; }

 private:
  struct Frame {
    json::value container;
    // The pending key while the container is an object: a slice of the input, or (key_copied)
    // key_text. Never a view of key_text itself: frames move when the stack grows.
    std::string_view key;
    std::string key_text;
    bool key_copied = false;

    std::string_view pending_key() const noexcept { return key_copied ? std::string_view(key_text) : key; }
  };

  // The arena's first block: about the size of the tree for most bodies, so one or two
  // blocks hold it all.
  static std::size_t arena_size(std::size_t text_bytes) noexcept {
    constexpr std::size_t smallest = 1024;
    return text_bytes < smallest ? smallest : text_bytes;
  }

  bool in_text(json::string_view part) const noexcept {
    const auto* begin = text_.data();
    const auto* end = begin + text_.size();
    return std::less_equal<>()(begin, part.data()) && std::less_equal<>()(part.data() + part.size(), end);
  }

  // A string (or a number kept as its text): the last part plus what earlier parts left.
  bool attach_text(json::string_view part, json::error_code& ec) {
    if (buffer_.empty()) return attach(json::value(json::string(part, storage_)), ec);
    buffer_.append(part.data(), part.size());
    json::value v(json::string(json::string_view(buffer_.data(), buffer_.size()), storage_));
    buffer_.clear();
    return attach(std::move(v), ec);
  }

  bool attach(json::value&& v, json::error_code& ec) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Frame& top = stack_.back();
    if (json::array* array = top.container.if_array()) {
      array->push_back(std::move(v));
      return true;
    }
    // A repeated key could make two readers see different amounts: reject, never pick one.
    const std::string_view key = top.pending_key();
    if (!top.container.get_object().emplace(json::string_view(key.data(), key.size()), std::move(v)).second) {
      duplicate_key_ = true;
      ec = json::error::syntax;
      return false;
    }
    return true;
  }

  bool close_container(json::error_code& ec) {
    json::value done = std::move(stack_.back().container);
    stack_.pop_back();
    return attach(std::move(done), ec);
  }

  json::storage_ptr storage_;
  std::vector<Frame> stack_;
  std::string buffer_;
  json::value root_;
  std::string_view text_;
  bool duplicate_key_ = false;
  InexactNumbers inexact_;
};

Error field_error(std::string_view what, std::string_view reason) {
  return make_error(ErrorCode::bad_response,
                    "field '" + std::string(what) + "' " + std::string(reason));
}

const json::value* find(const json::object& object, std::string_view key) {
  return object.if_contains(json::string_view(key.data(), key.size()));
}

}  // namespace

Result<json::value> parse_json_exact(std::string_view text, std::size_t max_depth,
                                     std::size_t max_bytes, InexactNumbers inexact) {
  if (text.size() > max_bytes) {
    return make_error(ErrorCode::bad_response,
                      "JSON body of " + std::to_string(text.size()) + " bytes exceeds " +
                          std::to_string(max_bytes));
  }
  try {
    json::parse_options options;
    options.max_depth = max_depth;
    json::basic_parser<ExactHandler> parser(options, inexact, text);
    json::error_code ec;
    const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
    if (ec) {
      if (parser.handler().duplicate_key()) {
        return make_error(ErrorCode::bad_response,
                          "malformed JSON: duplicate object key near offset " +
                              std::to_string(consumed));
      }
      return make_error(ErrorCode::bad_response, "malformed JSON near offset " +
                                                     std::to_string(consumed) + ": " +
                                                     ec.message());
    }
    if (consumed != text.size()) {
      return make_error(ErrorCode::bad_response,
                        "malformed JSON: trailing data at offset " + std::to_string(consumed));
    }
    return parser.handler().take_root();
  } catch (const std::exception& e) {
    // Only allocation failures can get here; untrusted input must not unwind the caller.
    return make_error(ErrorCode::bad_response, std::string("JSON parse failed: ") + e.what());
  }
}

Result<Decimal> decimal_value(const json::value& value, std::string_view what,
                              bool empty_is_zero) {
  switch (value.kind()) {
    case json::kind::string: {
      const auto& s = value.get_string();
      auto parsed = Decimal::parse_amount(std::string_view(s.data(), s.size()), empty_is_zero);
      if (!parsed) return field_error(what, "is not a decimal: " + parsed.error().detail);
      return parsed;
    }
    case json::kind::int64: return Decimal::from_int(value.get_int64());
    case json::kind::uint64: return Decimal::from_uint(value.get_uint64());
    case json::kind::null:
      if (empty_is_zero) return Decimal{};
      return field_error(what, "is null");
    case json::kind::double_:
      return field_error(what, "is a binary floating-point number; its exact text is lost");
    default: return field_error(what, "is not a number or decimal string");
  }
}

Result<Decimal> decimal_field(const json::object& object, std::string_view key,
                              bool empty_is_zero) {
  const json::value* v = find(object, key);
  if (v == nullptr) return field_error(key, "is missing");
  return decimal_value(*v, key, empty_is_zero);
}

Result<std::optional<Decimal>> optional_decimal_field(const json::object& object,
                                                      std::string_view key) {
  const json::value* v = find(object, key);
  if (v == nullptr || v->is_null()) return std::optional<Decimal>{};
  if (v->is_string() && v->get_string().empty()) return std::optional<Decimal>{};
  auto parsed = decimal_value(*v, key, false);
  if (!parsed) return std::move(parsed).error();
  return std::optional<Decimal>(std::move(parsed).value());
}

std::optional<std::string_view> string_field(const json::object& object, std::string_view key) {
  const json::value* v = find(object, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const auto& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

std::optional<std::int64_t> int_field(const json::object& object, std::string_view key) {
  const json::value* v = find(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() &&
      v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

std::optional<bool> bool_field(const json::object& object, std::string_view key) {
  const json::value* v = find(object, key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

std::optional<std::string> id_field(const json::object& object, std::string_view key) {
  const json::value* v = find(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string().data(), v->get_string().size());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

const json::object* object_field(const json::object& object, std::string_view key) {
  const json::value* v = find(object, key);
  return v != nullptr ? v->if_object() : nullptr;
}

const json::array* array_field(const json::object& object, std::string_view key) {
  const json::value* v = find(object, key);
  return v != nullptr ? v->if_array() : nullptr;
}

}  // namespace coinfan
