#pragma once
// Runs an http::Server on loopback port 0 with its own I/O threads, for integration tests.

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "coinfan/http/server.hpp"

namespace coinfan::testing {

class HttpTestServer {
 public:
  HttpTestServer(http::ServerOptions options, std::shared_ptr<http::Router> router, unsigned threads = 2)
      : router_(std::move(router)),
        work_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<http::Server>(io_, std::move(options), router_)) {
    server_->start();
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~HttpTestServer() {
    server_->begin_drain();
    server_->close_all();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  std::uint16_t port() const { return server_->port(); }
  http::Server& server() { return *server_; }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  std::shared_ptr<http::Router> router_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> threads_;
};

}  // namespace coinfan::testing
