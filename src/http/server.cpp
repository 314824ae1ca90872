#include "coinfan/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/span.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <unordered_map>

#include "coinfan/core/log.hpp"
#include "coinfan/http/request_id.hpp"
#include "http/request_parser.hpp"

namespace coinfan::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Connections refused for being over `max_connections` get a short 503 answer; only this many
// such answers are in flight at once, beyond that the socket is just closed.
constexpr std::size_t max_rejections_in_flight = 64;
constexpr auto rejection_write_timeout = std::chrono::seconds(1);
constexpr std::size_t read_chunk = 8192;

std::string client_address(const std::string& peer, const Request& request,
                            const std::vector<Cidr>& trusted) {
  auto is_trusted = [&](std::string_view address) {
    return std::any_of(trusted.begin(), trusted.end(), [&](const Cidr& cidr) { return cidr.contains(address); });
  };
  if (!is_trusted(peer)) return peer;
  const auto forwarded = request.header("X-Forwarded-For");
  if (!forwarded) return peer;
  // Walk right to left: the first address not of a trusted proxy is the client.
  std::string_view rest = *forwarded;
  std::string_view candidate;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    auto item = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!parse_ip_address(item)) return peer;  // garbage: do not trust any of it
    candidate = item;
    if (!is_trusted(item)) break;
  }
  return candidate.empty() ? peer : std::string(candidate);
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  class Session;

  Impl(asio::io_context& io_context, ServerOptions opts, std::shared_ptr<const Router> r)
      : io(io_context), options(std::move(opts)), router(std::move(r)), acceptor(asio::make_strand(io_context)) {}

  asio::io_context& io;
  ServerOptions options;
  std::shared_ptr<const Router> router;
  tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;

  std::atomic<bool> draining{false};
  std::atomic<std::size_t> active{0};
  std::atomic<std::size_t> rejecting{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> rejected{0};

  std::mutex mutex;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  std::function<void()> drained_callback;
  bool drained_fired = false;

  void start();
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> reject(tcp::socket socket);
  void begin_drain();
  void close_all();
  void session_ended(const Session* session);
  void maybe_fire_drained(std::unique_lock<std::mutex>& lock);
  std::vector<std::shared_ptr<Session>> snapshot();
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Impl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {
    boost::system::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = endpoint.address().to_string();
  }
  ~Session() { server_->session_ended(this); }

  asio::awaitable<void> run();

  // Runs on the session's strand: an idle keep-alive connection is closed, a busy one is left
  // to finish its request. Bytes already waiting in the socket count as a request in flight.
  void close_if_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      if (self->idle_ && self->stream_.socket().available(ec) == 0) self->stream_.cancel();
    });
  }
  void close_now() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      self->stream_.cancel();
    });
  }

 private:
  asio::awaitable<Response> dispatch(Request& request);
  asio::awaitable<bool> write(const Request& request, Response& response, unsigned version, bool keep_alive);
  void apply_cors(const Request& request, Response& response) const;

  std::shared_ptr<Impl> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string peer_;
  bool idle_ = false;
  bool closing_ = false;
};

