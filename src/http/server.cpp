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
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <mutex>
#include <random>
#include <unordered_map>

#include "coinfan/core/ascii.hpp"
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

using Clock = std::chrono::steady_clock;

// Connections refused at accept get a short answer; only this many such answers are in flight
// at once, beyond that the socket is just closed.
constexpr std::size_t max_rejections_in_flight = 64;
constexpr auto rejection_write_timeout = std::chrono::seconds(1);
// An answer is given at least this long to be written, even when the request's deadline has
// (nearly) passed, so a 408 or 504 still reaches the client.
constexpr auto answer_write_grace = std::chrono::seconds(1);
constexpr std::size_t read_chunk = 8192;
constexpr auto reserved_header_timeout = std::chrono::milliseconds(1000);
// Rate-limiter buckets kept at most; beyond that, full (idle) buckets are dropped first.
constexpr std::size_t max_rate_buckets = 100000;

// Bodies at least this large are sent with sendfile(2) from their sealed file when they have one;
// smaller ones go out with the head in one gathered write.
constexpr std::size_t sendfile_min_bytes = 16384;

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  using namespace std::string_view_literals;
  out.append(name).append(": "sv).append(value).append("\r\n"sv);
}

bool is_trusted(std::string_view address, const std::vector<Cidr>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(), [&](const Cidr& cidr) { return cidr.contains(address); });
}

std::string client_address(const std::string& peer, const Request& request,
                            const std::vector<Cidr>& trusted) {
  if (!is_trusted(peer, trusted)) return peer;
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
    if (!is_trusted(item, trusted)) break;
  }
  return candidate.empty() ? peer : std::string(candidate);
}

// Token buckets per client address, refilled continuously.
class RateLimiter {
 public:
  RateLimiter(unsigned rate, unsigned burst) : rate_(rate), burst_(burst == 0 ? rate : burst) {}
  bool enabled() const { return rate_ > 0; }

  // nullopt when the request may proceed; otherwise the seconds until a token is back.
  std::optional<unsigned> take(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (buckets_.size() >= max_rate_buckets && !buckets_.contains(key)) prune(now);
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
    auto& bucket = it->second;
    if (!fresh) {
      bucket.tokens = std::min<double>(burst_, bucket.tokens + seconds(now - bucket.last) * rate_);
      bucket.last = now;
    }
    if (bucket.tokens >= 1.0) {
      bucket.tokens -= 1.0;
      return std::nullopt;
    }
    return static_cast<unsigned>(std::ceil((1.0 - bucket.tokens) / rate_));
  }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
  void prune(Clock::time_point now) {
    std::erase_if(buckets_, [&](const auto& entry) {
      return entry.second.tokens + seconds(now - entry.second.last) * rate_ >= burst_;
    });
    if (buckets_.size() >= max_rate_buckets) buckets_.clear();  // all busy: start over rather than grow
  }

  const unsigned rate_;
  const unsigned burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  class Session;

  // What a request is served with: limits, routes and the client rate limiter. Replaced as a
  // whole by Server::reconfigure; a request keeps the snapshot it started with to its end.
  struct Settings {
    ServerOptions options;
    std::shared_ptr<const Router> router;
    std::shared_ptr<RateLimiter> limiter;
  };

  Impl(asio::io_context& io_context, ServerOptions opts, std::shared_ptr<const Router> r)
      : io(io_context), acceptor(asio::make_strand(io_context)), single_thread(opts.io_threads == 1) {
    auto limiter = std::make_shared<RateLimiter>(opts.client_rate_limit_rps, opts.client_rate_limit_burst);
    settings_now = std::make_shared<const Settings>(Settings{std::move(opts), std::move(r), std::move(limiter)});
    idle_timeout_ms = settings_now->options.idle_timeout.count();
  }

  std::shared_ptr<const Settings> settings() const {
    std::lock_guard lock(settings_mutex);
    return settings_now;
  }
  // The current idle timeout, read by every keep-alive wait without the settings lock.
  std::atomic<std::int64_t> idle_timeout_ms{0};
  void reconfigure(ServerOptions options, std::shared_ptr<const Router> router);

  asio::io_context& io;
  mutable std::mutex settings_mutex;
  std::shared_ptr<const Settings> settings_now;
  tcp::acceptor acceptor;
  // One thread runs the io_context: a connection's steps cannot overlap, so it needs no
  // strand (each strand dispatch is a lock and a queue).
  const bool single_thread;
  std::uint16_t bound_port = 0;

