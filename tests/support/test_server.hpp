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
  // The server on its own io_context and I/O threads (which it is told of: with one, its
  // connections run without a strand, as in the service).
  HttpTestServer(http::ServerOptions options, std::shared_ptr<http::Router> router, unsigned threads = 2)
      : owned_io_(std::make_unique<boost::asio::io_context>()),
        io_(*owned_io_),
        router_(std::move(router)),
        work_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<http::Server>(io_, with_threads(std::move(options), threads), router_)) {
    server_->start();
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  // The server on the caller's io_context, whose threads the caller runs and stops, as in the
  // service: handlers that outlive a request (background refreshes holding the request's
  // executor) then never refer to an io_context destroyed before them.
  HttpTestServer(boost::asio::io_context& io, http::ServerOptions options, std::shared_ptr<http::Router> router)
      : io_(io),
        router_(std::move(router)),
        work_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<http::Server>(io_, std::move(options), router_)) {
    server_->start();
  }
  ~HttpTestServer() { stop(); }

  // Closes every connection; with its own io_context also stops and joins its threads.
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    server_->begin_drain();
    server_->close_all();
    work_.reset();
    if (!owned_io_) return;
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  std::uint16_t port() const { return server_->port(); }
  http::Server& server() { return *server_; }
  boost::asio::io_context& io() { return io_; }

 private:
  static http::ServerOptions with_threads(http::ServerOptions options, unsigned threads) {
    options.io_threads = threads;
    return options;
  }

  std::unique_ptr<boost::asio::io_context> owned_io_;
  boost::asio::io_context& io_;
  std::shared_ptr<http::Router> router_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace coinfan::testing
