#pragma once
// The Redis client the shared tiers (scale-out across replicas) are built on: RESP through
// hiredis's I/O-free reader and command formatter, over TCP sockets coinfan owns (Asio), so
// no call ever blocks an I/O thread. With `rediss://` (RedisEndpoint::tls) every connection is
// TLS: 1.2 or newer, the server's certificate verified against `ca_file` (or the system's trust
// store) and required to carry the URL's host, or `tls_server_name` when set (SNI too, for a
// name). The CAs are loaded once, by create().
//
// What one `command()` or `pipeline()` does: take an idle pooled connection, or open one while
// fewer than max_connections are open (resolve, connect, the TLS handshake for rediss://, AUTH
// when a password is set, SELECT when a database is named), or wait for one to be handed back;
// write the commands at once, read their replies in order. The whole of it is bounded by
// RedisOptions::timeout (the TLS handshake included); a connection that timed out or failed is
// closed, never reused, and the next call opens a new one (so a restarted Redis is picked up
// without a restart here).
//
// Result contract: a reply is a RedisValue whatever its type (a Redis error reply such as
// `WRONGTYPE …` is a value of type `error`, for the caller to judge); an Error means no reply:
// timeout (no reply, or no connection free, within the deadline), unreachable (resolve,
// connect, reset), tls_error (the TLS handshake failed, or the server's certificate was refused:
// untrusted, expired, not for this host; the detail says "TLS" and OpenSSL's reason),
// auth_failed (AUTH refused), bad_response (malformed RESP), invalid_argument (no command; or,
// for every call, a ca_file that could not be loaded). Details never hold the password.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan::shared {

struct RedisValue {
  enum class Type { nil, integer, string, status, error, array };

  Type type = Type::nil;
  std::int64_t integer = 0;
  std::string text;                 // string, status and error replies
  std::vector<RedisValue> elements;  // array replies

  bool is_error() const noexcept { return type == Type::error; }
  friend bool operator==(const RedisValue&, const RedisValue&) = default;
};

// Where and how to reach Redis (redis_options() makes them from `shared.redis`).
struct RedisOptions {
  config::RedisEndpoint endpoint{"127.0.0.1", 6379, std::nullopt, std::nullopt, std::nullopt, false};
  std::string ca_file;                    // TLS only: PEM of the CAs to trust; empty: the system's store
  std::string tls_server_name;            // TLS only: the name to verify and send (SNI); empty: endpoint.host
  std::chrono::milliseconds timeout{50};  // per command or pipeline, waiting and connecting included
  std::size_t max_connections = 8;        // open at once; more callers wait for one (within timeout)
  std::size_t max_idle = 8;               // pooled connections kept open while idle
};

RedisOptions redis_options(const config::RedisConfig& config);

// How a shared tier tells the shared state whether Redis answered (its availability, logging
// and fallback accounting).
struct RedisAvailability {
  std::function<void()> on_answer;
  std::function<void(const Error&)> on_failure;
};

class RedisClient {
 public:
  struct Impl;

  // Opens nothing yet: the first call connects. Every operation runs on `executor`. For TLS,
  // loads ca_file now; when that fails (the configuration checks the file first) the reason is
  // logged and every call returns it, connecting nowhere.
  static std::shared_ptr<RedisClient> create(boost::asio::any_io_executor executor, RedisOptions options);
  ~RedisClient();

  // One command (`{"SET", "k", "v"}`): its reply.
  boost::asio::awaitable<Result<RedisValue>> command(std::vector<std::string> argv);
  // Several commands written together on one connection: their replies, in order.
  boost::asio::awaitable<Result<std::vector<RedisValue>>> pipeline(std::vector<std::vector<std::string>> commands);

  // Connections opened so far (pool reuse shows here), and idle now. Every operation runs on
  // the client's strand over the executor given to create().
  std::uint64_t connections_opened() const;
  std::size_t idle_connections() const;

  explicit RedisClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace coinfan::shared
