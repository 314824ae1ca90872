#pragma once
// A blocking HTTP/1.1 client over a real loopback socket, with the raw control the server tests
// need: partial writes, pipelined requests, reading one response at a time.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>

namespace coinfan::testing {

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    set_receive_timeout(std::chrono::seconds(20));
  }

  void send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes.data(), bytes.size())); }

  // Reads one response; nullopt when the server closed the connection first.
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> read_response(bool head = false) {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(64u << 20);
    if (head) parser.skip(true);
    boost::system::error_code ec;
    boost::beast::http::read(socket_, buffer_, parser, ec);
    if (ec) return std::nullopt;
    return parser.release();
  }

  // True when the server has closed the connection (reads end of stream, or reset).
  bool closed_by_peer() {
    char byte = 0;
    if (buffer_.size() > 0) return false;
    boost::system::error_code ec;
    socket_.read_some(boost::asio::buffer(&byte, 1), ec);
    return static_cast<bool>(ec);
  }

  void set_receive_timeout(std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Everything the peer sends until it closes the connection or `wait` passes without a byte.
// (Asio's blocking reads retry past SO_RCVTIMEO, so this polls the descriptor itself.)
struct UntilClosed {
  std::string bytes;
  bool closed = false;  // end of stream or reset
  bool reset = false;   // the close was a reset
};

inline UntilClosed read_until_closed(RawConnection& connection, std::chrono::milliseconds wait) {
  UntilClosed out;
  const int fd = connection.socket().native_handle();
  char chunk[4096];
  while (true) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(wait.count())) <= 0) return out;  // still open
    const auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      out.bytes.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    out.closed = true;
    out.reset = n < 0 && errno == ECONNRESET;
    return out;
  }
}

inline std::string get_request(std::string_view path, std::string_view extra_headers = {}) {
  std::string request = "GET ";
  request.append(path);
  request += " HTTP/1.1\r\nHost: localhost\r\n";
  request.append(extra_headers);
  request += "\r\n";
  return request;
}

}  // namespace coinfan::testing
