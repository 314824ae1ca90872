#pragma once
// The HTTP/1.1 server: accepts connections, reads requests within limits, hands them to the
// router, writes responses in order, and drains gracefully. Beast stays inside server.cpp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coinfan/core/cidr.hpp"
#include "coinfan/core/metrics.hpp"
#include "coinfan/http/router.hpp"

namespace boost::asio {
class io_context;
}

namespace coinfan::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port; see Server::port()
  std::size_t max_body_bytes = 65536;
  std::size_t max_header_bytes = 16384;
  // One deadline per request, from its first byte: reading, handling and writing together (an
  // error answer gets at most one more second to be written).
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds idle_timeout{60000};  // waiting for the next request on keep-alive
  // From accept (or, on keep-alive, the request's first byte) to the end of its headers; a new
  // connection that sends nothing is closed after this, not after idle_timeout.
  std::chrono::milliseconds header_timeout{10000};
  std::size_t max_connections = 10000;
  // Connections beyond max_connections kept for `reserved_paths` only (one request each), so
  // health checks and the scraper still get through when the general pool is full.
  std::size_t reserved_connections = 16;
  std::vector<std::string> reserved_paths = {"/healthz", "/readyz", "/metrics"};
  // Open connections per peer address (0: no limit); peers in trusted_proxies are exempt.
  // (The service's configuration default is 256.)
  std::size_t max_connections_per_client = 0;
  // Requests per second per client address (0: off), with this burst (0: the same as the
  // rate). The client address is the forwarded one when the peer is a trusted proxy; a client
  // address that is itself trusted is exempt.
  unsigned client_rate_limit_rps = 0;
  unsigned client_rate_limit_burst = 0;
  // After an error answer that closes the connection, unread input is drained for at most
  // this long (and linger_max_bytes) so the client reads the answer instead of a reset.
  std::chrono::milliseconds linger_timeout{2000};
  std::size_t linger_max_bytes = 256 * 1024;
  std::vector<Cidr> trusted_proxies;
  std::vector<std::string> cors_allowed_origins;
  // The threads that run the io_context, as the Server is made (later values are ignored): with
  // exactly one, connections run on the io_context itself, without a strand. 0: unknown.
  unsigned io_threads = 0;
};

struct ServerStats {
  std::size_t active_connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t rejected_connections = 0;     // over max_connections (503)
  std::uint64_t rejected_per_client = 0;      // over max_connections_per_client (429)
  std::uint64_t rate_limited = 0;             // requests over client_rate_limit_rps (429)
  std::size_t reserved_active = 0;            // connections in the reserve now
  std::size_t requests_in_flight = 0;         // read and not yet answered
};

// Answered requests by label values {route, method, status_class}, with their durations (from
// the request's first byte to its answer written). `route` is the matched route's pattern
// (`/v1/gateways/{id}/balances`), or `unmatched_route` for a path no route has and for requests
// refused before routing (rate limit, malformed); `method` is a standard method or "other";
// `status_class` is "2xx", "4xx", ...
using RequestSeries = std::vector<std::pair<std::vector<std::string>, metrics::Durations>>;
inline constexpr std::string_view unmatched_route = "unmatched";
// The method as a metrics label: a standard method, or "other" (the label set stays bounded).
std::string_view method_label(std::string_view method) noexcept;
// "1xx" ... "5xx" ("other" outside 100..599).
std::string_view status_class(unsigned status) noexcept;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; throws std::system_error when the address cannot be bound.
  void start();
  std::uint16_t port() const;

  // Stops accepting, closes idle keep-alive connections and lets requests in flight finish,
  // answering them with `Connection: close`. Thread-safe; later calls do nothing.
  void begin_drain();
  bool draining() const;
  // Runs once, on an I/O thread, when draining has begun and no connection is left.
  void on_drained(std::function<void()> callback);
  // Closes every connection at once (the drain deadline passed).
  void close_all();

  // Serves every request that starts from now on with `options` (all but host and port, which
  // stay as bound) and `router`. Requests in flight finish with what they started with; no
  // connection is closed. Thread-safe.
  void reconfigure(ServerOptions options, std::shared_ptr<const Router> router);

  ServerStats stats() const;
  RequestSeries request_metrics() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace coinfan::http
