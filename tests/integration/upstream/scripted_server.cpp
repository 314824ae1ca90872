#include "integration/upstream/scripted_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <stdexcept>

namespace coinfan::upstream_testing {

struct ScriptedServer::Connection {
  int fd = -1;
  SSL* ssl = nullptr;
  int id = 0;
  std::string sni;
  std::string buffer;  // bytes read but not yet parsed

  // Reads some bytes; 0 on EOF or error.
  std::size_t read_some(char* out, std::size_t size) {
    if (ssl != nullptr) {
      const int n = SSL_read(ssl, out, static_cast<int>(size));
      return n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    const ssize_t n = ::recv(fd, out, size, 0);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  bool write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      int n = 0;
      if (ssl != nullptr) {
        n = SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
      } else {
        n = static_cast<int>(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL));
      }
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
};

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view reason(unsigned status) {
  switch (status) {
    case 200:
      return "OK";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string SeenRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

// --- Exchange -----------------------------------------------------------------------------------

void Exchange::respond(unsigned status, std::string_view body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) + "\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    out += name + ": " + value + "\r\n";
    has_length = has_length || iequals(name, "content-length");
  }
  if (!has_length) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out += body;
  if (!write(out)) done_ = true;
}

bool Exchange::write(std::string_view bytes) {
  return static_cast<ScriptedServer::Connection*>(connection_)->write_all(bytes);
}

void Exchange::reset() {
  auto* conn = static_cast<ScriptedServer::Connection*>(connection_);
  linger option{1, 0};
  ::setsockopt(conn->fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  ::shutdown(conn->fd, SHUT_RDWR);
  done_ = true;
}

void Exchange::close() {
  ::shutdown(static_cast<ScriptedServer::Connection*>(connection_)->fd, SHUT_RDWR);
  done_ = true;
  server_.server_closes_.fetch_add(1);
  server_.notify();
}

bool Exchange::hold() {
  auto* conn = static_cast<ScriptedServer::Connection*>(connection_);
  char scratch[4096];
  while (conn->read_some(scratch, sizeof(scratch)) > 0) {
  }
  done_ = true;
  if (server_.stopping_.load()) return false;
  server_.peer_closes_.fetch_add(1);
  server_.notify();
  return true;
}

std::size_t Exchange::stream_forever(std::string_view head) {
  std::size_t written = 0;
  if (!write(head)) return written;
  const std::string filler(16 * 1024, 'x');
  while (!server_.stopping_.load() && write(filler)) written += filler.size();
  done_ = true;
  return written;
}

// --- ScriptedServer
// ----------------------------------------------------------------------------------

ScriptedServer::ScriptedServer(Config config) : config_(std::move(config)) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the test binary
  if (!config_.handler) config_.handler = [](Exchange& exchange) { exchange.respond(200, "ok"); };
  if (config_.mode == Mode::tls) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr || SSL_CTX_use_certificate_chain_file(ctx, config_.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, config_.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("test server: cannot load certificate");
    }
    if (config_.max_tls_version != 0) {
      SSL_CTX_set_security_level(ctx, 0);  // let the old protocol actually be offered
      SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
      SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx, config_.max_tls_version);
    }
    ssl_ctx_ = ctx;
  }

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    throw std::runtime_error("test server: bind");
  }
  socklen_t length = sizeof(address);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);

  if (config_.mode == Mode::never_accept) {
    // Backlog 0 holds one pending connection; fill it so later SYNs are dropped and the
    // client's connect() hangs until its own deadline.
    ::listen(listen_fd_, 0);
    for (int i = 0; i < 2; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
      filler_fds_.push_back(fd);
    }
    return;
  }
  ::listen(listen_fd_, 128);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  stopping_.store(true);
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (Connection* conn : connections_) ::shutdown(conn->fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
  for (Connection* conn : connections_) {
    if (conn->ssl != nullptr) SSL_free(conn->ssl);
    ::close(conn->fd);
    delete conn;
  }
  for (int fd : filler_fds_) ::close(fd);
  ::close(listen_fd_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

std::string ScriptedServer::https_url(std::string_view host) const {
  return "https://" + std::string(host) + ":" + std::to_string(port_);
}

std::string ScriptedServer::http_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<SeenRequest> ScriptedServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t ScriptedServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool ScriptedServer::wait_until(const std::function<bool()>& ready,
                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    lock.unlock();
    const bool done = ready();
    lock.lock();
    return done;
  });
}

void ScriptedServer::notify() {
  { std::lock_guard lock(mutex_); }
  changed_.notify_all();
}

void ScriptedServer::accept_loop() {
  for (;;) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stopping_.load()) return;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto* conn = new Connection;
    conn->fd = fd;
    conn->id = accepted_.fetch_add(1) + 1;
    std::lock_guard lock(mutex_);
    if (stopping_.load()) {
      ::close(fd);
      delete conn;
      return;
    }
    connections_.push_back(conn);
    threads_.emplace_back([this, conn] { serve(conn); });
    changed_.notify_all();
  }
}

void ScriptedServer::serve(Connection* conn) {
  if (config_.mode == Mode::accept_no_handshake) {
    char scratch[4096];
    while (::recv(conn->fd, scratch, sizeof(scratch), 0) > 0) {
    }
    return;
  }
  if (config_.mode == Mode::tls) {
    conn->ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
    SSL_set_fd(conn->ssl, conn->fd);
    if (SSL_accept(conn->ssl) != 1) {
      ERR_clear_error();
      notify();
      return;
    }
    if (const char* name = SSL_get_servername(conn->ssl, TLSEXT_NAMETYPE_host_name))
      conn->sni = name;
    handshakes_.fetch_add(1);
    notify();
  }
  for (;;) {
    // Read one request: header block, then Content-Length bytes of body.
    std::size_t header_end = std::string::npos;
    char chunk[16384];
    while ((header_end = conn->buffer.find("\r\n\r\n")) == std::string::npos) {
      const std::size_t n = conn->read_some(chunk, sizeof(chunk));
      if (n == 0) {
        if (!stopping_.load()) peer_closes_.fetch_add(1);
        notify();
        return;
      }
      conn->buffer.append(chunk, n);
    }
    SeenRequest request;
    request.connection = conn->id;
    request.sni = conn->sni;
    request.at = std::chrono::steady_clock::now();
    const std::string head = conn->buffer.substr(0, header_end);
    conn->buffer.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const std::size_t sp1 = request_line.find(' ');
    const std::size_t sp2 = request_line.find(' ', sp1 + 1);
    request.method = request_line.substr(0, sp1);
    request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      std::size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      const std::string line = head.substr(pos, end - pos);
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.headers.emplace_back(line.substr(0, colon), value);
      }
      pos = end + 2;
    }
    const std::string length = request.header("content-length");
    const std::size_t body_size = length.empty() ? 0 : std::stoul(length);
    while (conn->buffer.size() < body_size) {
      const std::size_t n = conn->read_some(chunk, sizeof(chunk));
      if (n == 0) return;
      conn->buffer.append(chunk, n);
    }
    request.body = conn->buffer.substr(0, body_size);
    conn->buffer.erase(0, body_size);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    changed_.notify_all();

    Exchange exchange(*this, conn, std::move(request));
    config_.handler(exchange);
    notify();  // whatever the handler recorded is now visible to wait_until()
    if (exchange.done_ || stopping_.load()) return;
  }
}

}  // namespace coinfan::upstream_testing
