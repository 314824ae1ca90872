#pragma once
// A loopback port free at the moment of asking, for a child process that cannot bind port 0
// itself and report it (nginx, redis-server). Another process could take it in between; the
// tests accept that small race.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>

namespace coinfan::testing {

inline std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

}  // namespace coinfan::testing