  std::atomic<bool> draining{false};
  std::atomic<std::size_t> active{0};
  std::atomic<std::size_t> reserved_active{0};
  std::atomic<std::size_t> rejecting{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> rejected_per_client{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::size_t> in_flight{0};
  metrics::DurationFamily request_durations;  // {route, method, status_class}

  std::mutex mutex;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  std::unordered_map<std::string, std::size_t> per_client;  // open connections per counted peer
  std::function<void()> drained_callback;
  bool drained_fired = false;
  Clock::time_point last_accept_warning{};
  std::uint64_t accept_failures_unlogged = 0;

  void start();
  asio::awaitable<void> accept_loop();
  void admit(tcp::socket socket, asio::any_io_executor strand);
  void refuse(tcp::socket socket, unsigned status, std::string_view code, std::string_view detail);
  asio::awaitable<void> reject(tcp::socket socket, unsigned status, std::string code, std::string detail);
  void begin_drain();
  void close_all();
  void session_ended(const Session* session, const std::string& counted_peer, bool reserved);
  void maybe_fire_drained(std::unique_lock<std::mutex>& lock);
  std::vector<std::shared_ptr<Session>> snapshot();
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Impl> server, tcp::socket socket, std::string peer, bool counted, bool reserved)
      : server_(std::move(server)),
        socket_(std::move(socket)),
        watchdog_(socket_.get_executor()),
        peer_(std::move(peer)),
        counted_(counted),
        reserved_(reserved) {}
  ~Session() { server_->session_ended(this, counted_ ? peer_ : std::string(), reserved_); }

  asio::awaitable<void> run();

  // Runs on the session's strand: an idle keep-alive connection is closed, a busy one is left
  // to finish its request. Bytes already waiting in the socket count as a request in flight.
  void close_if_idle() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      if (self->idle_ && self->socket_.available(ec) == 0) self->socket_.cancel(ec);
    });
  }
  void close_now() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);
    });
  }

 private:
  // The watchdog: from `at` on, whatever operation the socket has pending is cancelled and
  // timed_out_ is set (the socket stays open, so an answer can still be written). The timer is
  // set again only when the new deadline is earlier than the one it waits for; a later one is
  // picked up when it fires. A keep-alive request thus moves a deadline without a system call
  // or a cancelled wait.
  void watch(Clock::time_point at) {
    timed_out_ = false;
    deadline_ = at;
    if (!armed_ || armed_at_ > at) arm(at);
  }
  void unwatch() { deadline_ = Clock::time_point::max(); }
  // At the end of the connection: the pending wait is cancelled, so the session is freed now.
  void stop_watchdog() {
    unwatch();
    if (!armed_) return;
    armed_ = false;
    ++watch_generation_;
    watchdog_.cancel();
  }
  void arm(Clock::time_point at) {
    armed_ = true;
    armed_at_ = at;
    const auto generation = ++watch_generation_;
    watchdog_.expires_at(at);  // a pending wait is cancelled; its handler sees an old generation
    watchdog_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
      if (generation != self->watch_generation_) return;
      self->armed_ = false;
      if (ec || self->deadline_ == Clock::time_point::max()) return;
      if (Clock::now() < self->deadline_) {
        self->arm(self->deadline_);
        return;
      }
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);
    });
  }

  std::optional<boost::system::error_code> parse_buffered(bhttp::request_parser<bhttp::string_body>& parser);
  asio::awaitable<boost::system::error_code> read_header(bhttp::request_parser<bhttp::string_body>& parser,
                                                         Clock::time_point header_deadline);
  // Every answer that needs no waiting (refusals, preflights, a route's immediate answer) is
  // given here, without a coroutine; otherwise `pending` names the handler to run (it lives
  // in the router settings_ holds until the request is done).
  std::optional<Response> route(Request& request, const Handler*& pending);
  asio::awaitable<Response> run_handler(const Handler& handler, Request& request, Clock::time_point deadline);
  static Response handler_failed(const Request& request, const std::exception& e);
  asio::awaitable<bool> write(const Request& request, Response& response, unsigned version, bool keep_alive,
                              Clock::time_point deadline);
  void format_head(const Request& request, const Response& response, unsigned version, bool keep_alive,
                   std::size_t content_length);
  // The answer being written: what is left of the gathered head (and body), then of the file.
  struct Outgoing {
    std::array<asio::const_buffer, 2> buffers{};
    int flags = 0;
    const SealedBody* file = nullptr;
    off_t offset = 0;
  };
  enum class Progress { done, blocked, failed };
  Progress start_write(const Request& request, Response& response, unsigned version, bool keep_alive);
  Progress push();
  asio::awaitable<bool> finish_write(Clock::time_point deadline);
  asio::awaitable<bool> wait_writable(Clock::time_point deadline);
  asio::awaitable<void> answer_and_close(Request& request, Response response, Clock::time_point deadline,
                                         Clock::time_point started);
  asio::awaitable<void> linger();
  void apply_cors(const Request& request, Response& response) const;

  std::shared_ptr<Impl> server_;
  std::shared_ptr<const Settings> settings_;  // of the request being served
  tcp::socket socket_;
  asio::steady_timer watchdog_;
  std::uint64_t watch_generation_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();  // of the watched operation; max: none
  Clock::time_point armed_at_{};                           // when the pending wait ends
  bool armed_ = false;                                     // a wait is pending on watchdog_
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::string head_;  // the response head being written; its capacity is kept for the next
  Outgoing outgoing_;
  CallerMemo caller_memo_;  // the API key this connection's requests present (auth.hpp)
  std::string peer_;
  bool counted_ = false;   // counted in per_client under peer_
  bool reserved_ = false;  // admitted into the reserve: reserved paths only, one request
  bool idle_ = false;
  bool closing_ = false;
  std::string_view route_ = unmatched_route;  // the current request's route pattern (metrics)
};

