// The I/O-free TLS engine against OpenSSL's own server over memory: the handshake, records both
// ways (larger than one record), the buffers given back between exchanges, a refused
// certificate, and the peer's close_notify.

#include "upstream/tls_engine.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <functional>
#include <memory>
#include <string>

#include "integration/upstream/test_pki.hpp"
#include "upstream/tls.hpp"

namespace coinfan::upstream_testing {
namespace {

using upstream::TlsEngine;

// OpenSSL's TLS server on memory BIOs: what the engine sends goes into `in`, what the server
// produces is taken from `out`.
class MemoryServer {
 public:
  explicit MemoryServer(const CertFiles& files) {
    context_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(context_, files.cert_file.c_str());
    SSL_CTX_use_PrivateKey_file(context_, files.key_file.c_str(), SSL_FILETYPE_PEM);
    ssl_ = SSL_new(context_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_accept_state(ssl_);
  }
  ~MemoryServer() {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
  }
  SSL* ssl() const { return ssl_; }
  void take(std::span<const char> bytes) { BIO_write(in_, bytes.data(), static_cast<int>(bytes.size())); }
  int give(std::span<char> space) { return BIO_read(out_, space.data(), static_cast<int>(space.size())); }
  // Makes what progress it can with the bytes it has.
  void step() {
    if (!SSL_is_init_finished(ssl_)) {
      handshake_result_ = SSL_do_handshake(ssl_);
      return;
    }
    char scratch[4096];
    std::size_t got = 0;
    while (SSL_read_ex(ssl_, scratch, sizeof scratch, &got) == 1) received_.append(scratch, got);
  }
  void write(const std::string& data) {
    std::size_t written = 0;
    ASSERT_EQ(SSL_write_ex(ssl_, data.data(), data.size(), &written), 1);
    ASSERT_EQ(written, data.size());
  }
  const std::string& received() const { return received_; }
  int handshake_result() const { return handshake_result_; }

 private:
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  std::string received_;
  int handshake_result_ = 0;
};

// Runs the engine's operation to completion, the server stepping whenever the engine waits.
TlsEngine::Action drive(TlsEngine& engine, MemoryServer& server) {
  for (int turn = 0; turn < 1000; ++turn) {
    const TlsEngine::Action action = engine.resume();
    switch (action.kind) {
      case TlsEngine::Action::send:
        server.take(action.output);
        engine.sent();
        server.step();
        break;
      case TlsEngine::Action::receive: {
        const int got = server.give(action.input);
        if (got <= 0) {
          ADD_FAILURE() << "the engine waits for bytes the server does not send";
          return action;
        }
        engine.received(static_cast<std::size_t>(got));
        break;
      }
      case TlsEngine::Action::complete:
        return action;
    }
  }
  ADD_FAILURE() << "the operation never completed";
  return {};
}

std::string read_exactly(TlsEngine& engine, MemoryServer& server, std::size_t size) {
  std::string out;
  std::string chunk(8192, '\0');
  while (out.size() < size) {
    engine.begin_read(std::span<char>(chunk.data(), chunk.size()));
    const auto action = drive(engine, server);
    if (action.ec || action.bytes == 0) {
      ADD_FAILURE() << "read failed: " << action.ec.message();
      break;
    }
    out.append(chunk.data(), action.bytes);
  }
  return out;
}

class TlsEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto context = upstream::make_tls_client_context(pki_.ca_file());
    ASSERT_TRUE(context.ok());
    context_ = std::move(context).value();
  }
  std::unique_ptr<TlsEngine> connect(MemoryServer& server) {
    auto engine = std::make_unique<TlsEngine>(context_->native_handle());
    EXPECT_TRUE(engine->valid());
    EXPECT_TRUE(upstream::expect_peer(engine->native_handle(), "localhost", false));
    engine->begin_handshake();
    const auto done = drive(*engine, server);
    EXPECT_FALSE(done.ec) << done.ec.message();
    EXPECT_TRUE(SSL_is_init_finished(engine->native_handle()));
    return engine;
  }

  TestPki pki_;
  std::unique_ptr<boost::asio::ssl::context> context_;
};

TEST_F(TlsEngineTest, HandshakesWithOpenSslAndCarriesRecordsLargerThanOneBothWays) {
  MemoryServer server(pki_.issue({"localhost"}, {}));
  auto engine = connect(server);

  const std::string request = "GET /v1/balances HTTP/1.1\r\nHost: localhost\r\n\r\n";
  engine->begin_write(std::span<const char>(request.data(), request.size()));
  const auto wrote = drive(*engine, server);
  EXPECT_FALSE(wrote.ec);
  EXPECT_EQ(wrote.bytes, request.size());
  EXPECT_EQ(server.received(), request);

  std::string response(40000, '\0');
  for (std::size_t i = 0; i < response.size(); ++i) response[i] = static_cast<char>('a' + i % 26);
  server.write(response);  // three records: more than the engine's one-record inbox
  EXPECT_EQ(read_exactly(*engine, server, response.size()), response);
}

TEST_F(TlsEngineTest, AnIdleConnectionGivesItsBuffersBackAndStillWorks) {
  MemoryServer server(pki_.issue({"localhost"}, {}));
  auto engine = connect(server);
  server.write(std::string(20000, 'x'));
  EXPECT_EQ(read_exactly(*engine, server, 20000).size(), 20000u);
  EXPECT_GE(engine->buffered_capacity(), 16u * 1024);  // a whole record passed through

  engine->release_idle();
  EXPECT_LT(engine->buffered_capacity(), 1024u);

  const std::string again = "second exchange";
  engine->begin_write(std::span<const char>(again.data(), again.size()));
  EXPECT_FALSE(drive(*engine, server).ec);
  server.step();
  EXPECT_EQ(server.received(), again);
  server.write("pong");
  EXPECT_EQ(read_exactly(*engine, server, 4), "pong");
}

TEST_F(TlsEngineTest, ARefusedCertificateFailsTheHandshakeAndTellsThePeer) {
  MemoryServer server(pki_.issue({"localhost"}, {}, /*untrusted_ca=*/true));
  TlsEngine engine(context_->native_handle());
  ASSERT_TRUE(upstream::expect_peer(engine.native_handle(), "localhost", false));
  engine.begin_handshake();
  const auto done = drive(engine, server);
  EXPECT_EQ(done.ec.category(), boost::asio::error::get_ssl_category());
  EXPECT_TRUE(upstream::certificate_refusal(engine.native_handle()).has_value());
  // The alert went out before the failure was reported: the server's handshake fails too.
  EXPECT_LE(server.handshake_result(), 0);
  EXPECT_EQ(SSL_get_error(server.ssl(), server.handshake_result()), SSL_ERROR_SSL);
  ERR_clear_error();
}

TEST_F(TlsEngineTest, ThePeersCloseNotifyReadsAsEndOfStream) {
  MemoryServer server(pki_.issue({"localhost"}, {}));
  auto engine = connect(server);
  SSL_shutdown(server.ssl());
  char byte = 0;
  engine->begin_read(std::span<char>(&byte, 1));
  EXPECT_EQ(drive(*engine, server).ec, boost::asio::error::eof);
}

}  // namespace
}  // namespace coinfan::upstream_testing
