// The request reader (the server's Beast parser with its limits, http/request_parser.hpp) on
// bytes that arrive in small pieces, as TCP may deliver them.

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "http/request_parser.hpp"

namespace coinfan::http {
namespace {

// A SyncReadStream that hands out the given pieces one read at a time.
class PieceStream {
 public:
  explicit PieceStream(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}
  template <typename Buffers>
  std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
    if (next_ == pieces_.size()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    ec = {};
    auto& piece = pieces_[next_];
    const auto n = boost::asio::buffer_copy(buffers, boost::asio::buffer(piece.data(), piece.size()));
    piece.erase(0, n);
    if (piece.empty()) ++next_;
    return n;
  }
  template <typename Buffers>
  std::size_t read_some(const Buffers& buffers) {
    boost::system::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::vector<std::string> pieces_;
  std::size_t next_ = 0;
};

boost::system::error_code read(std::vector<std::string> pieces, std::string* body = nullptr) {
  PieceStream stream(std::move(pieces));
  boost::beast::flat_buffer buffer;
  RequestParser parser;
  configure_request_parser(parser, ServerOptions{});
  boost::system::error_code ec;
  boost::beast::http::read(stream, buffer, parser, ec);
  if (!ec && body) *body = parser.get().body();
  return ec;
}

const std::string chunked_head = "POST /v1/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

// Found by fuzz/http_request: Beast 1.81 asserts that at least 5 bytes follow once the last
// chunk has been seen (boostorg/beast#2861), which aborted builds with assertions (debug, the
// sanitizer builds) when "0\r\n" and the final "\r\n" arrived separately.
TEST(RequestParser, TheLastChunkAndTheFinalLineBreakInSeparatePieces) {
  EXPECT_FALSE(read({chunked_head + "0\r\n", "\r", "\n"}));
  EXPECT_FALSE(read({chunked_head + "0\r\n", "\r\n"}));
  std::string body;
  EXPECT_FALSE(read({chunked_head + "5\r\nhello\r\n0\r\n", "\r", "\n"}, &body));
  EXPECT_EQ(body, "hello");
}

TEST(RequestParser, EveryByteInItsOwnPiece) {
  const std::string request = chunked_head + "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n";
  std::vector<std::string> pieces;
  for (const char c : request) pieces.emplace_back(1, c);
  std::string body;
  EXPECT_FALSE(read(pieces, &body));
  EXPECT_EQ(body, "hello");
}

TEST(RequestParser, TheFuzzersCrashInputIsRefusedOrRead) {
  // The input of the crash, as the fuzz target delivered it: one byte per read.
  const std::string bytes =
      "HTTT / HTTP/1.1\r\nHost: a\r\nCont%nt-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
      "P/1.1\r\nH a\r\n b\x80\r\n\r\r\n\n";
  std::vector<std::string> pieces;
  for (const char c : bytes) pieces.emplace_back(1, c);
  PieceStream stream(pieces);
  boost::beast::flat_buffer buffer;
  RequestParser first;
  configure_request_parser(first, ServerOptions{});
  boost::system::error_code ec;
  boost::beast::http::read(stream, buffer, first, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(first.get().target(), "/");
  RequestParser second;
  configure_request_parser(second, ServerOptions{});
  boost::beast::http::read(stream, buffer, second, ec);
  EXPECT_TRUE(ec);  // "P/1.1" is no request line
}

}  // namespace
}  // namespace coinfan::http
