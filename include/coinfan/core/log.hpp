#pragma once
// Structured logging: one JSON object (or one text line) per event, always with the request id
// when there is one. Values are escaped here, so callers never build log syntax themselves.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace coinfan::log {

enum class Level { trace, debug, info, warn, error };

struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, std::uint64_t, bool> value;
};

// `level`: trace|debug|info|warn|error|off; `format`: json|text. Safe to call again.
void init(std::string_view level, std::string_view format);
bool enabled(Level level);
void write(Level level, std::string_view request_id, std::string_view message,
           std::initializer_list<Field> fields = {});
// Lifecycle lines (listening, draining) are flushed at once so supervisors see them.
void flush();

inline void info(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::info, {}, message, fields);
}
inline void warn(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::warn, {}, message, fields);
}
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(Level::error, {}, message, fields);
}

}  // namespace coinfan::log
