// `coinfan --healthcheck`: the image's HEALTHCHECK, run as a child process against a real
// service, a listener that never answers, one that answers 503, and a port nobody listens on.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "support/process.hpp"

namespace coinfan {
namespace {

using testing::ChildProcess;

// A loopback listener on a free port, closed with the test.
struct Listener {
  int fd = -1;
  std::uint16_t port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 8) != 0) {
      throw std::runtime_error("cannot listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~Listener() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

std::pair<int, std::string> healthcheck(std::vector<std::string> args) {
  args.insert(args.begin(), "--healthcheck");
  ChildProcess child(COINFAN_BINARY, std::move(args), true);
  auto output = child.read_all();
  return {child.wait(), output};
}

TEST(Healthcheck, ReadyServiceExits0) {
  const auto path = std::filesystem::temp_directory_path() / ("coinfan-hc-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << R"({ "server": { "listen": "127.0.0.1:0", "threads": 1 }, "log": { "format": "json" } })";
  ChildProcess service(COINFAN_BINARY, {"--config", path.string()});
  const auto listening = service.wait_for_line("\"msg\":\"listening\"", std::chrono::seconds(30));
  ASSERT_TRUE(listening);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)")));
  const std::string port = match[1];

  auto [code, output] = healthcheck({port});
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("127.0.0.1:" + port + "/readyz: 200"), std::string::npos) << output;
  std::tie(code, output) = healthcheck({"http://localhost:" + port + "/healthz"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("localhost:" + port + "/healthz: 200"), std::string::npos) << output;
  // No target: COINFAN_HEALTHCHECK (what the image's HEALTHCHECK relies on).
  ::setenv("COINFAN_HEALTHCHECK", port.c_str(), 1);
  std::tie(code, output) = healthcheck({"--timeout-ms", "1000"});
  ::unsetenv("COINFAN_HEALTHCHECK");
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("127.0.0.1:" + port + "/readyz: 200"), std::string::npos) << output;
  // The probe's own request is in the access log like any other.
  EXPECT_TRUE(service.wait_for_line("\"path\":\"/readyz\"", std::chrono::seconds(10)));

  service.signal(SIGTERM);
  EXPECT_EQ(service.wait(), 0);
  // Stopped: nothing listens any more.
  std::tie(code, output) = healthcheck({port});
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("connect:"), std::string::npos) << output;
}

TEST(Healthcheck, SilentListenerFailsWithinTheTimeout) {
  Listener silent;  // accepts into its backlog, never answers
  const auto started = std::chrono::steady_clock::now();
  auto [code, output] = healthcheck({std::to_string(silent.port), "--timeout-ms", "300"});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("no answer within 300 ms"), std::string::npos) << output;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(Healthcheck, Status503Fails) {
  Listener listener;
  std::thread server([&] {
    const int connection = ::accept(listener.fd, nullptr, nullptr);
    if (connection < 0) return;
    char buffer[1024];
    std::string request;
    while (request.find("\r\n\r\n") == std::string::npos) {
      const auto n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string answer = request.starts_with("GET /readyz HTTP/1.1\r\n")
                                   ? "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                                   : "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    ::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(connection);
  });
  auto [code, output] = healthcheck({"127.0.0.1:" + std::to_string(listener.port)});
  server.join();
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("status 503"), std::string::npos) << output;
}

TEST(Healthcheck, MalformedTargetIsUsageError) {
  auto [code, output] = healthcheck({"http://h:99999/"});
  EXPECT_EQ(code, 2) << output;
  EXPECT_NE(output.find("--healthcheck: cannot read"), std::string::npos) << output;
}

}  // namespace
}  // namespace coinfan