// What the buffer holds decides the header when it is complete (or wrong); nothing is decided
// while more bytes are needed.
std::optional<boost::system::error_code> Server::Impl::Session::parse_buffered(
    bhttp::request_parser<bhttp::string_body>& parser) {
  while (buffer_.size() > 0) {
    const std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    // Beast folds obs-fold lines into the value; they are refused before it sees them.
    if (const auto end = data.find("\r\n\r\n"); end != std::string_view::npos && has_folded_line(data.substr(0, end + 2))) {
      return bhttp::error::bad_field;
    }
    boost::system::error_code ec;
    const auto used = parser.put(buffer_.data(), ec);
    buffer_.consume(used);
    if (!ec && parser.is_header_done()) return ec;
    if (ec && ec != bhttp::error::need_more) return ec;
    if (ec || used == 0) break;
  }
  return std::nullopt;
}

asio::awaitable<boost::system::error_code> Server::Impl::Session::read_header(
    bhttp::request_parser<bhttp::string_body>& parser, Clock::time_point header_deadline) {
  // The header deadline is watched once more bytes must be waited for: headers that arrived
  // whole with their first bytes need no timer.
  bool watching = false;
  while (true) {
    if (auto decided = parse_buffered(parser)) co_return *decided;
    if (!watching) {
      watch(header_deadline);
      watching = true;
    }
    if (timed_out_) co_return beast::error::timeout;
    auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(read_chunk), use_tuple);
    if (timed_out_) co_return beast::error::timeout;
    if (ec) co_return ec;
    buffer_.commit(n);
  }
}

