#include "coinfan/http/router.hpp"

#include <boost/asio/this_coro.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>

namespace coinfan::http {

namespace {

// Paths of up to 8 segments (every route's) are split without an allocation.
using Segments = boost::container::small_vector<std::string_view, 8>;

Segments split_path(std::string_view path) {
  Segments segments;
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

void Router::add(std::string method, std::string_view pattern, Handler handler, Immediate immediate) {
  Route route;
  route.method = std::move(method);
  route.pattern = std::string(pattern);
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  route.handler = std::move(handler);
  route.immediate = std::move(immediate);
  routes_.push_back(std::move(route));
}

void Router::wrap(std::string_view prefix, const Wrapper& wrap) {
  for (auto& route : routes_) {
    std::string pattern;
    for (const auto& segment : route.segments) pattern += "/" + segment;
    if (!pattern.starts_with(prefix)) continue;
    if (auto wrapped = wrap(route.method, route.handler)) {
      route.handler = std::move(*wrapped);
      route.immediate = nullptr;
    }
  }
}

void Router::guard(std::string prefix, Guard guard) { guards_.emplace_back(std::move(prefix), std::move(guard)); }

std::optional<Response> Router::check_guards(const Request& request) const {
  for (const auto& [prefix, guard] : guards_) {
    if (!std::string_view(request.path).starts_with(prefix)) continue;
    if (auto refusal = guard(request)) return refusal;
  }
  return std::nullopt;
}

Router::Match Router::match(std::string_view method, std::string_view raw_path) const {
  Match result;
  const auto segments = split_path(raw_path);
  // Segments without '%' are their own decoded form; only escaped ones are decoded into storage.
  std::vector<std::string> storage;
  Segments decoded;
  if (raw_path.find('%') == std::string_view::npos) {
    decoded = segments;
  } else {
    storage.reserve(segments.size());
    for (auto segment : segments) {
      auto value = percent_decode(segment, false);
      if (!value) return result;  // an undecodable path names no resource
      storage.push_back(std::move(*value));
    }
    for (const auto& value : storage) decoded.push_back(value);
  }
  boost::container::small_vector<std::string_view, 8> allowed;  // methods of the routes of this path
  for (const auto& route : routes_) {
    if (route.segments.size() != decoded.size()) continue;
    std::map<std::string, std::string, std::less<>> params;
    bool matches = true;
    for (std::size_t i = 0; i < decoded.size() && matches; ++i) {
      const auto& pattern = route.segments[i];
      if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
        if (decoded[i].empty()) matches = false;
        else params.emplace(pattern.substr(1, pattern.size() - 2), std::string(decoded[i]));
      } else {
        matches = pattern == decoded[i];
      }
    }
    if (!matches) continue;
    if (result.pattern.empty()) result.pattern = route.pattern;
    const bool method_matches = route.method == method || (method == "HEAD" && route.method == "GET");
    if (method_matches && result.outcome != Outcome::found) {
      result.outcome = Outcome::found;
      result.handler = &route.handler;
      if (route.immediate) result.immediate = &route.immediate;
      result.pattern = route.pattern;
      result.params = std::move(params);
    }
    allowed.push_back(route.method);
    if (route.method == "GET") allowed.push_back("HEAD");
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

}  // namespace coinfan::http