asio::awaitable<void> Server::Impl::Session::run() {
  const auto& options = server_->options;
  while (!closing_) {
    // Wait for the first byte of the next request under the idle timeout.
    if (buffer_.size() == 0) {
      idle_ = true;
      boost::system::error_code available_ec;
      if (server_->draining.load() && stream_.socket().available(available_ec) == 0) break;
      stream_.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(read_chunk), use_tuple);
      idle_ = false;
      if (ec || closing_) break;
      buffer_.commit(n);
    }

    // Read the whole request under the request timeout, so a trickling client is cut off.
    const auto started = std::chrono::steady_clock::now();
    stream_.expires_after(options.request_timeout);
    RequestParser parser;
    configure_request_parser(parser, options);
    auto [read_ec, read_n] = co_await bhttp::async_read(stream_, buffer_, parser, use_tuple);
    (void)read_n;
    if (closing_) break;

    Request request;
    request.client_address = peer_;
    if (read_ec) {
      if (read_ec == bhttp::error::end_of_stream || read_ec == asio::error::connection_reset ||
          read_ec == asio::error::eof || read_ec == asio::error::operation_aborted) {
        break;
      }
      request.request_id = generate_request_id();
      if (read_ec == beast::error::timeout) {
        // tcp_stream has already closed the socket: a client this slow gets no answer.
        log::write(log::Level::info, request.request_id, "request timeout; connection closed",
                   {{"client", std::string_view(peer_)}});
        break;
      }
      Response response;
      if (read_ec == bhttp::error::header_limit) {
        response = problem(431, "header_too_large", "request headers exceed " + std::to_string(options.max_header_bytes) + " bytes");
      } else if (read_ec == bhttp::error::body_limit) {
        response = problem(413, "body_too_large", "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
      } else {
        response = problem(400, "bad_request", "malformed HTTP request: " + read_ec.message());
      }
      stream_.expires_after(rejection_write_timeout);
      request.method = "-";
      request.path = "-";
      co_await write(request, response, 11, false);
      break;
    }

    auto& message = parser.get();
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) request.headers.emplace_back(field.name_string(), field.value());
    request.body = std::move(message.body());
    const auto incoming_id = request.header("X-Request-Id");
    request.request_id = incoming_id && is_acceptable_request_id(*incoming_id) ? std::string(*incoming_id)
                                                                                : generate_request_id();
    request.client_address = client_address(peer_, request, options.trusted_proxies);

    Response response = co_await dispatch(request);
    server_->requests.fetch_add(1, std::memory_order_relaxed);
    const bool keep_alive = message.keep_alive() && !response.close_connection && !server_->draining.load();
    stream_.expires_after(options.request_timeout);
    const bool written = co_await write(request, response, message.version(), keep_alive);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    log::write(log::Level::info, request.request_id, "request",
               {{"method", std::string_view(request.method)},
                {"path", std::string_view(request.path)},
                {"status", static_cast<std::uint64_t>(response.status)},
                {"bytes", static_cast<std::uint64_t>(response.body_view().size())},
                {"duration_us", static_cast<std::int64_t>(elapsed.count())},
                {"client", std::string_view(request.client_address)}});
    if (!written || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

asio::awaitable<Response> Server::Impl::Session::dispatch(Request& request) {
  const auto question = request.target.find('?');
  const std::string_view raw_path = std::string_view(request.target).substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  if (!raw_path.starts_with('/')) {
    request.path = "-";
    co_return problem(400, "bad_request", "the request target must be an absolute path");
  }
  auto decoded = percent_decode(raw_path, false);
  request.path = decoded ? std::move(*decoded) : std::string(raw_path);

  // CORS preflight: answered here for any path that exists.
  if (request.method == "OPTIONS" && request.header("Origin") && request.header("Access-Control-Request-Method")) {
    auto match = server_->router->match("OPTIONS", raw_path);
    if (match.outcome == Router::Outcome::method_not_allowed) {
      Response response;
      response.status = 204;
      response.content_type.clear();
      apply_cors(request, response);
      if (find_header(response.headers, "Access-Control-Allow-Origin")) {
        response.set_header("Access-Control-Allow-Methods", match.allow);
        response.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id, X-Api-Key");
        response.set_header("Access-Control-Max-Age", "600");
      }
      co_return response;
    }
  }

  auto match = server_->router->match(request.method, raw_path);
  Response response;
  if (match.outcome == Router::Outcome::not_found) {
    response = problem(404, "not_found", "no resource at this path");
  } else if (match.outcome == Router::Outcome::method_not_allowed) {
    response = problem(405, "method_not_allowed", request.method + " is not allowed here; allowed: " + match.allow);
    response.set_header("Allow", match.allow);
  } else {
    request.path_params = std::move(match.params);
    // The handler runs under the request timeout; a handler that overruns is cancelled.
    asio::steady_timer deadline(stream_.get_executor(), server_->options.request_timeout);
    try {
      auto outcome = co_await ((*match.handler)(request) || deadline.async_wait(use_tuple));
      if (outcome.index() == 0) {
        response = std::move(std::get<0>(outcome));
      } else {
        response = problem(504, "timeout", "the request did not complete within the request timeout");
      }
    } catch (const std::exception& e) {
      log::write(log::Level::error, request.request_id, "handler failed", {{"error", std::string_view(e.what())}});
      response = problem(500, "internal", "internal error; see the service log for this request id");
    }
  }
  apply_cors(request, response);
  co_return response;
}

void Server::Impl::Session::apply_cors(const Request& request, Response& response) const {
  const auto& allowed = server_->options.cors_allowed_origins;
  if (allowed.empty()) return;
  const auto origin = request.header("Origin");
  if (!origin) return;
  const bool any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
  const bool listed = std::find(allowed.begin(), allowed.end(), *origin) != allowed.end();
  if (!any && !listed) return;
  response.set_header("Access-Control-Allow-Origin", listed ? std::string(*origin) : "*");
  response.set_header("Access-Control-Expose-Headers", "X-Request-Id");
  response.set_header("Vary", "Origin");
}

asio::awaitable<bool> Server::Impl::Session::write(const Request& request, Response& response, unsigned version,
                                                   bool keep_alive) {
  const bool head = request.method == "HEAD";
  const auto body = response.body_view();
  // A span body sends the response's (possibly shared, cached) bytes without copying them.
  bhttp::response<bhttp::span_body<const char>> message{static_cast<bhttp::status>(response.status), version};
  if (!response.content_type.empty()) message.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.set("X-Request-Id", request.request_id);
  message.keep_alive(keep_alive);
  if (!head) message.body() = beast::span<const char>(body.data(), body.size());
  if (response.status != 204 && response.status != 304) message.content_length(body.size());
  auto [ec, n] = co_await bhttp::async_write(stream_, message, use_tuple);
  (void)n;
  co_return !ec;
}

void Server::Impl::start() {
  const auto address = asio::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  bound_port = acceptor.local_endpoint().port();
  asio::co_spawn(acceptor.get_executor(), [self = shared_from_this()] { return self->accept_loop(); }, asio::detached);
}

asio::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  while (!draining.load()) {
    asio::any_io_executor strand = asio::make_strand(io);
    auto [ec, socket] = co_await acceptor.async_accept(strand, use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining.load()) break;
      log::warn("accept failed", {{"error", std::string_view(ec.message())}});
      // Out of descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (active.load() >= options.max_connections) {
      rejected.fetch_add(1, std::memory_order_relaxed);
      if (rejecting.load() < max_rejections_in_flight) {
        rejecting.fetch_add(1);
        auto executor = socket.get_executor();
        asio::co_spawn(executor, reject(std::move(socket)), asio::detached);
      } else {
        socket.close(ignored);
      }
      continue;
    }
    active.fetch_add(1);
    auto session = std::make_shared<Session>(self, std::move(socket));
    {
      std::lock_guard lock(mutex);
      sessions.emplace(session.get(), session);
    }
    auto executor = strand;
    asio::co_spawn(executor, [session] { return session->run(); }, asio::detached);
  }
}

