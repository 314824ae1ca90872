#include "integration/sim/sim_http.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <cctype>
#include <thread>

namespace coinfan::sim::testing {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void set_receive_timeout(tcp::socket& socket, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void write_request(tcp::socket& socket, const HttpRequest& request) {
  bhttp::request<bhttp::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  message.body() = request.body;
  if (!request.body.empty() || request.method == "POST") message.prepare_payload();
  bhttp::write(socket, message);
}

std::optional<HttpReply> read_reply(tcp::socket& socket, boost::beast::flat_buffer& buffer) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  boost::system::error_code ec;
  bhttp::read(socket, buffer, parser, ec);
  if (ec) return std::nullopt;
  auto message = parser.release();
  HttpReply reply;
  reply.status = message.result_int();
  for (const auto& field : message) reply.headers.emplace_back(field.name_string(), field.value());
  reply.body = std::move(message.body());
  return reply;
}

}  // namespace

std::optional<std::string> HttpReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

boost::json::value HttpReply::json() const { return boost::json::parse(body); }

std::optional<HttpReply> exchange(std::uint16_t port, const HttpRequest& request, std::chrono::milliseconds timeout) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  set_receive_timeout(socket, timeout);
  write_request(socket, request);
  boost::beast::flat_buffer buffer;
  return read_reply(socket, buffer);
}

struct Connection::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
};

Connection::Connection(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
  set_receive_timeout(impl_->socket, std::chrono::seconds(10));
}

Connection::~Connection() = default;

std::optional<HttpReply> Connection::send(const HttpRequest& request) {
  write_request(impl_->socket, request);
  return read_reply(impl_->socket, impl_->buffer);
}

std::optional<HttpReply> Connection::send_raw(std::string_view bytes) {
  asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()));
  return read_reply(impl_->socket, impl_->buffer);
}

bool Connection::closed_by_peer() {
  if (impl_->buffer.size() > 0) return false;
  char byte = 0;
  boost::system::error_code ec;
  impl_->socket.read_some(asio::buffer(&byte, 1), ec);
  return static_cast<bool>(ec);
}

SlowObservation observe_with_deadline(std::uint16_t port, const HttpRequest& request,
                                      std::chrono::milliseconds deadline) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  write_request(socket, request);
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::string received;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{socket.native_handle(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char chunk[4096];
    boost::system::error_code ec;
    const auto n = socket.read_some(asio::buffer(chunk), ec);
    if (ec) break;
    received.append(chunk, n);
  }
  SlowObservation seen;
  const auto end_of_head = received.find("\r\n\r\n");
  if (end_of_head == std::string::npos) return seen;
  seen.headers_received = true;
  const std::string head = received.substr(0, end_of_head);
  if (head.size() > 12) seen.status = static_cast<unsigned>(std::stoi(head.substr(9, 3)));
  std::size_t line = 0;
  while (line < head.size()) {
    const auto next = head.find("\r\n", line);
    const std::string field = head.substr(line, next == std::string::npos ? std::string::npos : next - line);
    const auto colon = field.find(':');
    if (colon != std::string::npos && iequals(field.substr(0, colon), "Content-Length")) {
      seen.content_length = static_cast<std::size_t>(std::stoul(field.substr(colon + 1)));
    }
    if (next == std::string::npos) break;
    line = next + 2;
  }
  seen.body_bytes = received.size() - end_of_head - 4;
  seen.complete = seen.body_bytes >= seen.content_length;
  return seen;
}

struct SimHarness::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{asio::make_work_guard(io)};
  std::vector<std::unique_ptr<Simulator>> simulators;
  std::vector<std::thread> threads;
};

SimHarness::SimHarness(unsigned threads) : impl_(std::make_unique<Impl>()) {
  for (unsigned i = 0; i < threads; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
}

SimHarness::~SimHarness() {
  impl_->simulators.clear();  // each stops: listener and connections closed
  impl_->work.reset();
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
}

Simulator& SimHarness::start(std::shared_ptr<Provider> provider, SimulatorOptions options) {
  impl_->simulators.push_back(Simulator::start(impl_->io, std::move(provider), options));
  return *impl_->simulators.back();
}

Simulator& SimHarness::start(config::GatewayType type) {
  impl_->simulators.push_back(Simulator::start(impl_->io, type));
  return *impl_->simulators.back();
}

asio::io_context& SimHarness::io() { return impl_->io; }

}  // namespace coinfan::sim::testing