asio::awaitable<void> Server::Impl::Session::run() {
  const auto accepted = Clock::now();
  // Answers are written straight away on the non-blocking socket (write_some, sendfile); only
  // a full socket makes a write wait.
  {
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);
  }
  bool first_request = true;
  // A connection of the reserve must send its one request promptly: a client that idles
  // there keeps a health check out for at most a second.
  const auto header_timeout_of = [this](const Settings& settings) {
    const auto& options = settings.options;
    return reserved_ ? std::min<std::chrono::milliseconds>(options.header_timeout, reserved_header_timeout)
                     : options.header_timeout;
  };
  Clock::time_point answered = accepted;  // when the last answer was written
  while (!closing_) {
    // Wait for the first byte of the next request: on a new connection under the header
    // timeout, between keep-alive requests under the idle timeout.
    if (buffer_.size() == 0) {
      idle_ = true;
      boost::system::error_code available_ec;
      if (server_->draining.load() && socket_.available(available_ec) == 0) break;
      // An idle connection holds no settings: a replaced router is freed once its last
      // request is done.
      settings_.reset();
      // The idle wait starts when the last answer was written (no clock read, no settings lock).
      if (first_request) {
        watch(accepted + header_timeout_of(*server_->settings()));
      } else {
        watch(answered + std::chrono::milliseconds(server_->idle_timeout_ms.load(std::memory_order_relaxed)));
      }
      auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(read_chunk), use_tuple);
      idle_ = false;
      if (ec || closing_ || timed_out_) break;
      buffer_.commit(n);
    }

    // The request is served with the settings current at its first byte: a reload changes
    // the next request, never one in flight.
    settings_ = server_->settings();
    const ServerOptions& options = settings_->options;
    const auto header_timeout = header_timeout_of(*settings_);

    // One deadline for the whole request, from its first byte; the headers must also be in
    // within the header timeout.
    const auto started = Clock::now();
    const auto deadline = started + options.request_timeout;
    const auto header_deadline = std::min(deadline, (first_request ? accepted : started) + header_timeout);
    first_request = false;

    RequestParser parser;
    configure_request_parser(parser, options);
    boost::system::error_code read_ec;
    if (auto decided = parse_buffered(parser)) {
      read_ec = *decided;  // the whole header came with the first bytes: no coroutine
    } else {
      read_ec = co_await read_header(parser, header_deadline);
    }
    std::optional<std::string> refused_framing;
    if (!read_ec) {
      refused_framing = framing_problem(parser.get());
      if (!refused_framing && !parser.is_done()) {
        watch(deadline);
        auto [body_ec, body_n] = co_await bhttp::async_read(socket_, buffer_, parser, use_tuple);
        (void)body_n;
        read_ec = timed_out_ ? beast::error::timeout : body_ec;
      }
    }
    unwatch();
    if (closing_) break;

    Request request;
    request.client_address = peer_;
    request.caller_memo = &caller_memo_;
    if (read_ec || refused_framing) {
      const bool in_body = parser.is_header_done();
      if (read_ec == bhttp::error::end_of_stream || read_ec == bhttp::error::partial_message ||
          read_ec == asio::error::connection_reset || read_ec == asio::error::eof ||
          read_ec == asio::error::operation_aborted) {
        break;
      }
      request.request_id = generate_request_id();
      request.method = "-";
      request.path = "-";
      if (read_ec == beast::error::timeout && !in_body) {
        // Headers this slow (slowloris) get no answer.
        log::write(log::Level::info, request.request_id, "request timeout; connection closed",
                   {{"client", std::string_view(peer_)}});
        break;
      }
      Response response;
      if (refused_framing) {
        response = problem(400, "bad_request", "malformed HTTP request: " + *refused_framing);
      } else if (read_ec == beast::error::timeout) {
        response = problem(408, "request_timeout", "the request body did not arrive within the request timeout");
      } else if (read_ec == bhttp::error::header_limit) {
        response = problem(431, "header_too_large", "request headers exceed " + std::to_string(options.max_header_bytes) + " bytes");
      } else if (read_ec == bhttp::error::body_limit) {
        response = problem(413, "body_too_large", "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
      } else {
        response = problem(400, "bad_request", "malformed HTTP request: " + read_ec.message());
      }
      co_await answer_and_close(request, std::move(response), Clock::now(), started);
      break;
    }

    auto& message = parser.get();
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
    for (const auto& field : message) request.headers.emplace_back(field.name_string(), field.value());
    request.body = std::move(message.body());
    const auto incoming_id = request.header("X-Request-Id");
    request.request_id = incoming_id && is_acceptable_request_id(*incoming_id) ? std::string(*incoming_id)
                                                                                : generate_request_id();
    request.client_address = client_address(peer_, request, options.trusted_proxies);

    server_->in_flight.fetch_add(1, std::memory_order_relaxed);
    struct InFlight {
      std::atomic<std::size_t>& gauge;
      ~InFlight() { gauge.fetch_sub(1, std::memory_order_relaxed); }
    } in_flight{server_->in_flight};
    route_ = unmatched_route;
    std::optional<Response> answer;  // made in place, never default-made and assigned
    std::optional<unsigned> retry_after;
    if (settings_->limiter->enabled() && !is_trusted(request.client_address, options.trusted_proxies)) {
      retry_after = settings_->limiter->take(request.client_address, Clock::now());
    }
    if (retry_after) {
      server_->rate_limited.fetch_add(1, std::memory_order_relaxed);
      request.path = "-";
      answer = problem(429, "rate_limited", "too many requests from this client; retry later");
      answer->set_header("Retry-After", std::to_string(*retry_after));
      apply_cors(request, *answer);
    } else {
      const Handler* handler = nullptr;
      answer = route(request, handler);
      if (!answer) answer = co_await run_handler(*handler, request, deadline);
    }
    Response& response = *answer;
    server_->requests.fetch_add(1, std::memory_order_relaxed);
    const bool keep_alive =
        message.keep_alive() && !response.close_connection && !server_->draining.load() && !reserved_;
    const auto progress = start_write(request, response, message.version(), keep_alive);
    bool written = progress == Progress::done;
    if (progress == Progress::blocked) written = co_await finish_write(deadline);
    answered = Clock::now();
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(answered - started);
    server_->request_durations.observe({route_, method_label(request.method), status_class(response.status)}, elapsed);
    log::write(log::Level::info, request.request_id, "request",
               {{"method", std::string_view(request.method)},
                {"path", std::string_view(request.path)},
                {"status", static_cast<std::uint64_t>(response.status)},
                {"bytes", static_cast<std::uint64_t>(response.body_view().size())},
                {"duration_us", static_cast<std::int64_t>(elapsed.count())},
                {"client", std::string_view(request.client_address)}});
    if (!written || !keep_alive) break;
  }
  stop_watchdog();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

