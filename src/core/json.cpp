#include "coinfan/core/json.hpp"

#include <array>
#include <cstddef>
#include <cstring>
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

// The upstream of the parse arenas: each thread keeps a few of the blocks freed by the arenas
// it saw go, for the next parse. A large body's arena would otherwise map fresh pages (and
// fault them in) on every parse. Blocks carry their capacity in a small header, so any cached
// block at least as large as a request serves it.
class BlockCache final : public json::memory_resource {
 public:
  // Never destroyed: a tree may outlive static destruction's turn for this file.
  static BlockCache& instance() {
    static BlockCache* const cache = new BlockCache;
    return *cache;
  }

 private:
  static constexpr std::size_t header = alignof(std::max_align_t);
  static constexpr std::size_t kept_blocks = 4;
  static constexpr std::size_t largest_kept = 1024 * 1024;  // at most 4 MiB kept per thread

  struct Kept {
    std::array<unsigned char*, kept_blocks> blocks{};  // block starts (headers); null: free slot
    ~Kept() {
      closed() = true;
      for (auto* block : blocks) ::operator delete(block);
    }
  };
  // Set once this thread's Kept is gone (a tree freed later, as the thread ends, is not kept).
  static bool& closed() noexcept {
    thread_local bool gone = false;
    return gone;
  }
  static Kept* kept() noexcept {
    if (closed()) return nullptr;
    thread_local Kept this_thread;
    return &this_thread;
  }
  static std::size_t capacity_of(const unsigned char* block) noexcept {
    std::size_t capacity = 0;
    std::memcpy(&capacity, block, sizeof capacity);
    return capacity;
  }

  void* do_allocate(std::size_t bytes, std::size_t) override {
    // The smallest kept block that is large enough, so that an arena's blocks, which double in
    // size, find their like again.
    if (Kept* const mine = kept()) {
      unsigned char** best = nullptr;
      for (auto*& block : mine->blocks) {
        if (block != nullptr && capacity_of(block) >= bytes &&
            (best == nullptr || capacity_of(block) < capacity_of(*best))) {
          best = &block;
        }
      }
      if (best != nullptr) {
        unsigned char* reused = *best;
        *best = nullptr;
        return reused + header;
      }
    }
    auto* block = static_cast<unsigned char*>(::operator new(header + bytes));
    std::memcpy(block, &bytes, sizeof bytes);
    return block + header;
  }

  void do_deallocate(void* p, std::size_t, std::size_t) noexcept override {
    unsigned char* block = static_cast<unsigned char*>(p) - header;
    Kept* const mine = kept();
    if (mine != nullptr && capacity_of(block) <= largest_kept) {
      for (auto*& slot : mine->blocks) {
        if (slot == nullptr) {
          slot = block;
          return;
        }
      }
    }
    ::operator delete(block);
  }

  bool do_is_equal(const json::memory_resource& other) const noexcept override { return this == &other; }
};

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
      : storage_(json::make_shared_resource<json::monotonic_resource>(arena_size(text.size()),
                                                                     json::storage_ptr(&BlockCache::instance()))),
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
