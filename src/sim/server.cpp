// The simulators' HTTP side: a small Beast coroutine server on loopback that counts requests,
// asks the Provider for the answer and applies injected faults on the wire. Kept apart from
// the production http::Server on purpose: it must be able to misbehave (drop a connection
// after reading a request, trickle a body), which a correct server never does.

#include "coinfan/sim/simulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "coinfan/sim/demo.hpp"

namespace coinfan::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// --- Fault ------------------------------------------------------------------------------------

Fault Fault::latency_of(std::chrono::milliseconds delay) {
  Fault fault;
  fault.kind = Kind::latency;
  fault.delay = delay;
  return fault;
}

Fault Fault::http_status_of(unsigned status) {
  Fault fault;
  fault.kind = Kind::http_status;
  fault.status = status;
  return fault;
}

Fault Fault::provider_error_of(std::string code, std::string message) {
  Fault fault;
  fault.kind = Kind::provider_error;
  fault.provider_code = std::move(code);
  fault.provider_message = std::move(message);
  return fault;
}

namespace {
Fault of_kind(Fault::Kind kind) {
  Fault fault;
  fault.kind = kind;
  return fault;
}
}  // namespace

Fault Fault::malformed_json() { return of_kind(Kind::malformed_json); }
Fault Fault::truncated_json() { return of_kind(Kind::truncated_json); }
Fault Fault::tampered_signature() { return of_kind(Kind::tampered_signature); }
Fault Fault::token_expiry() { return of_kind(Kind::token_expiry); }
Fault Fault::drop_connection() { return of_kind(Kind::drop_connection); }

Fault Fault::slow_body_of(std::chrono::milliseconds delay_per_chunk, std::size_t chunk_bytes) {
  Fault fault;
  fault.kind = Kind::slow_body;
  fault.delay = delay_per_chunk;
  fault.chunk_bytes = chunk_bytes;
  return fault;
}

std::string_view to_string(Fault::Kind kind) noexcept {
  switch (kind) {
    case Fault::Kind::latency: return "latency";
    case Fault::Kind::http_status: return "http_status";
    case Fault::Kind::provider_error: return "provider_error";
    case Fault::Kind::malformed_json: return "malformed_json";
    case Fault::Kind::truncated_json: return "truncated_json";
    case Fault::Kind::tampered_signature: return "tampered_signature";
    case Fault::Kind::token_expiry: return "token_expiry";
    case Fault::Kind::drop_connection: return "drop_connection";
    case Fault::Kind::slow_body: return "slow_body";
  }
  return "unknown";
}

namespace {

// What the injected faults do to one request, decided when it arrives.
struct FaultPlan {
  std::chrono::milliseconds early_delay{0};  // before the provider handles the request
  bool early_drop = false;                   // closed before the provider handles it
  std::chrono::milliseconds delay{0};
  std::optional<Fault> replacement;  // http_status or provider_error: the answer instead
  bool malformed = false;
  bool truncated = false;
  bool tamper = false;
  bool expire_tokens = false;
  bool drop = false;
  bool slow = false;
  std::chrono::milliseconds slow_delay{0};
  std::size_t chunk_bytes = 8;
};

bool fault_matches(const Fault& fault, std::string_view path, std::string_view body) {
  if (!fault.body_contains.empty() && body.find(fault.body_contains) == std::string_view::npos) return false;
  if (fault.path.empty()) return true;
  if (fault.path.front() == '/') return fault.path == path;
  const auto slash = path.rfind('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == fault.path;
}

// A reverse proxy's error page, as nginx sends it.
Reply proxy_page(unsigned status) {
  const auto known = bhttp::int_to_status(status);
  const auto phrase = bhttp::obsolete_reason(known);
  const std::string reason = known == bhttp::status::unknown ? std::string("Error")
                                                             : std::string(phrase.data(), phrase.size());
  Reply reply;
  reply.status = status;
  reply.content_type = "text/html";
  const std::string title = std::to_string(status) + " " + reason;
  reply.body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
               "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
  if (status == 429 || status == 503) reply.set_header("Retry-After", "1");
  return reply;
}

// Invalid JSON that is otherwise the real answer: a stray ',' before the closing bracket.
std::string malformed(std::string body) {
  const auto last = body.find_last_of("}]");
  if (last == std::string::npos) return body + "{";
  body.insert(last, ",");
  return body;
}

bool header_safe(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos && !text.empty();
}

std::string serialize_head(const Reply& reply, std::size_t body_size, bool keep_alive) {
  const auto known = bhttp::int_to_status(reply.status);
  const auto reason = bhttp::obsolete_reason(known);
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  if (known == bhttp::status::unknown) {
    head.append("Unknown");
  } else {
    head.append(reason.data(), reason.size());
  }
  head += "\r\nServer: coinfan-sim\r\n";
  if (header_safe(reply.content_type)) head += "Content-Type: " + reply.content_type + "\r\n";
  for (const auto& [name, value] : reply.headers) {
    if (!header_safe(name) || value.find_first_of("\r\n") != std::string::npos) continue;
    head += name + ": " + value + "\r\n";
  }
  head += "Content-Length: " + std::to_string(body_size) + "\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)), timer(stream.get_executor()) {}

  // On the connection's strand only.
  void close() {
    timer.cancel();
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }

  beast::tcp_stream stream;
  asio::steady_timer timer;
  beast::flat_buffer buffer;
};

}  // namespace

// --- Impl -------------------------------------------------------------------------------------

struct Simulator::Impl : std::enable_shared_from_this<Simulator::Impl> {
  Impl(asio::io_context& io_context, std::shared_ptr<Provider> p, SimulatorOptions o)
      : io(io_context), provider(std::move(p)), options(std::move(o)), acceptor(asio::make_strand(io_context)) {}

