#include "coinfan/sim/provider.hpp"

#include <algorithm>

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

// The value of the first header named `name` (ASCII case-insensitive), or nullptr.
template <typename Headers>
auto find_header(Headers& headers, std::string_view name) -> decltype(&headers.front().second) {
  const auto it = std::find_if(headers.begin(), headers.end(),
                               [&](const auto& header) { return ascii::iequals(header.first, name); });
  return it == headers.end() ? nullptr : &it->second;
}

std::optional<std::string_view> view_of(const std::string* value) {
  if (!value) return std::nullopt;
  return std::string_view(*value);
}

}  // namespace

std::optional<std::string_view> SimRequest::header(std::string_view name) const {
  return view_of(find_header(headers, name));
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
  if (auto* existing = find_header(headers, name)) {
    *existing = std::move(value);
  } else {
    headers.emplace_back(std::move(name), std::move(value));
  }
}

std::optional<std::string_view> Reply::header(std::string_view name) const {
  return view_of(find_header(headers, name));
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