asio::awaitable<void> Server::Impl::reject(tcp::socket socket) {
  auto self = shared_from_this();
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(rejection_write_timeout);
  const auto body = problem(503, "overloaded", "the server is at its connection limit; retry later").body;
  bhttp::response<bhttp::string_body> message{bhttp::status::service_unavailable, 11};
  message.set(bhttp::field::content_type, "application/problem+json");
  message.set(bhttp::field::retry_after, "1");
  message.set("X-Request-Id", generate_request_id());
  message.keep_alive(false);
  message.body() = body;
  message.prepare_payload();
  co_await bhttp::async_write(stream, message, use_tuple);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  rejecting.fetch_sub(1);
}

std::vector<std::shared_ptr<Server::Impl::Session>> Server::Impl::snapshot() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mutex);
  for (auto& [key, weak] : sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void Server::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  asio::post(acceptor.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
  });
  for (auto& session : snapshot()) session->close_if_idle();
  std::unique_lock lock(mutex);
  maybe_fire_drained(lock);
}

void Server::Impl::close_all() {
  for (auto& session : snapshot()) session->close_now();
}

void Server::Impl::session_ended(const Session* session) {
  active.fetch_sub(1);
  std::unique_lock lock(mutex);
  sessions.erase(session);
  maybe_fire_drained(lock);
}

void Server::Impl::maybe_fire_drained(std::unique_lock<std::mutex>& lock) {
  if (!draining.load() || !sessions.empty() || drained_fired || !drained_callback) return;
  drained_fired = true;
  auto callback = drained_callback;
  lock.unlock();
  asio::post(io, std::move(callback));
}

Server::Server(asio::io_context& io, ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(router))) {}

Server::~Server() {
  boost::system::error_code ignored;
  impl_->draining = true;
  impl_->acceptor.close(ignored);
}

void Server::start() { impl_->start(); }
std::uint16_t Server::port() const { return impl_->bound_port; }
void Server::begin_drain() { impl_->begin_drain(); }
bool Server::draining() const { return impl_->draining.load(); }
void Server::close_all() { impl_->close_all(); }

void Server::on_drained(std::function<void()> callback) {
  std::unique_lock lock(impl_->mutex);
  impl_->drained_callback = std::move(callback);
  impl_->maybe_fire_drained(lock);
}

ServerStats Server::stats() const {
  return {impl_->active.load(), impl_->requests.load(), impl_->rejected.load()};
}

}  // namespace coinfan::http
