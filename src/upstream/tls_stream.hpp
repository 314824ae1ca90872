#pragma once
// A TLS client stream over beast::tcp_stream, driven by TlsEngine: what Beast's HTTP reader and
// writer need (async_read_some / async_write_some) plus the handshake. The tcp_stream's
// deadline governs every step. One read or write at a time, as an HTTP/1.1 client does.
// Only the upstream client's translation unit includes this (Asio and Beast).

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <string>

#include "upstream/tls_engine.hpp"

namespace coinfan::upstream {

class TlsStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  template <typename Executor>
  TlsStream(const Executor& executor, SSL_CTX* context) : tcp_(executor), engine_(context) {}

  executor_type get_executor() { return tcp_.get_executor(); }
  boost::beast::tcp_stream& next_layer() { return tcp_; }
  SSL* native_handle() const { return engine_.native_handle(); }  // null if OpenSSL made none

  // Between exchanges: the engine's buffers and the write staging go back to the heap.
  void release_idle() {
    engine_.release_idle();
    std::string().swap(staging_);
  }

  // Completion signature void(error_code, std::size_t) for all three.
  template <typename Token>
  auto async_handshake(Token&& token) {
    engine_.begin_handshake();
    return start(std::forward<Token>(token));
  }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    boost::asio::mutable_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      first = *it;
      if (first.size() != 0) break;
    }
    engine_.begin_read(std::span<char>(static_cast<char*>(first.data()), first.size()));
    return start(std::forward<Token>(token));
  }

  // The sequence is gathered into one record (up to 16 KB) rather than a record per piece:
  // Beast hands a request head over as one buffer per field. A single piece is written as is.
  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    constexpr std::size_t record = 16 * 1024;
    std::span<const char> plaintext;
    std::size_t pieces = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer piece(*it);
      if (piece.size() == 0) continue;
      const auto* data = static_cast<const char*>(piece.data());
      if (++pieces == 1) {
        plaintext = std::span<const char>(data, std::min(piece.size(), record));
        continue;
      }
      if (pieces == 2) staging_.assign(plaintext.data(), plaintext.size());
      staging_.append(data, std::min(piece.size(), record - staging_.size()));
      if (staging_.size() == record) break;
    }
    if (pieces > 1) plaintext = std::span<const char>(staging_.data(), staging_.size());
    engine_.begin_write(plaintext);
    return start(std::forward<Token>(token));
  }

 private:
  // Runs the engine's current operation: sends and receives ciphertext until it completes.
  struct Operation {
    TlsStream& stream;
    enum { starting, sending, receiving, finishing } state = starting;
    TlsEngine::Action done{};

    template <typename Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t count = 0) {
      TlsEngine& engine = stream.engine_;
      const bool first = state == starting;
      switch (state) {
        case starting:
          break;
        case sending:
          engine.sent();
          if (ec) return self.complete(ec, 0);
          break;
        case receiving:
          // The peer closed the socket without close_notify: truncated, as Asio reports it.
          if (ec == boost::asio::error::eof) ec = boost::asio::ssl::error::stream_truncated;
          if (ec) return self.complete(ec, 0);
          engine.received(count);
          break;
        case finishing:
          return self.complete(done.ec, done.bytes);
      }
      const TlsEngine::Action action = engine.resume();
      switch (action.kind) {
        case TlsEngine::Action::send:
          state = sending;
          return boost::asio::async_write(stream.tcp_, boost::asio::buffer(action.output.data(), action.output.size()),
                                          std::move(self));
        case TlsEngine::Action::receive:
          state = receiving;
          return stream.tcp_.async_read_some(boost::asio::buffer(action.input.data(), action.input.size()),
                                             std::move(self));
        case TlsEngine::Action::complete:
          if (first) {  // never complete inside the initiating call
            state = finishing;
            done = action;
            return boost::asio::post(stream.tcp_.get_executor(), std::move(self));
          }
          return self.complete(action.ec, action.bytes);
      }
    }
  };

  template <typename Token>
  auto start(Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
        Operation{*this}, token, tcp_);
  }

  boost::beast::tcp_stream tcp_;
  TlsEngine engine_;
  std::string staging_;
};

}  // namespace coinfan::upstream
