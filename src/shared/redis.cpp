#include "coinfan/shared/redis.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <utility>

#include "coinfan/core/log.hpp"
#include "upstream/tls.hpp"

namespace coinfan::shared {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct ReaderDeleter {
  void operator()(redisReader* reader) const noexcept { redisReaderFree(reader); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};

RedisValue value_of(const redisReply& reply) {
  RedisValue out;
  switch (reply.type) {
    case REDIS_REPLY_STRING: out.type = RedisValue::Type::string; break;
    case REDIS_REPLY_STATUS: out.type = RedisValue::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = RedisValue::Type::error; break;
    case REDIS_REPLY_INTEGER: out.type = RedisValue::Type::integer; break;
    case REDIS_REPLY_ARRAY: out.type = RedisValue::Type::array; break;
    default: out.type = RedisValue::Type::nil; break;
  }
  if (reply.type == REDIS_REPLY_INTEGER) out.integer = reply.integer;
  if (reply.str != nullptr) out.text.assign(reply.str, reply.len);
  for (std::size_t i = 0; i < reply.elements; ++i) out.elements.push_back(value_of(*reply.element[i]));
  return out;
}

// RESP for one command, formatted by hiredis (binary-safe arguments).
std::string format_command(const std::vector<std::string>& argv) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& argument : argv) {
    pointers.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  char* formatted = nullptr;
  const long long length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), pointers.data(), lengths.data());
  if (length < 0 || formatted == nullptr) throw std::bad_alloc();
  std::string out(formatted, static_cast<std::size_t>(length));
  redisFreeCommand(formatted);
  return out;
}

// One open connection with its RESP reader: plain TCP, or TLS over it when given a context.
struct Connection {
  Connection(asio::any_io_executor executor, ssl::context* tls) : reader(redisReaderCreate()) {
    if (!reader) throw std::bad_alloc();
    if (tls != nullptr) {
      secure.emplace(std::move(executor), *tls);
    } else {
      plain.emplace(std::move(executor));
    }
  }
  // The TCP layer, whose expiry bounds every operation on either stream.
  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  auto read_some() {
    return secure ? secure->async_read_some(asio::buffer(buffer), use_tuple)
                  : plain->async_read_some(asio::buffer(buffer), use_tuple);
  }
  auto write(const std::string& wire) {
    return secure ? asio::async_write(*secure, asio::buffer(wire), use_tuple)
                  : asio::async_write(*plain, asio::buffer(wire), use_tuple);
  }

  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> secure;
  std::unique_ptr<redisReader, ReaderDeleter> reader;
  std::array<char, 16384> buffer{};
};

Error failure(ErrorCode code, std::string_view step, const boost::system::error_code& ec) {
  return make_error(code, "redis " + std::string(step) + " failed: " + ec.message());
}

// The next reply on `connection`, reading as much as it needs.
asio::awaitable<Result<RedisValue>> read_reply(Connection& connection) {
  while (true) {
    void* raw = nullptr;
    if (redisReaderGetReply(connection.reader.get(), &raw) != REDIS_OK) {
      co_return make_error(ErrorCode::bad_response, "redis sent malformed RESP");
    }
    if (raw != nullptr) {
      std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(raw));
      co_return value_of(*reply);
    }
    auto reading = connection.read_some();
    auto [ec, n] = co_await std::move(reading);
    if (ec == beast::error::timeout) co_return make_error(ErrorCode::timeout, "redis did not answer in time");
    if (ec) co_return failure(ErrorCode::unreachable, "read", ec);
    if (redisReaderFeed(connection.reader.get(), connection.buffer.data(), n) != REDIS_OK) {
      co_return make_error(ErrorCode::bad_response, "redis sent malformed RESP");
    }
  }
}

// A failed TLS handshake: the certificate refused (OpenSSL's reason), the connection lost, or
// another TLS failure (OpenSSL's reason is in the message).
Error handshake_failure(TlsStream& stream, const boost::system::error_code& ec, const std::string& name) {
  if (auto refusal = upstream::certificate_refusal(stream.native_handle())) {
    return make_error(ErrorCode::tls_error,
                      "redis TLS handshake failed: the server's certificate is refused for " + name + ": " + *refusal);
  }
  const bool lost = ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                    ec == ssl::error::stream_truncated;
  return make_error(lost ? ErrorCode::unreachable : ErrorCode::tls_error, "redis TLS handshake failed: " + ec.message());
}

}  // namespace

// A caller waiting for a connection: handed one, or the right to open one, or timed out.
struct Waiter {
  explicit Waiter(const asio::strand<asio::any_io_executor>& strand) : timer(strand) {}
  asio::steady_timer timer;
  std::unique_ptr<Connection> connection;
  bool may_open = false;
};

