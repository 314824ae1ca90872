#include "coinfan/app/healthcheck.hpp"
#include "coinfan/core/ascii.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coinfan::app {

namespace {

using Clock = std::chrono::steady_clock;

// 1 to 65535.
std::optional<std::uint16_t> parse_port(std::string_view text) {
  const auto port = ascii::parse_unsigned<std::uint16_t>(text);
  return port && *port != 0 ? port : std::nullopt;
}

bool valid_host(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == ':' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// A file descriptor closed on every path out.
struct Descriptor {
  int fd = -1;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

int milliseconds_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on `fd` until the deadline; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const int left = milliseconds_left(deadline);
    if (left == 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, left);
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

int fail(std::ostream& out, const HealthcheckTarget& target, const std::string& why) {
  out << "coinfan healthcheck: " << target.host << ':' << target.port << target.path << ": " << why << '\n';
  return 1;
}

}  // namespace

std::optional<HealthcheckTarget> parse_healthcheck_target(std::string_view text) {
  HealthcheckTarget target;
  bool url = false;
  if (text.starts_with("http://")) {
    url = true;
    text.remove_prefix(7);
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
      target.path = std::string(text.substr(slash));
      text = text.substr(0, slash);
    }
    for (char c : target.path) {
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return std::nullopt;
    }
  }
  std::string_view host;
  std::optional<std::string_view> port_text;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return std::nullopt;
      port_text = rest.substr(1);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  } else if (url) {
    host = text;
  } else {
    port_text = text;  // a bare port: loopback
  }
  if (!host.empty() || url) {
    if (!valid_host(host)) return std::nullopt;
    target.host = std::string(host);
  }
  if (port_text) {
    auto port = parse_port(*port_text);
    if (!port) return std::nullopt;
    target.port = *port;
  } else if (url) {
    target.port = 80;
  } else {
    return std::nullopt;
  }
  return target;
}

int run_healthcheck(const HealthcheckTarget& target, std::chrono::milliseconds timeout, std::ostream& out) {
  const auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const auto port_text = std::to_string(target.port);
  if (const int rc = ::getaddrinfo(target.host.c_str(), port_text.c_str(), &hints, &found); rc != 0) {
    return fail(out, target, std::string("cannot resolve: ") + ::gai_strerror(rc));
  }
  Descriptor socket;
  std::string why = "no address";
  for (auto* address = found; address != nullptr; address = address->ai_next) {
    Descriptor candidate{::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
    if (candidate.fd < 0) {
      why = std::string("socket: ") + std::strerror(errno);
      continue;
    }
    if (::connect(candidate.fd, address->ai_addr, address->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        why = std::string("connect: ") + std::strerror(errno);
        continue;
      }
      if (!wait_for(candidate.fd, POLLOUT, deadline)) {
        why = "connect: timed out";
        continue;
      }
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(candidate.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0) {
        why = std::string("connect: ") + std::strerror(error);
        continue;
      }
    }
    std::swap(socket.fd, candidate.fd);
    break;
  }
  ::freeaddrinfo(found);
  if (socket.fd < 0) return fail(out, target, why);

  const bool v6_literal = target.host.find(':') != std::string::npos;
  const std::string request = "GET " + target.path + " HTTP/1.1\r\nHost: " + (v6_literal ? "[" : "") + target.host +
                              (v6_literal ? "]" : "") + ":" + port_text +
                              "\r\nUser-Agent: coinfan-healthcheck\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(socket.fd, POLLOUT, deadline)) return fail(out, target, "send: timed out");
    const auto n = ::send(socket.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return fail(out, target, std::string("send: ") + std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }

  // Only the status line matters.
  std::string head;
  while (head.find("\r\n") == std::string::npos && head.size() < 512) {
    if (!wait_for(socket.fd, POLLIN, deadline)) return fail(out, target, "no answer within " + std::to_string(timeout.count()) + " ms");
    char buffer[512];
    const auto n = ::recv(socket.fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return fail(out, target, std::string("receive: ") + std::strerror(errno));
    }
    if (n == 0) break;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  const auto line = head.substr(0, head.find("\r\n"));
  if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ') {
    return fail(out, target, "not an HTTP answer");
  }
  const auto status = line.substr(9, 3);
  if (status != "200") return fail(out, target, "status " + status);
  out << "coinfan healthcheck: " << target.host << ':' << target.port << target.path << ": 200\n";
  return 0;
}

}  // namespace coinfan::app