// An answer to a request that cannot be read further: written, then a lingering close.
asio::awaitable<void> Server::Impl::Session::answer_and_close(Request& request, Response response,
                                                              Clock::time_point deadline, Clock::time_point started) {
  const bool written = co_await write(request, response, 11, false, deadline);
  server_->request_durations.observe({unmatched_route, method_label(request.method), status_class(response.status)},
                                     std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started));
  log::write(log::Level::info, request.request_id, "request refused",
             {{"status", static_cast<std::uint64_t>(response.status)},
              {"client", std::string_view(peer_)}});
  if (written) co_await linger();
}

// Lingering close (RFC 9112 §9.6): the write side is shut down first, then input is read and
// discarded for a bounded time and size, so a client still sending receives the answer rather
// than a reset caused by unread data.
asio::awaitable<void> Server::Impl::Session::linger() {
  const auto& options = settings_->options;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  watch(Clock::now() + options.linger_timeout);
  std::size_t discarded = 0;
  while (discarded < options.linger_max_bytes && !closing_) {
    auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(read_chunk), use_tuple);
    if (ec || timed_out_) break;
    discarded += n;
  }
  unwatch();
  buffer_.clear();
}

std::optional<Response> Server::Impl::Session::route(Request& request, const Handler*& pending) {
  const auto question = request.target.find('?');
  const std::string_view raw_path = std::string_view(request.target).substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  if (!raw_path.starts_with('/')) {
    request.path = "-";
    return problem(400, "bad_request", "the request target must be an absolute path");
  }
  auto decoded = percent_decode(raw_path, false);
  request.path = decoded ? std::move(*decoded) : std::string(raw_path);

  // A connection of the reserve serves the operational endpoints only.
  if (reserved_) {
    const auto& paths = settings_->options.reserved_paths;
    if (std::find(paths.begin(), paths.end(), request.path) == paths.end()) {
      auto response = problem(503, "overloaded", "the server is at its connection limit; retry later");
      response.set_header("Retry-After", "1");
      return response;
    }
  }

  // CORS preflight: answered here for any path that exists.
  if (request.method == "OPTIONS" && request.header("Origin") && request.header("Access-Control-Request-Method")) {
    auto match = settings_->router->match("OPTIONS", raw_path);
    if (match.outcome == Router::Outcome::method_not_allowed) {
      route_ = match.pattern;
      Response response;
      response.status = 204;
      response.content_type.clear();
      apply_cors(request, response);
      if (find_header(response.headers, "Access-Control-Allow-Origin")) {
        response.set_header("Access-Control-Allow-Methods", match.allow);
        response.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id, X-Api-Key");
        response.set_header("Access-Control-Max-Age", "600");
      }
      return response;
    }
  }

  // The router (and with it every handler's service) stays alive until this request is done,
  // even when a reload replaces it meanwhile: settings_ holds it.
  const Router& router = *settings_->router;
  auto match = router.match(request.method, raw_path);
  // Counted under the route the path names, refused or not (the metrics are the operator's).
  if (!match.pattern.empty()) route_ = match.pattern;

  // Guards (authentication) answer before the match is used, so a refused caller cannot tell
  // a missing path from a wrong method.
  if (auto refusal = router.check_guards(request)) {
    apply_cors(request, *refusal);
    return std::move(*refusal);
  }

  // The answer is made in place (a Response made up front and assigned would cost an
  // allocation of its own).
  std::optional<Response> answer;
  if (match.outcome == Router::Outcome::not_found) {
    answer = problem(404, "not_found", "no resource at this path");
  } else if (match.outcome == Router::Outcome::method_not_allowed) {
    answer = problem(405, "method_not_allowed", request.method + " is not allowed here; allowed: " + match.allow);
    answer->set_header("Allow", match.allow);
  } else {
    request.path_params = std::move(match.params);
    // An answer that is ready (a cached view) is taken as it is; otherwise the handler runs
    // (run_handler), with the router kept alive until the request is done.
    try {
      if (match.immediate) answer = (*match.immediate)(request);
    } catch (const std::exception& e) {
      answer = handler_failed(request, e);
    }
    if (!answer) {
      pending = match.handler;
      return std::nullopt;
    }
  }
  apply_cors(request, *answer);
  return answer;
}

// The handler runs until the request's deadline; one that overruns is cancelled.
asio::awaitable<Response> Server::Impl::Session::run_handler(const Handler& handler, Request& request,
                                                             Clock::time_point deadline) {
  Response response;
  try {
    asio::steady_timer timer(socket_.get_executor(), deadline);
    auto outcome = co_await (handler(request) || timer.async_wait(use_tuple));
    if (outcome.index() == 0) {
      response = std::move(std::get<0>(outcome));
    } else {
      response = problem(504, "timeout", "the request did not complete within the request timeout");
    }
  } catch (const std::exception& e) {
    response = handler_failed(request, e);
  }
  apply_cors(request, response);
  co_return response;
}

