#include "upstream/tls_engine.hpp"

#include <openssl/buffer.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <algorithm>
#include <climits>

namespace coinfan::upstream {
namespace {

namespace ssl_errors = boost::asio::ssl::error;

// Room for one whole TLS record (16 KB of plaintext plus header, padding and tag).
constexpr std::size_t inbox_bytes = 17 * 1024;

BIO* new_memory_bio() {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio != nullptr) BIO_set_mem_eof_return(bio, -1);  // empty means "wait for more", not EOF
  return bio;
}

std::size_t capacity_of(BIO* bio) {
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio, &memory);
  return memory == nullptr ? 0 : memory->max;
}

}  // namespace

TlsEngine::TlsEngine(SSL_CTX* context) {
  ssl_ = SSL_new(context);
  if (ssl_ == nullptr) return;
  in_ = new_memory_bio();
  out_ = new_memory_bio();
  if (in_ == nullptr || out_ == nullptr) {
    BIO_free(in_);
    BIO_free(out_);
    SSL_free(ssl_);
    ssl_ = nullptr;
    return;
  }
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_connect_state(ssl_);
}

TlsEngine::~TlsEngine() { SSL_free(ssl_); }

void TlsEngine::begin_handshake() {
  operation_ = Operation::handshake;
  finished_ = false;
}

void TlsEngine::begin_read(std::span<char> plaintext) {
  operation_ = Operation::read;
  read_into_ = plaintext;
  finished_ = false;
}

void TlsEngine::begin_write(std::span<const char> plaintext) {
  operation_ = Operation::write;
  write_from_ = plaintext;
  finished_ = false;
}

// One attempt at the operation; finished_ says whether it is over (result_, bytes_).
void TlsEngine::run() {
  ERR_clear_error();  // the error queue is per thread and may hold another connection's
  std::size_t done = 0;
  int ret = 0;
  switch (operation_) {
    case Operation::handshake:
      ret = SSL_do_handshake(ssl_);
      break;
    case Operation::read:  // an empty buffer reads nothing, at once
      ret = read_into_.empty() ? 1 : SSL_read_ex(ssl_, read_into_.data(), read_into_.size(), &done);
      break;
    case Operation::write:
      ret = write_from_.empty() ? 1 : SSL_write_ex(ssl_, write_from_.data(), write_from_.size(), &done);
      break;
    case Operation::none:
      ret = 1;
      break;
  }
  if (ret > 0) {
    finished_ = true;
    result_ = {};
    bytes_ = done;
    return;
  }
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return;  // resume() sends what is pending or receives more
    case SSL_ERROR_ZERO_RETURN:
      result_ = boost::asio::error::eof;  // the peer's close_notify
      break;
    case SSL_ERROR_SSL:
      result_ = boost::system::error_code(static_cast<int>(ERR_get_error()),
                                          boost::asio::error::get_ssl_category());
      break;
    default:
      result_ = ssl_errors::unspecified_system_error;
      break;
  }
  finished_ = true;
  bytes_ = 0;
}

TlsEngine::Action TlsEngine::resume() {
  Action action;
  if (!finished_) run();
  // Whatever OpenSSL produced goes out first: records, a handshake message or an alert.
  char* pending = nullptr;
  const long size = BIO_get_mem_data(out_, &pending);
  if (size > 0) {
    action.kind = Action::send;
    action.output = std::span<const char>(pending, static_cast<std::size_t>(size));
    return action;
  }
  if (finished_) {
    operation_ = Operation::none;
    action.kind = Action::complete;
    action.ec = result_;
    action.bytes = bytes_;
    return action;
  }
  if (SSL_want_write(ssl_)) {  // cannot happen with a memory BIO; never spin on it
    finished_ = true;
    operation_ = Operation::none;
    action.kind = Action::complete;
    action.ec = ssl_errors::unexpected_result;
    return action;
  }
  if (!inbox_) inbox_ = std::make_unique<char[]>(inbox_bytes);
  action.kind = Action::receive;
  action.input = std::span<char>(inbox_.get(), inbox_bytes);
  return action;
}

void TlsEngine::sent() { (void)BIO_reset(out_); }

void TlsEngine::received(std::size_t count) {
  count = std::min(count, inbox_bytes);
  // A memory BIO grows as needed: the write takes every byte or fails on allocation.
  if (count > 0 && BIO_write(in_, inbox_.get(), static_cast<int>(count)) != static_cast<int>(count)) {
    finished_ = true;
    operation_ = Operation::none;
    result_ = ssl_errors::unspecified_system_error;
    bytes_ = 0;
  }
}

void TlsEngine::release_idle() {
  if (operation_ != Operation::none) return;
  inbox_.reset();
  // OpenSSL's own record buffers: SSL_MODE_RELEASE_BUFFERS gives them back after application
  // data, but a post-handshake message (a TLS 1.3 session ticket) leaves a write buffer behind.
  (void)SSL_free_buffers(ssl_);  // refuses, harmlessly, while a record is half read
  if (BIO_ctrl_pending(in_) != 0 || BIO_ctrl_pending(out_) != 0) return;
  BIO* in = new_memory_bio();
  BIO* out = new_memory_bio();
  if (in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    return;
  }
  SSL_set0_rbio(ssl_, in);  // frees the old BIOs and the memory they grew
  SSL_set0_wbio(ssl_, out);
  in_ = in;
  out_ = out;
}

std::size_t TlsEngine::buffered_capacity() const {
  return capacity_of(in_) + capacity_of(out_) + (inbox_ ? inbox_bytes : 0);
}

}  // namespace coinfan::upstream