  asio::io_context& io;
  std::shared_ptr<Provider> provider;
  SimulatorOptions options;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::atomic<bool> stopped{false};

  mutable std::mutex mutex;
  std::vector<Fault> faults;
  std::map<std::string, std::uint64_t> counts;
  std::vector<std::chrono::steady_clock::time_point> arrivals;  // of the counted requests, the first max_arrivals
  std::uint64_t total = 0;
  std::uint64_t accepted = 0;
  std::uint64_t next_connection = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;

  void listen() {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
    asio::co_spawn(acceptor.get_executor(), accept_loop(shared_from_this()), asio::detached);
  }

  // Registers a new connection; false once stopped (the caller closes it).
  std::optional<std::uint64_t> track(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex);
    if (stopped.load()) return std::nullopt;
    ++accepted;
    const auto id = next_connection++;
    connections.emplace(id, connection);
    return id;
  }

  void untrack(std::uint64_t id) {
    std::lock_guard lock(mutex);
    connections.erase(id);
  }

  // Counts the request and takes the faults that apply to it.
  FaultPlan admit(const std::string& path, std::string_view body) {
    std::lock_guard lock(mutex);
    ++total;
    ++counts[path];
    if (arrivals.size() < max_arrivals) arrivals.push_back(std::chrono::steady_clock::now());
    FaultPlan plan;
    for (auto it = faults.begin(); it != faults.end();) {
      if (!fault_matches(*it, path, body)) {
        ++it;
        continue;
      }
      const Fault& fault = *it;
      switch (fault.kind) {
        case Fault::Kind::latency:
          (fault.act_before_handling ? plan.early_delay : plan.delay) += fault.delay;
          break;
        case Fault::Kind::http_status:
        case Fault::Kind::provider_error:
          if (!plan.replacement) plan.replacement = fault;
          break;
        case Fault::Kind::malformed_json: plan.malformed = true; break;
        case Fault::Kind::truncated_json: plan.truncated = true; break;
        case Fault::Kind::tampered_signature: plan.tamper = true; break;
        case Fault::Kind::token_expiry: plan.expire_tokens = true; break;
        case Fault::Kind::drop_connection:
          (fault.act_before_handling ? plan.early_drop : plan.drop) = true;
          break;
        case Fault::Kind::slow_body:
          plan.slow = true;
          plan.slow_delay = fault.delay;
          plan.chunk_bytes = std::max<std::size_t>(1, fault.chunk_bytes);
          break;
      }
      if (it->remaining > 0 && --it->remaining == 0) {
        it = faults.erase(it);
      } else {
        ++it;
      }
    }
    return plan;
  }