Response Server::Impl::Session::handler_failed(const Request& request, const std::exception& e) {
  log::write(log::Level::error, request.request_id, "handler failed", {{"error", std::string_view(e.what())}});
  return problem(500, "internal", "internal error; see the service log for this request id");
}

void Server::Impl::Session::apply_cors(const Request& request, Response& response) const {
  const auto& allowed = settings_->options.cors_allowed_origins;
  if (allowed.empty()) return;
  const auto origin = request.header("Origin");
  if (!origin) return;
  const bool any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
  const bool listed = std::find(allowed.begin(), allowed.end(), *origin) != allowed.end();
  if (!any && !listed) return;
  response.set_header("Access-Control-Allow-Origin", listed ? std::string(*origin) : "*");
  response.set_header("Access-Control-Expose-Headers",
                      "X-Request-Id, Age, ETag, Location, Retry-After, Idempotent-Replayed");
  const auto vary = response.headers.empty() ? std::nullopt : find_header(response.headers, "Vary");
  response.set_header("Vary", vary ? std::string(*vary) + ", Origin" : std::string("Origin"));
}

// The head is formatted into a buffer the connection keeps; head and body leave in one
// gathered write, or, for a large body with a sealed file, the head (corked with MSG_MORE) and
// then sendfile(2). Writes are tried at once on the non-blocking socket, without a coroutine;
// only a full socket makes the rest wait (finish_write), under the write's deadline.
Server::Impl::Session::Progress Server::Impl::Session::start_write(const Request& request, Response& response,
                                                                   unsigned version, bool keep_alive) {
  const bool head_request = request.method == "HEAD";
  const auto body = response.body_view();
  timed_out_ = false;  // of an earlier read: this write has its own deadline
  format_head(request, response, version, keep_alive, body.size());
  const std::string_view payload = head_request ? std::string_view() : body;
  const bool by_file = !payload.empty() && payload.size() >= sendfile_min_bytes && response.sealed &&
                       response.shared_body && response.sealed->source() == response.shared_body.get() &&
                       response.sealed->size() == payload.size();
  outgoing_ = Outgoing{};
  outgoing_.buffers[0] = asio::buffer(head_);
  if (by_file) {
    outgoing_.flags = MSG_MORE;
    outgoing_.file = response.sealed.get();
  } else {
    outgoing_.buffers[1] = asio::buffer(payload.data(), payload.size());
  }
  return push();
}

asio::awaitable<bool> Server::Impl::Session::write(const Request& request, Response& response, unsigned version,
                                                   bool keep_alive, Clock::time_point deadline) {
  const auto progress = start_write(request, response, version, keep_alive);
  if (progress != Progress::blocked) co_return progress == Progress::done;
  co_return co_await finish_write(deadline);
}

asio::awaitable<bool> Server::Impl::Session::finish_write(Clock::time_point deadline) {
  const auto write_deadline = std::max(deadline, Clock::now() + answer_write_grace);
  while (true) {
    if (!co_await wait_writable(write_deadline)) co_return false;
    const auto progress = push();
    if (progress == Progress::failed) co_return false;
    if (progress == Progress::done) break;
  }
  unwatch();
  co_return !timed_out_;
}

void Server::Impl::Session::format_head(const Request& request, const Response& response, unsigned version,
                                        bool keep_alive, std::size_t content_length) {
  using namespace std::string_view_literals;
  head_.clear();
  head_ += version == 10 ? "HTTP/1.0 "sv : "HTTP/1.1 "sv;
  append_number(head_, response.status);
  head_ += ' ';
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
  head_.append(reason.data(), reason.size());
  head_ += "\r\n"sv;
  if (!response.content_type.empty() && ascii::is_field_value(response.content_type)) {
    append_field(head_, "Content-Type", response.content_type);
  }
  bool cache_control = false;
  for (const auto& [name, value] : response.headers) {
    // Framing is the server's alone, and no value may start a header of its own.
    if (ascii::iequals(name, "Content-Length") || ascii::iequals(name, "Transfer-Encoding") ||
        ascii::iequals(name, "Connection") || ascii::iequals(name, "X-Request-Id") ||
        !ascii::is_token(name) || !ascii::is_field_value(value)) {
      continue;
    }
    cache_control = cache_control || ascii::iequals(name, "Cache-Control");
    append_field(head_, name, value);
  }
  if (response.fixed_head) head_ += *response.fixed_head;
  // An error is about this request only: no cache keeps it.
  if (response.status >= 400 && !cache_control) append_field(head_, "Cache-Control", "no-store");
  append_field(head_, "X-Request-Id", request.request_id);  // validated or generated (request_id.hpp)
  if (version == 10 && keep_alive) append_field(head_, "Connection", "keep-alive");
  if (version != 10 && !keep_alive) append_field(head_, "Connection", "close");
  if (response.status != 204 && response.status != 304) {
    head_ += "Content-Length: "sv;
    append_number(head_, content_length);
    head_ += "\r\n"sv;
  }
  head_ += "\r\n"sv;
}

