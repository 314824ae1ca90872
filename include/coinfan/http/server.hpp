#pragma once
// The HTTP/1.1 server: accepts connections, reads requests within limits, hands them to the
// router, writes responses in order, and drains gracefully. Beast stays inside server.cpp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "coinfan/core/cidr.hpp"
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
  std::chrono::milliseconds request_timeout{15000};  // reading, handling and writing one request
  std::chrono::milliseconds idle_timeout{60000};     // waiting for the next request on keep-alive
  std::size_t max_connections = 10000;
  std::vector<Cidr> trusted_proxies;
  std::vector<std::string> cors_allowed_origins;
};

struct ServerStats {
  std::size_t active_connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t rejected_connections = 0;
};

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

  ServerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace coinfan::http
