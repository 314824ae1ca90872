#pragma once
// One connection's TLS client state, I/O-free: OpenSSL reads and writes ciphertext through two
// memory BIOs, and the owner moves those bytes to and from the socket as resume() tells it.
// Unlike Asio's ssl::stream (a 17 KB BIO pair plus two 17 KB record buffers for the
// connection's life), the buffers exist only while bytes are in flight: an idle pooled
// connection gives them back (release_idle()).

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <span>

namespace coinfan::upstream {

class TlsEngine {
 public:
  // What the owner does next.
  struct Action {
    enum Kind { send, receive, complete } kind = complete;
    std::span<const char> output;  // send: these bytes, then sent()
    std::span<char> input;         // receive: into this space, then received()
    boost::system::error_code ec;  // complete: the operation's outcome
    std::size_t bytes = 0;         // complete: plaintext bytes read or written
  };

  // A client engine on `context` (verification settings, session cache). valid() is false
  // when OpenSSL cannot allocate the connection.
  explicit TlsEngine(SSL_CTX* context);
  ~TlsEngine();
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  bool valid() const { return ssl_ != nullptr; }
  SSL* native_handle() const { return ssl_; }

  // Start one operation; then call resume() until it says complete. One at a time.
  void begin_handshake();
  void begin_read(std::span<char> plaintext);
  void begin_write(std::span<const char> plaintext);

  Action resume();
  // The bytes of the last send action are on the wire.
  void sent();
  // `count` bytes arrived in the last receive action's space.
  void received(std::size_t count);

  // Gives the ciphertext buffers back when nothing is in flight; the session stays.
  void release_idle();
  // Bytes of buffer the engine holds outside OpenSSL's own state (for tests).
  std::size_t buffered_capacity() const;

 private:
  enum class Operation { none, handshake, read, write };
  void run();

  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // ciphertext from the peer, owned by ssl_
  BIO* out_ = nullptr;  // ciphertext for the peer, owned by ssl_
  std::unique_ptr<char[]> inbox_;  // where the socket's bytes land before they enter in_
  Operation operation_ = Operation::none;
  std::span<char> read_into_;
  std::span<const char> write_from_;
  bool finished_ = false;
  boost::system::error_code result_;
  std::size_t bytes_ = 0;
};

}  // namespace coinfan::upstream