// Everything runs on `strand`: the pool needs no lock, and handing a connection to a waiter
// (cancelling its timer) never races with the wait.
struct RedisClient::Impl : std::enable_shared_from_this<RedisClient::Impl> {
  Impl(asio::any_io_executor ex, RedisOptions opts) : strand(asio::make_strand(ex)), options(std::move(opts)) {
    options.max_connections = std::max<std::size_t>(1, options.max_connections);
    if (!options.endpoint.tls) {
      if (!options.ca_file.empty() || !options.tls_server_name.empty()) {
        setup_error = make_error(ErrorCode::invalid_argument, "redis: ca_file and tls_server_name are for rediss:// only");
      }
    } else if (auto context = upstream::make_tls_client_context(options.ca_file); !context) {
      setup_error = make_error(context.error().code, "redis TLS: " + context.error().detail);
    } else {
      tls = std::move(context).value();
      tls_name = options.tls_server_name.empty() ? options.endpoint.host : options.tls_server_name;
      boost::system::error_code not_ip;
      asio::ip::make_address(tls_name, not_ip);
      tls_name_is_ip = !not_ip;
    }
    if (setup_error) log::error("redis client cannot start", {{"store", "redis"}, {"detail", std::string_view(setup_error->detail)}});
  }

  asio::strand<asio::any_io_executor> strand;
  RedisOptions options;
  std::optional<Error> setup_error;  // returned by every call
  std::unique_ptr<ssl::context> tls;  // rediss:// only; outlives every connection
  std::string tls_name;               // what the server's certificate must carry
  bool tls_name_is_ip = false;
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<Waiter>> waiters;
  std::size_t open_count = 0;  // open or being opened
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::size_t> idle_count{0};

  // A connection that completed its exchange goes to the first waiter or back to the pool; one
  // that failed is closed, and its slot goes to the first waiter or is freed.
  void release(std::unique_ptr<Connection> connection) {
    if (connection) connection->tcp().expires_never();
    if (!waiters.empty()) {
      auto waiter = std::move(waiters.front());
      waiters.pop_front();
      if (connection) {
        waiter->connection = std::move(connection);
      } else {
        waiter->may_open = true;
      }
      waiter->timer.cancel();
      return;
    }
    if (connection && idle.size() < options.max_idle) {
      idle.push_back(std::move(connection));
      idle_count = idle.size();
      return;
    }
    --open_count;
  }

  // Resolve, connect, the TLS handshake, AUTH, SELECT, all before `deadline`.
  asio::awaitable<Result<std::unique_ptr<Connection>>> open(std::chrono::steady_clock::time_point deadline) {
    auto connection = std::make_unique<Connection>(strand, tls.get());
    connection->tcp().expires_at(deadline);
    tcp::resolver resolver(strand);
    const auto& target = options.endpoint;
    auto resolving = resolver.async_resolve(target.host, std::to_string(target.port), use_tuple);
    auto [resolve_ec, endpoints] = co_await std::move(resolving);
    if (resolve_ec) co_return failure(ErrorCode::unreachable, "resolve", resolve_ec);
    auto connecting = connection->tcp().async_connect(endpoints, use_tuple);
    auto [connect_ec, endpoint] = co_await std::move(connecting);
    if (connect_ec == beast::error::timeout) co_return make_error(ErrorCode::timeout, "redis connect timed out");
    if (connect_ec) co_return failure(ErrorCode::unreachable, "connect", connect_ec);
    ++opened;
    if (connection->secure) {
      // SNI for a name, and the name or address the certificate must carry.
      if (!upstream::expect_peer(connection->secure->native_handle(), tls_name, tls_name_is_ip)) {
        co_return make_error(ErrorCode::tls_error, "redis TLS: cannot set the expected server name " + tls_name);
      }
      auto handshaking = connection->secure->async_handshake(ssl::stream_base::client, use_tuple);
      auto [handshake_ec] = co_await std::move(handshaking);
      if (handshake_ec == beast::error::timeout) co_return make_error(ErrorCode::timeout, "redis TLS handshake timed out");
      if (handshake_ec) co_return handshake_failure(*connection->secure, handshake_ec, tls_name);
    }
    std::vector<std::vector<std::string>> setup;
    if (target.password) {
      if (target.user) {
        setup.push_back({"AUTH", *target.user, *target.password});
      } else {
        setup.push_back({"AUTH", *target.password});
      }
    }
    if (target.database) setup.push_back({"SELECT", std::to_string(*target.database)});
    if (!setup.empty()) {
      auto exchanging = exchange(*connection, setup);
      auto replies = co_await std::move(exchanging);
      if (!replies) co_return std::move(replies).error();
      for (std::size_t i = 0; i < replies->size(); ++i) {
        if (!(*replies)[i].is_error()) continue;
        // The reply may say what was wrong; it never holds the password.
        const bool auth = target.password && i == 0;
        co_return make_error(auth ? ErrorCode::auth_failed : ErrorCode::invalid_argument,
                             std::string(auth ? "redis refused AUTH: " : "redis refused SELECT: ") + (*replies)[i].text);
      }
    }
    co_return connection;
  }

