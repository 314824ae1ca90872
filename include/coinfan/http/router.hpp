#pragma once
// Routes by method and path pattern (`/v1/gateways/{id}/swaps/{record_id}`), with the answers
// HTTP needs: a handler, "no such path" (404) or "path exists, method does not" (405 + Allow).

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/query_string.hpp"  // percent_decode, for path segments
#include "coinfan/http/message.hpp"

namespace coinfan::http {

// The request outlives the handler's coroutine: the session owns it until the response is sent.
using Handler = std::function<boost::asio::awaitable<Response>(const Request&)>;

// Wraps a synchronous function as a handler.
Handler sync_handler(std::function<Response(const Request&)> fn);

// A route's optional synchronous answer, tried before its handler: an answer that is ready
// (a cached view) is given without a coroutine or a deadline timer; nullopt runs the handler.
// It must answer exactly as the handler would.
using Immediate = std::function<std::optional<Response>(const Request&)>;

class Router {
 public:
  enum class Outcome { found, not_found, method_not_allowed };
  struct Match {
    Outcome outcome = Outcome::not_found;
    const Handler* handler = nullptr;
    const Immediate* immediate = nullptr;  // found: the route's synchronous answer, if it has one
    std::map<std::string, std::string, std::less<>> params;
    std::string allow;  // for method_not_allowed, e.g. "GET, HEAD"
    // found, method_not_allowed: the pattern of the (first) route of this path, e.g.
    // "/v1/gateways/{id}/balances"; it lives as long as the router (for metrics labels).
    std::string_view pattern;
  };

  // `pattern` segments are literals or `{name}`; HEAD is served by the GET handler.
  void add(std::string method, std::string_view pattern, Handler handler, Immediate immediate = {});
  Match match(std::string_view method, std::string_view raw_path) const;

  // Replaces the handler of every route whose pattern starts with `prefix` by
  // `wrap(method, handler)`; used to put authentication in front of a group of routes. A route
  // whose handler is replaced loses its immediate answer (it would bypass the wrapper); nullopt
  // leaves the route as it is.
  using Wrapper = std::function<std::optional<Handler>(const std::string& method, const Handler&)>;
  void wrap(std::string_view prefix, const Wrapper& wrap);

  // A check run by the server before routing, for every request whose decoded path starts
  // with `prefix` (whether or not a route matches it), so that without a key a caller learns
  // nothing about which paths and methods exist. nullopt lets the request proceed.
  using Guard = std::function<std::optional<Response>(const Request&)>;
  void guard(std::string prefix, Guard guard);
  // The first refusal of the guards covering `request.path`, if any.
  std::optional<Response> check_guards(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Immediate immediate;
  };
  std::vector<Route> routes_;
  std::vector<std::pair<std::string, Guard>> guards_;
};

}  // namespace coinfan::http