  // The answer for one request with the plan's changes; never throws.
  Reply respond(const SimRequest& request, const FaultPlan& plan) {
    Reply reply;
    try {
      if (plan.replacement && plan.replacement->kind == Fault::Kind::http_status) {
        reply = proxy_page(plan.replacement->status == 0 ? 500 : plan.replacement->status);
      } else if (plan.replacement) {
        reply = provider->error_reply(plan.replacement->provider_code, plan.replacement->provider_message,
                                      plan.replacement->status);
      } else {
        reply = provider->handle(request);
      }
      if (plan.malformed) reply.body = malformed(std::move(reply.body));
      if (plan.truncated) reply.body.resize(reply.body.size() / 2);
      if (reply.signable) provider->sign_response(reply);
      if (plan.tamper) {
        for (auto& [name, value] : reply.headers) {
          if (name == "Sign" && !value.empty()) value.back() = value.back() == '0' ? '1' : '0';
        }
      }
    } catch (const std::exception&) {
      reply = Reply{};
      reply.status = 500;
      reply.content_type = "text/plain";
      reply.body = "simulator internal error";
    }
    return reply;
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self);
  static asio::awaitable<void> serve(std::shared_ptr<Impl> self, std::shared_ptr<Connection> connection,
                                     std::uint64_t id);
  static asio::awaitable<void> serve_requests(Impl& self, Connection& connection);
};

asio::awaitable<void> Simulator::Impl::accept_loop(std::shared_ptr<Impl> self) {
  while (!self->stopped.load()) {
    asio::any_io_executor strand = asio::make_strand(self->io);
    auto [ec, socket] = co_await self->acceptor.async_accept(strand, use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || self->stopped.load() || !self->acceptor.is_open()) co_return;
      // Out of descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer pause(self->acceptor.get_executor(), std::chrono::milliseconds(20));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(std::move(socket));
    const auto id = self->track(connection);
    if (!id) {
      asio::post(connection->stream.get_executor(), [connection] { connection->close(); });
      continue;
    }
    asio::co_spawn(connection->stream.get_executor(), serve(self, connection, *id), asio::detached);
  }
}

asio::awaitable<void> Simulator::Impl::serve(std::shared_ptr<Impl> self, std::shared_ptr<Connection> connection,
                                             std::uint64_t id) {
  try {
    co_await serve_requests(*self, *connection);
  } catch (const std::exception&) {
    // A bug must not take the process down; the connection just ends.
  }
  connection->close();
  self->untrack(id);
}

asio::awaitable<void> Simulator::Impl::serve_requests(Impl& self, Connection& connection) {
  // `self` and `connection` are owned by serve()'s frame for the whole call.
  auto& stream = connection.stream;
  while (!self.stopped.load()) {
    // Read one request (headers and body) under the idle timeout.
    stream.expires_after(self.options.idle_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(self.options.max_request_header_bytes, UINT32_MAX)));
    parser.body_limit(self.options.max_request_body_bytes);
    auto [read_ec, read_n] = co_await bhttp::async_read(stream, connection.buffer, parser, use_tuple);
    (void)read_n;
    if (read_ec) {
      // A malformed request gets a plain answer and a closed connection; EOF, resets and
      // timeouts just end the connection.
      if (read_ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
          read_ec != bhttp::error::end_of_stream && read_ec != bhttp::error::partial_message) {
        Reply reply;
        reply.content_type = "text/plain";
        reply.status = read_ec == bhttp::error::body_limit     ? 413
                       : read_ec == bhttp::error::header_limit ? 431
                                                               : 400;
        reply.body = "bad request";
        std::string bytes = serialize_head(reply, reply.body.size(), false) + reply.body;
        stream.expires_after(self.options.write_timeout);
        co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
      }
      co_return;
    }

    auto& message = parser.get();
    SimRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : message) request.headers.emplace_back(field.name_string(), field.value());
    request.body = std::move(message.body());
    const bool keep_alive = message.keep_alive();

    const FaultPlan plan = self.admit(request.path, request.body);
    if (plan.expire_tokens) self.provider->expire_tokens();
    // Faults that act before the provider sees the request.
    if (plan.early_delay.count() > 0) {
      connection.timer.expires_after(plan.early_delay);
      auto [wait_ec] = co_await connection.timer.async_wait(use_tuple);
      if (wait_ec || self.stopped.load()) co_return;
    }
    if (plan.early_drop) co_return;
    const Reply reply = self.respond(request, plan);

    // Latency: the request has been handled; the answer waits.
    if (plan.delay.count() > 0) {
      connection.timer.expires_after(plan.delay);
      auto [wait_ec] = co_await connection.timer.async_wait(use_tuple);
      if (wait_ec || self.stopped.load()) co_return;
    }
    // Dropped: handled, then the connection closes without a byte of answer.
    if (plan.drop) co_return;

    const std::string head = serialize_head(reply, reply.body.size(), keep_alive);
    if (!plan.slow) {
      std::string bytes = head + reply.body;
      stream.expires_after(self.options.write_timeout);
      auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
      (void)written;
      if (write_ec) co_return;
    } else {
      // Slow body: headers now, then the body piece by piece, each after `slow_delay`.
      stream.expires_after(self.options.write_timeout);
      auto [head_ec, head_n] = co_await asio::async_write(stream, asio::buffer(head), use_tuple);
      (void)head_n;
      if (head_ec) co_return;
      for (std::size_t offset = 0; offset < reply.body.size(); offset += plan.chunk_bytes) {
        connection.timer.expires_after(plan.slow_delay);
        auto [wait_ec] = co_await connection.timer.async_wait(use_tuple);
        if (wait_ec || self.stopped.load()) co_return;
        const std::size_t size = std::min(plan.chunk_bytes, reply.body.size() - offset);
        stream.expires_after(self.options.write_timeout);
        auto [chunk_ec, chunk_n] =
            co_await asio::async_write(stream, asio::buffer(reply.body.data() + offset, size), use_tuple);
        (void)chunk_n;
        if (chunk_ec) co_return;
      }
    }
    if (!keep_alive) co_return;
  }
}

