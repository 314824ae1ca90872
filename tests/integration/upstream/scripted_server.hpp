#pragma once
// A scriptable HTTP(S) server on 127.0.0.1, port 0, for the upstream client's tests. It is built
// on plain POSIX sockets, blocking OpenSSL and one thread per connection — deliberately nothing
// the client under test uses — so each test can misbehave in exactly the way it needs (hang,
// reset mid-body, stream forever) and observe what the client did.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace coinfan::upstream_testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // 1, 2, ... in accept order
  std::string sni;     // server name the client sent in its TLS hello
  std::chrono::steady_clock::time_point at;

  std::string header(std::string_view name) const;
};

class ScriptedServer;

// One request being answered; handlers call exactly what the scenario needs.
class Exchange {
 public:
  const SeenRequest& request() const { return request_; }

  void respond(unsigned status, std::string_view body,
               const std::vector<std::pair<std::string, std::string>>& headers = {});
  bool write(std::string_view bytes);
  // Abortive close: the client sees a TCP reset.
  void reset();
  // Orderly close without an answer.
  void close();
  // Blocks until the client closes the connection (or the server stops); true if it did.
  bool hold();
  // Writes `head`, then filler bytes until the client goes away; returns the bytes written.
  std::size_t stream_forever(std::string_view head);

 private:
  friend class ScriptedServer;
  Exchange(ScriptedServer& server, void* connection, SeenRequest request)
      : server_(server), connection_(connection), request_(std::move(request)) {}
  ScriptedServer& server_;
  void* connection_;
  SeenRequest request_;
  bool done_ = false;  // the connection must not be used for another request
};

class ScriptedServer {
 public:
  enum class Mode {
    tls,                  // TLS + HTTP/1.1 keep-alive
    plain,                // HTTP/1.1 without TLS
    accept_no_handshake,  // accepts TCP, never says a word
    never_accept,         // listen backlog full: connect() never completes
  };
  using Handler = std::function<void(Exchange&)>;

  struct Config {
    Mode mode = Mode::tls;
    std::string cert_file;
    std::string key_file;
    int max_tls_version = 0;  // 0 = OpenSSL's default; e.g. TLS1_1_VERSION
    Handler handler;          // default: 200 "ok"
  };

  explicit ScriptedServer(Config config);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string https_url(std::string_view host = "localhost") const;
  std::string http_url() const;

  int connections_accepted() const { return accepted_.load(); }
  int handshakes_completed() const { return handshakes_.load(); }
  int connections_closed_by_peer() const { return peer_closes_.load(); }
  int connections_closed_by_server() const { return server_closes_.load(); }
  std::vector<SeenRequest> requests() const;
  std::size_t request_count() const;

  // Waits (on a condition variable, not a sleep) until `ready` holds; false on timeout.
  bool wait_until(const std::function<bool()>& ready,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  friend class Exchange;
  struct Connection;

  void accept_loop();
  void serve(Connection* connection);
  void notify();

  Config config_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  void* ssl_ctx_ = nullptr;
  std::vector<int> filler_fds_;  // never_accept: connections that fill the backlog

  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> handshakes_{0};
  std::atomic<int> peer_closes_{0};
  std::atomic<int> server_closes_{0};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<SeenRequest> requests_;
  std::vector<Connection*> connections_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace coinfan::upstream_testing