// Writes what the socket takes now: the gathered head (and body), then the file.
Server::Impl::Session::Progress Server::Impl::Session::push() {
  auto& out = outgoing_;
  while (out.buffers[0].size() + out.buffers[1].size() > 0) {
    boost::system::error_code ec;
    auto sent = socket_.send(out.buffers, static_cast<asio::socket_base::message_flags>(out.flags), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return Progress::blocked;
    if (ec == asio::error::interrupted) continue;
    if (ec) return Progress::failed;
    for (auto& buffer : out.buffers) {
      const auto used = std::min(sent, buffer.size());
      buffer += used;
      sent -= used;
    }
  }
  if (out.file == nullptr) return Progress::done;
  const auto size = static_cast<off_t>(out.file->size());
  while (out.offset < size) {
    const auto sent = ::sendfile(socket_.native_handle(), out.file->fd(), &out.offset,
                                 static_cast<std::size_t>(size - out.offset));
    if (sent > 0) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Progress::blocked;
    if (sent < 0 && errno == EINTR) continue;
    return Progress::failed;  // the peer is gone (or the file is shorter than it says: never for a sealed one)
  }
  return Progress::done;
}

// The socket is full: wait until it takes more, under the write's deadline.
asio::awaitable<bool> Server::Impl::Session::wait_writable(Clock::time_point deadline) {
  if (deadline_ != deadline) watch(deadline);
  if (timed_out_) co_return false;
  auto [ec] = co_await socket_.async_wait(tcp::socket::wait_write, use_tuple);
  co_return !ec && !timed_out_;
}

void Server::Impl::start() {
  // Bodies go out with sendfile(2), which cannot be told not to raise SIGPIPE on a closed
  // connection (send(2) is, with MSG_NOSIGNAL): the signal is ignored, the write fails instead.
  static std::once_flag sigpipe_ignored;
  std::call_once(sigpipe_ignored, [] { std::signal(SIGPIPE, SIG_IGN); });
  const auto current = settings();
  const auto& options = current->options;
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
    asio::any_io_executor strand = single_thread ? asio::any_io_executor(io.get_executor()) : asio::make_strand(io);
    auto [ec, socket] = co_await acceptor.async_accept(strand, use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining.load()) break;
      // Out of descriptors and the like: back off briefly instead of spinning, and say so at
      // most once a second.
      ++accept_failures_unlogged;
      const auto now = Clock::now();
      if (now - last_accept_warning >= std::chrono::seconds(1)) {
        log::warn("accept failed", {{"error", std::string_view(ec.message())},
                                    {"failures", accept_failures_unlogged}});
        last_accept_warning = now;
        accept_failures_unlogged = 0;
      }
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    admit(std::move(socket), strand);
  }
}

void Server::Impl::admit(tcp::socket socket, asio::any_io_executor strand) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string peer = endpoint.address().to_string();

  const auto current = settings();
  const auto& options = current->options;
  // The general pool, then the reserve for the operational endpoints, then a 503.
  bool reserved = false;
  if (active.load() - reserved_active.load() >= options.max_connections) {
    if (reserved_active.load() >= options.reserved_connections) {
      rejected.fetch_add(1, std::memory_order_relaxed);
      refuse(std::move(socket), 503, "overloaded", "the server is at its connection limit; retry later");
      return;
    }
    reserved = true;
  }
  bool counted = false;
  if (options.max_connections_per_client > 0 && !is_trusted(peer, options.trusted_proxies)) {
    std::lock_guard lock(mutex);
    auto& open = per_client[peer];
    if (open >= options.max_connections_per_client) {
      rejected_per_client.fetch_add(1, std::memory_order_relaxed);
      refuse(std::move(socket), 429, "too_many_connections", "this client has too many open connections");
      return;
    }
    ++open;
    counted = true;
  }
  active.fetch_add(1);
  if (reserved) reserved_active.fetch_add(1);
  auto session = std::make_shared<Session>(shared_from_this(), std::move(socket), std::move(peer), counted, reserved);
  {
    std::lock_guard lock(mutex);
    sessions.emplace(session.get(), session);
  }
  asio::co_spawn(strand, [session] { return session->run(); }, asio::detached);
}

void Server::Impl::refuse(tcp::socket socket, unsigned status, std::string_view code, std::string_view detail) {
  if (rejecting.load() >= max_rejections_in_flight) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  rejecting.fetch_add(1);
  auto executor = socket.get_executor();
  asio::co_spawn(executor, reject(std::move(socket), status, std::string(code), std::string(detail)), asio::detached);
}