  // An idle connection, a new one while the limit allows, or one handed back before the deadline.
  asio::awaitable<Result<std::unique_ptr<Connection>>> acquire(std::chrono::steady_clock::time_point deadline) {
    if (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      idle_count = idle.size();
      co_return connection;
    }
    if (open_count < options.max_connections) {
      ++open_count;
    } else {
      auto waiter = std::make_shared<Waiter>(strand);
      waiters.push_back(waiter);
      waiter->timer.expires_at(deadline);
      auto waiting = waiter->timer.async_wait(use_tuple);
      co_await std::move(waiting);
      if (waiter->connection) co_return std::move(waiter->connection);
      if (!waiter->may_open) {
        std::erase(waiters, waiter);
        co_return make_error(ErrorCode::timeout, "redis: no connection free in time");
      }
      // Handed a failed connection's slot: open a new one in it.
    }
    auto opening = open(deadline);
    auto connection = co_await std::move(opening);
    if (!connection) release(nullptr);
    co_return connection;
  }

  // Writes every command, then reads as many replies.
  static asio::awaitable<Result<std::vector<RedisValue>>> exchange(Connection& connection,
                                                                   const std::vector<std::vector<std::string>>& commands) {
    std::string wire;
    for (const auto& argv : commands) wire += format_command(argv);
    auto writing = connection.write(wire);
    auto [write_ec, written] = co_await std::move(writing);
    if (write_ec == beast::error::timeout) co_return make_error(ErrorCode::timeout, "redis did not take the command in time");
    if (write_ec) co_return failure(ErrorCode::unreachable, "write", write_ec);
    std::vector<RedisValue> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
      auto reading = read_reply(connection);
      auto reply = co_await std::move(reading);
      if (!reply) co_return std::move(reply).error();
      replies.push_back(std::move(reply).value());
    }
    co_return replies;
  }

  static asio::awaitable<Result<std::vector<RedisValue>>> run(std::shared_ptr<Impl> self,
                                                              std::vector<std::vector<std::string>> commands) {
    if (commands.empty() || std::any_of(commands.begin(), commands.end(), [](const auto& c) { return c.empty(); })) {
      co_return make_error(ErrorCode::invalid_argument, "redis: an empty command");
    }
    if (self->setup_error) co_return *self->setup_error;
    const auto deadline = std::chrono::steady_clock::now() + self->options.timeout;
    auto acquiring = self->acquire(deadline);
    auto connection = co_await std::move(acquiring);
    if (!connection) co_return std::move(connection).error();
    (*connection)->tcp().expires_at(deadline);
    auto exchanging = exchange(**connection, commands);
    auto replies = co_await std::move(exchanging);
    // A connection is reused only after a complete exchange: anything else may leave replies
    // in flight that the next caller would read as its own.
    self->release(replies ? std::move(connection).value() : nullptr);
    co_return replies;
  }
};

RedisOptions redis_options(const config::RedisConfig& config) {
  RedisOptions options;
  options.endpoint = config.endpoint;
  options.ca_file = config.ca_file;
  options.tls_server_name = config.tls_server_name;
  options.timeout = config.timeout;
  return options;
}

std::shared_ptr<RedisClient> RedisClient::create(asio::any_io_executor executor, RedisOptions options) {
  return std::make_shared<RedisClient>(std::make_shared<Impl>(std::move(executor), std::move(options)));
}

RedisClient::~RedisClient() = default;

asio::awaitable<Result<RedisValue>> RedisClient::command(std::vector<std::string> argv) {
  std::vector<std::vector<std::string>> commands;
  commands.push_back(std::move(argv));
  auto piping = pipeline(std::move(commands));
  auto replies = co_await std::move(piping);
  if (!replies) co_return std::move(replies).error();
  co_return std::move(replies->front());
}

asio::awaitable<Result<std::vector<RedisValue>>> RedisClient::pipeline(std::vector<std::vector<std::string>> commands) {
  auto self = impl_;
  auto running = asio::co_spawn(self->strand, Impl::run(self, std::move(commands)), asio::use_awaitable);
  co_return co_await std::move(running);
}

std::uint64_t RedisClient::connections_opened() const { return impl_->opened.load(); }

std::size_t RedisClient::idle_connections() const { return impl_->idle_count.load(); }

}  // namespace coinfan::shared
