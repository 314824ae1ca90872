// Raw bytes into the server's request reader: the same Beast parser with the same limits
// (http/request_parser.hpp, used by the server), read the same way (bhttp::read over a flat
// buffer), pipelined requests one after another while the connection would stay open.
// Byte 0 picks how the bytes arrive (segment size) and whether small limits are used.

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <string>

#include "coinfan/core/query_string.hpp"
#include "coinfan/http/message.hpp"
#include "coinfan/http/server.hpp"
#include "fuzz_support.hpp"
#include "http/request_parser.hpp"

using namespace coinfan;
namespace bhttp = boost::beast::http;

namespace {

// A SyncReadStream over memory that hands out at most `segment` bytes per read, like TCP.
class MemoryStream {
 public:
  MemoryStream(std::string_view bytes, std::size_t segment) : bytes_(bytes), segment_(segment) {}

  template <typename Buffers>
  std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
    if (bytes_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    ec = {};
    const auto n = boost::asio::buffer_copy(buffers, boost::asio::buffer(bytes_.data(), std::min(segment_, bytes_.size())));
    bytes_.remove_prefix(n);
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
  std::string_view bytes_;
  std::size_t segment_;
};

void serve(std::string_view bytes, std::size_t segment, const http::ServerOptions& options) {
  MemoryStream stream(bytes, segment);
  boost::beast::flat_buffer buffer;
  for (int requests = 0; requests < 64; ++requests) {
    http::RequestParser parser;
    http::configure_request_parser(parser, options);
    boost::system::error_code ec;
    bhttp::read(stream, buffer, parser, ec);
    if (ec) return;  // the server answers 400/413/431 or closes; either way the connection ends
    const auto& message = parser.get();
    FUZZ_CHECK(parser.is_done());
    FUZZ_CHECK(!message.method_string().empty());
    FUZZ_CHECK(!message.target().empty());
    FUZZ_CHECK(message.body().size() <= options.max_body_bytes);
    if (const auto length = parser.content_length()) FUZZ_CHECK(message.body().size() == *length);
    // The framing rules the server applies next (http::framing_problem): what passes them is
    // framed one way only, and what fails them is answered 400 and the connection closed.
    if (const auto refused = http::framing_problem(message)) {
      FUZZ_CHECK(!refused->empty());
      return;
    }
    FUZZ_CHECK(message.count(bhttp::field::host) == (message.version() >= 11 ? 1u : message.count(bhttp::field::host)));
    FUZZ_CHECK(message.count(bhttp::field::host) <= 1);
    FUZZ_CHECK(message.count(bhttp::field::content_length) <= 1);
    FUZZ_CHECK(message.count(bhttp::field::content_length) == 0 || message.count(bhttp::field::transfer_encoding) == 0);

    // What the session does with it before routing.
    http::Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) request.headers.emplace_back(field.name_string(), field.value());
    const auto question = request.target.find('?');
    const std::string_view raw_path = std::string_view(request.target).substr(0, question);
    if (question != std::string::npos) (void)QueryString::parse(std::string_view(request.target).substr(question + 1));
    if (raw_path.starts_with('/')) (void)percent_decode(raw_path, false);
    (void)request.header("X-Request-Id");
    (void)request.header("X-Forwarded-For");
    if (!message.keep_alive()) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const http::ServerOptions defaults;
  static const http::ServerOptions small = [] {
    http::ServerOptions options;
    options.max_header_bytes = 256;
    options.max_body_bytes = 64;
    return options;
  }();
  const std::size_t segment = 1 + (data[0] & 0x7f) * (data[0] & 0x7f);  // 1 .. 16130 bytes
  serve(fuzz::as_text(data + 1, size - 1), segment, (data[0] & 0x80) ? small : defaults);
  return 0;
}