// --- Simulator --------------------------------------------------------------------------------

Simulator::Simulator(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Simulator::~Simulator() { stop(); }

std::unique_ptr<Simulator> Simulator::start(asio::io_context& io, std::shared_ptr<Provider> provider,
                                            SimulatorOptions options) {
  if (!provider) throw std::invalid_argument("Simulator::start: no provider");
  auto impl = std::make_shared<Impl>(io, std::move(provider), std::move(options));
  impl->listen();
  return std::unique_ptr<Simulator>(new Simulator(std::move(impl)));
}

std::unique_ptr<Simulator> Simulator::start(asio::io_context& io, config::GatewayType type,
                                            SimulatorOptions options) {
  return start(io, make_demo_provider(type), std::move(options));
}

std::uint16_t Simulator::port() const noexcept { return impl_->port; }

std::string Simulator::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

config::GatewayType Simulator::type() const noexcept { return impl_->provider->type(); }

config::GatewayConfig Simulator::gateway_config(std::string id) const {
  return impl_->provider->gateway_config(std::move(id), base_url());
}

Provider& Simulator::provider() const noexcept { return *impl_->provider; }

std::shared_ptr<Provider> Simulator::shared_provider() const { return impl_->provider; }

void Simulator::inject(Fault fault) {
  if (fault.kind == Fault::Kind::tampered_signature && !impl_->provider->signs_responses()) {
    throw std::invalid_argument("tampered_signature: this provider does not sign its responses");
  }
  if (fault.kind == Fault::Kind::token_expiry && !impl_->provider->issues_tokens()) {
    throw std::invalid_argument("token_expiry: this provider issues no tokens");
  }
  if (fault.remaining == 0) return;
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back(std::move(fault));
}

void Simulator::clear_faults() {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.clear();
}

std::size_t Simulator::active_faults() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->faults.size();
}

void Simulator::expire_tokens() { impl_->provider->expire_tokens(); }

void Simulator::set_clock(SystemClock clock) { impl_->provider->set_clock(std::move(clock)); }

std::uint64_t Simulator::requests(std::string_view path) const {
  std::lock_guard lock(impl_->mutex);
  if (path.empty()) return impl_->total;
  const auto it = impl_->counts.find(std::string(path));
  return it == impl_->counts.end() ? 0 : it->second;
}

std::vector<std::chrono::steady_clock::time_point> Simulator::request_times() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->arrivals;
}

std::map<std::string, std::uint64_t> Simulator::request_counts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counts;
}

void Simulator::reset_counters() {
  std::lock_guard lock(impl_->mutex);
  impl_->counts.clear();
  impl_->arrivals.clear();
  impl_->total = 0;
}

std::uint64_t Simulator::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}

void Simulator::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  auto impl = impl_;
  asio::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(impl->mutex);
    for (const auto& [id, weak] : impl->connections) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) {
    asio::post(connection->stream.get_executor(), [connection] { connection->close(); });
  }
}

}  // namespace coinfan::sim
