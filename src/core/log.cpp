#include "coinfan/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <string>

namespace coinfan::log {
namespace {

std::atomic<bool> json_format{true};

// A reference: every request asks it whether to log, and a shared_ptr copy would be two
// atomic operations on a line both I/O threads share.
spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto created = std::make_shared<spdlog::logger>("coinfan", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    created->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
    created->set_level(spdlog::level::info);
    created->flush_on(spdlog::level::warn);
    return created;
  }();
  return *instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// `prefix` and the byte as two lowercase hex digits.
void append_hex_escape(std::string& out, std::string_view prefix, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  out += prefix;
  out.push_back(hex[c >> 4]);
  out.push_back(hex[c & 0xf]);
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          append_hex_escape(out, "\\u00", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Text format: control characters (and in values, spaces) are escaped so a value cannot forge
// a line or a field.
void append_text_value(std::string& out, std::string_view text, bool escape_spaces = true) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f || (escape_spaces && c == ' ') || c == '\\') {
      append_hex_escape(out, "\\x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

void append_value(std::string& out, const Field& field, bool json) {
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          json ? append_json_string(out, value) : append_text_value(out, value);
        } else if constexpr (std::is_same_v<T, bool>) {
          out += value ? "true" : "false";
        } else {
          out += std::to_string(value);
        }
      },
      field.value);
}

}  // namespace

void init(std::string_view level, std::string_view format) {
  auto& log = logger();
  const bool json = format != "text";
  json_format = json;
  if (json) {
    log.set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  } else {
    log.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  log.set_level(level == "off" ? spdlog::level::off : spdlog::level::from_str(std::string(level)));
  static bool flusher = [] {
    spdlog::flush_every(std::chrono::seconds(1));
    return true;
  }();
  (void)flusher;
}

bool enabled(Level level) { return logger().should_log(to_spdlog(level)); }

void write(Level level, std::string_view request_id, std::string_view message,
           std::initializer_list<Field> fields) {
  auto& log = logger();
  const auto spd_level = to_spdlog(level);
  if (!log.should_log(spd_level)) return;
  std::string line;
  line.reserve(128);
  const bool json = json_format.load(std::memory_order_relaxed);
  if (json) {
    line += "\"msg\":";
    append_json_string(line, message);
    if (!request_id.empty()) {
      line += ",\"request_id\":";
      append_json_string(line, request_id);
    }
    for (const auto& field : fields) {
      line.push_back(',');
      append_json_string(line, field.key);
      line.push_back(':');
      append_value(line, field, true);
    }
  } else {
    append_text_value(line, message, false);
    if (!request_id.empty()) {
      line += " request_id=";
      append_text_value(line, request_id);
    }
    for (const auto& field : fields) {
      line.push_back(' ');
      line += field.key;
      line.push_back('=');
      append_value(line, field, false);
    }
  }
  log.log(spd_level, std::string_view(line));
}

void flush() { logger().flush(); }

}  // namespace coinfan::log
