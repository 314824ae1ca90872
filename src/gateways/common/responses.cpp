#include "gateways/common/responses.hpp"

#include <algorithm>

namespace coinfan::gateways {

bool mentions_any(std::string_view text, std::initializer_list<std::string_view> words) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view word) { return lower.find(word) != std::string::npos; });
}

Result<const boost::json::object*> coded_data(const boost::json::value& root, std::string_view provider,
                                              std::int64_t success_code, CodeErrorMapper error_for_code) {
  auto object = root_object(root, provider);
  if (!object) return std::move(object).error();
  const auto code = int_field(**object, "code");
  if (!code) return malformed(provider, "field 'code' is missing or not an integer");
  if (*code != success_code) return error_for_code(*code, string_field(**object, "msg").value_or(""));
  const auto* data = object_field(**object, "data");
  if (data == nullptr) return malformed(provider, "field 'data' is missing or not an object");
  return data;
}

std::string clip_provider_text(std::string_view text) {
  constexpr std::size_t max_bytes = 200;
  std::size_t cut = text.size();
  bool clipped = false;
  if (cut > max_bytes) {
    cut = max_bytes;
    // Back up to the first byte of a UTF-8 sequence so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0u) == 0x80u) --cut;
    clipped = true;
  }
  std::string out(text.substr(0, cut));
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  if (clipped) out += "...";
  return out;
}

Error provider_failure(ErrorCode code, std::string_view provider, std::string provider_code,
                       std::string_view provider_message) {
  Error error;
  error.code = code;
  error.provider_message = clip_provider_text(provider_message);
  error.detail = std::string(provider);
  if (!provider_code.empty()) error.detail += " error " + provider_code;
  error.detail += ": ";
  error.detail +=
      error.provider_message.empty() ? std::string("(no message)") : error.provider_message;
  error.provider_code = std::move(provider_code);
  return error;
}

Error malformed(std::string_view provider, std::string_view what) {
  return make_error(ErrorCode::bad_response,
                    std::string(provider) + " response: " + std::string(what));
}

Error at(std::string_view where, Error error) {
  error.detail = std::string(where) + ": " + error.detail;
  return error;
}

Result<const boost::json::object*> root_object(const boost::json::value& root,
                                               std::string_view provider) {
  if (!root.is_object()) return malformed(provider, "top level is not a JSON object");
  return &root.get_object();
}

Result<Decimal> amount_field(const boost::json::object& object, std::string_view key,
                             bool empty_is_zero) {
  auto value = decimal_field(object, key, empty_is_zero);
  if (!value) return value;
  if (value->is_negative()) {
    return make_error(ErrorCode::bad_response, "field '" + std::string(key) + "' is negative");
  }
  return value;
}

void FieldReader::fail(std::string_view key, std::string_view reason) {
  if (error_) return;
  error_ =
      malformed(provider_, where_ + ": field '" + std::string(key) + "' " + std::string(reason));
}

void FieldReader::fail(Error error) {
  if (error_) return;
  error_ = malformed(provider_, where_ + ": " + error.detail);
}

std::string FieldReader::text(std::string_view key) {
  if (error_) return {};
  const auto value = string_field(object_, key);
  if (!value) {
    fail(key, object_.contains(key) ? "is not a string" : "is missing");
    return {};
  }
  return std::string(*value);
}

std::string FieldReader::optional_text(std::string_view key) {
  if (error_) return {};
  const auto* value = object_.if_contains(key);
  if (value == nullptr || value->is_null()) return {};
  if (!value->is_string()) {
    fail(key, "is not a string");
    return {};
  }
  return std::string(value->get_string());
}

std::string FieldReader::id(std::string_view key) {
  if (error_) return {};
  auto value = id_field(object_, key);
  if (!value || value->empty()) {
    fail(key, object_.contains(key) ? "is not an id (string or integer)" : "is missing");
    return {};
  }
  return std::move(*value);
}

Decimal FieldReader::amount(std::string_view key, bool empty_is_zero) {
  if (error_) return {};
  auto value = amount_field(object_, key, empty_is_zero);
  if (!value) {
    fail(std::move(value).error());
    return {};
  }
  return std::move(value).value();
}

Decimal FieldReader::amount_or_zero(std::string_view key) {
  if (error_) return {};
  return optional_amount(key).value_or(Decimal{});
}

std::optional<Decimal> FieldReader::optional_amount(std::string_view key) {
  if (error_) return std::nullopt;
  auto value = optional_decimal_field(object_, key);
  if (!value) {
    fail(std::move(value).error());
    return std::nullopt;
  }
  if (*value && (*value)->is_negative()) {
    fail(key, "is negative");
    return std::nullopt;
  }
  return std::move(value).value();
}

std::optional<std::int64_t> FieldReader::optional_integer(std::string_view key) {
  if (error_) return std::nullopt;
  const auto* value = object_.if_contains(key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_int64()) {
    fail(key, "is not an integer");
    return std::nullopt;
  }
  return value->get_int64();
}

bool FieldReader::flag(std::string_view key) {
  if (error_) return false;
  const auto* value = object_.if_contains(key);
  if (value == nullptr || value->is_null()) return false;
  if (!value->is_bool()) {
    fail(key, "is not a boolean");
    return false;
  }
  return value->get_bool();
}

}  // namespace coinfan::gateways