asio::awaitable<void> Server::Impl::reject(tcp::socket socket, unsigned status, std::string code, std::string detail) {
  auto self = shared_from_this();
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(rejection_write_timeout);
  const auto body = problem(status, code, detail).body;
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(status), 11};
  message.set(bhttp::field::content_type, "application/problem+json");
  message.set(bhttp::field::retry_after, "1");
  message.set("X-Request-Id", generate_request_id());
  message.keep_alive(false);
  message.body() = body;
  message.prepare_payload();
  co_await bhttp::async_write(stream, message, use_tuple);
  // A request that has already arrived is read away before closing, so the close is not a
  // reset that could destroy the answer.
  boost::system::error_code ignored;
  auto& raw = stream.socket();
  raw.shutdown(tcp::socket::shutdown_send, ignored);
  raw.non_blocking(true, ignored);
  char scratch[4096];
  for (int i = 0; i < 16 && raw.available(ignored) > 0; ++i) raw.read_some(asio::buffer(scratch), ignored);
  raw.close(ignored);
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

void Server::Impl::session_ended(const Session* session, const std::string& counted_peer, bool reserved) {
  std::unique_lock lock(mutex);
  sessions.erase(session);
  if (!counted_peer.empty()) {
    if (auto it = per_client.find(counted_peer); it != per_client.end() && --it->second == 0) per_client.erase(it);
  }
  // The client's slot is free before the connection stops counting as active: whoever sees
  // the active count drop can open a new connection without meeting a stale per-client count.
  if (reserved) reserved_active.fetch_sub(1);
  active.fetch_sub(1);
  maybe_fire_drained(lock);
}

void Server::Impl::maybe_fire_drained(std::unique_lock<std::mutex>& lock) {
  if (!draining.load() || !sessions.empty() || drained_fired || !drained_callback) return;
  drained_fired = true;
  auto callback = drained_callback;
  lock.unlock();
  // Through the acceptor's strand, after its close: whoever hears of the drain finds the
  // listener closed (the close begin_drain posted may not have run yet).
  asio::post(acceptor.get_executor(), [self = shared_from_this(), callback = std::move(callback)]() mutable {
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
    asio::post(self->io, std::move(callback));
  });
}

void Server::Impl::reconfigure(ServerOptions options, std::shared_ptr<const Router> router) {
  std::lock_guard lock(settings_mutex);
  // The socket is bound once: the address stays.
  options.host = settings_now->options.host;
  options.port = settings_now->options.port;
  // Unchanged client rate limits keep their buckets.
  auto limiter = settings_now->limiter;
  const auto& before = settings_now->options;
  if (options.client_rate_limit_rps != before.client_rate_limit_rps ||
      options.client_rate_limit_burst != before.client_rate_limit_burst) {
    limiter = std::make_shared<RateLimiter>(options.client_rate_limit_rps, options.client_rate_limit_burst);
  }
  settings_now = std::make_shared<const Settings>(Settings{std::move(options), std::move(router), std::move(limiter)});
  idle_timeout_ms = settings_now->options.idle_timeout.count();
}

Server::Server(asio::io_context& io, ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(router))) {}

Server::~Server() {
  boost::system::error_code ignored;
  impl_->draining = true;
  impl_->acceptor.close(ignored);
}

void Server::start() { impl_->start(); }
void Server::reconfigure(ServerOptions options, std::shared_ptr<const Router> router) {
  impl_->reconfigure(std::move(options), std::move(router));
}
std::uint16_t Server::port() const { return impl_->bound_port; }
void Server::begin_drain() { impl_->begin_drain(); }
bool Server::draining() const { return impl_->draining.load(); }
void Server::close_all() { impl_->close_all(); }

void Server::on_drained(std::function<void()> callback) {
  std::unique_lock lock(impl_->mutex);
  impl_->drained_callback = std::move(callback);
  impl_->maybe_fire_drained(lock);
}

std::string_view method_label(std::string_view method) noexcept {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

std::string_view status_class(unsigned status) noexcept {
  static constexpr std::string_view classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  if (status < 100 || status > 599) return "other";
  return classes[status / 100 - 1];
}

RequestSeries Server::request_metrics() const { return impl_->request_durations.snapshot(); }

ServerStats Server::stats() const {
  ServerStats stats;
  stats.active_connections = impl_->active.load();
  stats.requests = impl_->requests.load();
  stats.rejected_connections = impl_->rejected.load();
  stats.rejected_per_client = impl_->rejected_per_client.load();
  stats.rate_limited = impl_->rate_limited.load();
  stats.reserved_active = impl_->reserved_active.load();
  stats.requests_in_flight = impl_->in_flight.load();
  return stats;
}

}  // namespace coinfan::http
