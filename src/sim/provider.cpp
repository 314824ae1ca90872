#include "coinfan/sim/provider.hpp"

#include "coinfan/core/ascii.hpp"
#include "sim/sim_util.hpp"

namespace coinfan::sim {

namespace {

// application/x-www-form-urlencoded value: '+' is a space, %XX a byte; a bad escape is kept.
std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && detail::hex_digit(text[i + 1]) >= 0 &&
               detail::hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(detail::hex_digit(text[i + 1]) * 16 + detail::hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> SimRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (ascii::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> SimRequest::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (form_decode(key) != name) continue;
    return eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

void Reply::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (ascii::iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Reply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (ascii::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void Provider::set_clock(SystemClock clock) {
  std::lock_guard lock(clock_mutex_);
  clock_ = std::move(clock);
}

std::chrono::system_clock::time_point Provider::now() const {
  SystemClock clock;
  {
    std::lock_guard lock(clock_mutex_);
    clock = clock_;
  }
  return clock ? clock() : std::chrono::system_clock::now();
}

}  // namespace coinfan::sim
