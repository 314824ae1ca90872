#include "coinfan/http/router.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace coinfan::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

boost::asio::awaitable<Response> run_sync(std::function<Response(const Request&)> fn, const Request& request) {
  co_return fn(request);
}

}  // namespace

Handler sync_handler(std::function<Response(const Request&)> fn) {
  return [fn = std::move(fn)](const Request& request) { return run_sync(fn, request); };
}

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  Route route;
  route.method = std::move(method);
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

void Router::wrap(std::string_view prefix, const std::function<Handler(const std::string& method, Handler)>& wrap) {
  for (auto& route : routes_) {
    std::string pattern;
    for (const auto& segment : route.segments) pattern += "/" + segment;
    if (pattern.starts_with(prefix)) route.handler = wrap(route.method, std::move(route.handler));
  }
}

Router::Match Router::match(std::string_view method, std::string_view raw_path) const {
  Match result;
  const auto segments = split_path(raw_path);
  std::vector<std::string> decoded;
  decoded.reserve(segments.size());
  for (auto segment : segments) {
    auto value = percent_decode(segment, false);
    if (!value) return result;  // an undecodable path names no resource
    decoded.push_back(std::move(*value));
  }
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != decoded.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool matches = true;
    for (std::size_t i = 0; i < decoded.size() && matches; ++i) {
      const auto& pattern = route.segments[i];
      if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
        if (decoded[i].empty()) matches = false;
        else params.emplace(pattern.substr(1, pattern.size() - 2), decoded[i]);
      } else {
        matches = pattern == decoded[i];
      }
    }
    if (!matches) continue;
    const bool method_matches = route.method == method || (method == "HEAD" && route.method == "GET");
    if (method_matches && result.outcome != Outcome::found) {
      result.outcome = Outcome::found;
      result.handler = &route.handler;
      result.params = std::move(params);
    }
    allowed.push_back(route.method);
    if (route.method == "GET") allowed.emplace_back("HEAD");
  }
  if (result.outcome == Outcome::found) return result;
  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    result.outcome = Outcome::method_not_allowed;
    for (const auto& m : allowed) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
  }
  return result;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex(text[i + 1]);
      const int low = hex(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      const char decoded = static_cast<char>(high * 16 + low);
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Query> Query::parse(std::string_view raw) {
  Query query;
  while (!raw.empty()) {
    const auto amp = raw.find('&');
    const auto pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value) {
      return make_error(ErrorCode::invalid_argument, "query string has an invalid percent-encoding");
    }
    if (query.items_.size() >= 256) return make_error(ErrorCode::invalid_argument, "query string has too many parameters");
    query.items_.emplace_back(std::move(*name), std::move(*value));
  }
  return query;
}

bool Query::has(std::string_view name) const {
  return std::any_of(items_.begin(), items_.end(), [&](const auto& item) { return item.first == name; });
}

std::optional<std::string_view> Query::get(std::string_view name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->first == name) return std::string_view(it->second);
  }
  return std::nullopt;
}

std::vector<std::string> Query::list(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : items_) {
    if (key != name) continue;
    std::string_view rest = value;
    while (true) {
      const auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) values.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

}  // namespace coinfan::http
