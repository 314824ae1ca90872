// Debian's nginx with docker/nginx.conf (ports and /tmp/ paths replaced) in front of two
// `coinfan --demo` instances, as docker/compose.yaml runs them: pass-through, X-Forwarded-For
// believed only from trusted_proxies, X-Request-Id end to end, keep-alive reuse between nginx
// and coinfan, and a rolling restart under load that loses no request nginx accepted.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/logged_process.hpp"
#include "support/ports.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Response = bhttp::response<bhttp::string_body>;
using testing::LoggedProcess;
using namespace std::chrono_literals;

std::uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// A keep-alive HTTP/1.1 client connected from `source` (an address of the loopback network:
// 127.0.0.2 is a client that is not in coinfan's trusted_proxies, 127.0.0.1/32 by default).
class Client {
 public:
  explicit Client(std::uint16_t port, const std::string& source = "127.0.0.1") : socket_(io_) {
    socket_.open(tcp::v4());
    socket_.bind({asio::ip::make_address(source), 0});
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{20, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  // nullopt when the connection failed or closed before a whole answer.
  std::optional<Response> get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, "localhost");
    for (const auto& [name, value] : headers) request.set(name, value);
    boost::system::error_code ec;
    bhttp::write(socket_, request, ec);
    if (ec) return std::nullopt;
    Response response;
    bhttp::read(socket_, buffer_, response, ec);
    if (ec) return std::nullopt;
    return response;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces `from` (which must occur) with `to` everywhere.
void replace_all(std::string& text, const std::string& from, const std::string& to) {
  ASSERT_NE(text.find(from), std::string::npos) << "docker/nginx.conf no longer has: " << from;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Removes every line of `text` that contains `needle`.
void drop_lines_with(std::string& text, const std::string& needle) {
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle)) {
    const auto begin = text.rfind('\n', at);
    const auto end = text.find('\n', at);
    text.erase(begin == std::string::npos ? 0 : begin + 1, end == std::string::npos ? std::string::npos : end - begin);
  }
}

// The access log's client field, in coinfan's JSON or text lines.
bool logs_client(const std::string& line, const std::string& address) {
  return line.find("\"client\":\"" + address + "\"") != std::string::npos ||
         line.find("client=" + address + " ") != std::string::npos || line.ends_with("client=" + address);
}

// TCP connections between another loopback port and `port` that exist now or closed less
// than a minute ago (TIME_WAIT), from /proc/net/tcp: each is one (port, peer port) pair.
std::set<std::uint16_t> peer_ports_of(std::uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  std::set<std::uint16_t> peers;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote;
    fields >> slot >> local >> remote;
    const auto local_port = static_cast<std::uint16_t>(std::stoul(local.substr(local.find(':') + 1), nullptr, 16));
    const auto remote_port = static_cast<std::uint16_t>(std::stoul(remote.substr(remote.find(':') + 1), nullptr, 16));
    if (remote_port == 0) continue;  // a listener
    if (local_port == port) peers.insert(remote_port);
    if (remote_port == port) peers.insert(local_port);
  }
  return peers;
}

class BehindNginx : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/coinfan-nginx-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ::chmod(dir_.c_str(), 0755);
    nginx_port_ = free_port();
    for (auto& port : ports_) port = free_port();
    for (int i = 0; i < 2; ++i) start_coinfan(i);

    std::string config = read_file(std::filesystem::path(COINFAN_SOURCE_DIR) / "docker/nginx.conf");
    replace_all(config, "listen 8080;", "listen 127.0.0.1:" + std::to_string(nginx_port_) + ";");
    replace_all(config, "127.0.0.1:8081", "127.0.0.1:" + std::to_string(ports_[0]));
    replace_all(config, "127.0.0.1:8082", "127.0.0.1:" + std::to_string(ports_[1]));
    // Two of the shipped three replicas are enough to see the balancing, retries and drains.
    drop_lines_with(config, "127.0.0.1:8083");
    replace_all(config, "/tmp/", dir_.string() + "/");
    // One process that a test can always stop (no workers left behind), in the foreground.
    replace_all(config, "worker_processes auto;", "worker_processes 1;\nmaster_process off;\ndaemon off;");
    std::ofstream(dir_ / "nginx.conf") << config;
    nginx_ = std::make_unique<LoggedProcess>(
        COINFAN_NGINX, std::vector<std::string>{"-p", dir_.string(), "-e", "/dev/stderr", "-c", (dir_ / "nginx.conf").string()});
    // Logged after the listening socket is open.
    ASSERT_TRUE(nginx_->wait_for_line("getrlimit(RLIMIT_NOFILE)", 30s)) << nginx_->output();
  }

  void TearDown() override {
    nginx_.reset();
    for (auto& instance : coinfan_) instance.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void start_coinfan(int i) {
    coinfan_[i] = std::make_unique<LoggedProcess>(COINFAN_BINARY,
                                                  std::vector<std::string>{"--demo", "--port", std::to_string(ports_[i])});
    ASSERT_TRUE(coinfan_[i]->wait_for_line("listening", 30s)) << coinfan_[i]->output();
    ASSERT_TRUE(coinfan_[i]->wait_for_line("warm-up", 30s)) << coinfan_[i]->output();
  }

  // The coinfan access log line of the request with this id, from whichever instance nginx
  // chose (nginx's own access log names it).
  std::string coinfan_line(const std::string& request_id) {
    const auto proxied = nginx_->wait_for_line("rid=" + request_id + " ", 10s);
    EXPECT_TRUE(proxied) << nginx_->output();
    if (!proxied) return {};
    const int i = proxied->find("upstream=127.0.0.1:" + std::to_string(ports_[0]) + " ") != std::string::npos ? 0 : 1;
    const auto line = coinfan_[i]->wait_for_line(request_id, 10s);
    EXPECT_TRUE(line) << coinfan_[i]->output();
    return line.value_or("");
  }

  std::filesystem::path dir_;
  std::uint16_t nginx_port_ = 0;
  std::uint16_t ports_[2] = {0, 0};
  std::unique_ptr<LoggedProcess> coinfan_[2];
  std::unique_ptr<LoggedProcess> nginx_;
};

TEST_F(BehindNginx, PassesBalancesThrough) {
  Client direct(ports_[0]);
  Client proxied(nginx_port_);
  for (const std::string target : {"/v1/balances", "/v1/gateways", "/healthz"}) {
    auto through = proxied.get(target, {{"Accept-Encoding", "gzip"}});
    auto straight = direct.get(target, {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(through && straight) << target;
    EXPECT_EQ(through->result_int(), 200u) << target << "\n" << through->body();
    EXPECT_EQ((*through)[bhttp::field::content_type], (*straight)[bhttp::field::content_type]) << target;
    // nginx neither compresses nor drops coinfan's own encoding: what coinfan does, arrives.
    EXPECT_EQ((*through)[bhttp::field::content_encoding], (*straight)[bhttp::field::content_encoding]) << target;
  }
  auto balances = proxied.get("/v1/balances");
  ASSERT_TRUE(balances);
  const auto body = boost::json::parse(balances->body()).as_object();
  EXPECT_TRUE(body.at("complete").as_bool());
  std::set<std::string> gateways;
  for (const auto& balance : body.at("balances").as_array()) gateways.insert(std::string(balance.at("gateway").as_string()));
  EXPECT_EQ(gateways, (std::set<std::string>{"ccp-main", "ccp-legacy", "cloud", "trubit", "kuna"}));
  // The scrape goes to each instance, not through the proxy.
  auto metrics = proxied.get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->result_int(), 404u);
}

TEST_F(BehindNginx, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  // Through nginx (peer 127.0.0.1, trusted): coinfan logs the client nginx saw, 127.0.0.2,
  // and a forged X-Forwarded-For that client sends is not believed (nginx appends the real
  // peer; coinfan takes the first untrusted address from the right).
  Client via_nginx(nginx_port_, "127.0.0.2");
  ASSERT_TRUE(via_nginx.get("/v1/balances", {{"X-Request-Id", "xff-plain"}}));
  const auto plain = coinfan_line("xff-plain");
  EXPECT_TRUE(logs_client(plain, "127.0.0.2")) << plain;
  ASSERT_TRUE(via_nginx.get("/v1/balances", {{"X-Request-Id", "xff-forged"}, {"X-Forwarded-For", "203.0.113.9"}}));
  const auto forged = coinfan_line("xff-forged");
  EXPECT_TRUE(logs_client(forged, "127.0.0.2")) << forged;
  EXPECT_EQ(forged.find("203.0.113.9"), std::string::npos) << forged;

  // Straight to coinfan from 127.0.0.1, a trusted proxy (--demo trusts 127.0.0.1/32): believed.
  Client trusted(ports_[1]);
  ASSERT_TRUE(trusted.get("/v1/balances", {{"X-Request-Id", "xff-trusted"}, {"X-Forwarded-For", "203.0.113.9"}}));
  const auto believed = coinfan_[1]->wait_for_line("xff-trusted", 10s);
  ASSERT_TRUE(believed);
  EXPECT_TRUE(logs_client(*believed, "203.0.113.9")) << *believed;

  // Straight to coinfan from 127.0.0.2 (not a trusted proxy): the header is ignored.
  Client direct(ports_[1], "127.0.0.2");
  ASSERT_TRUE(direct.get("/v1/balances", {{"X-Request-Id", "xff-direct"}, {"X-Forwarded-For", "203.0.113.9"}}));
  const auto line = coinfan_[1]->wait_for_line("xff-direct", 10s);
  ASSERT_TRUE(line);
  EXPECT_TRUE(logs_client(*line, "127.0.0.2")) << *line;
  EXPECT_EQ(line->find("203.0.113.9"), std::string::npos) << *line;
}

TEST_F(BehindNginx, RequestIdIsKeptEndToEnd) {
  Client client(nginx_port_);
  // The caller's id: in the answer and in coinfan's log line.
  auto answer = client.get("/v1/balances", {{"X-Request-Id", "trace-nginx-42"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["X-Request-Id"], "trace-nginx-42");
  EXPECT_NE(coinfan_line("trace-nginx-42").find("trace-nginx-42"), std::string::npos);

  // None given: nginx's $request_id, the same in nginx's log, coinfan's log and the answer.
  answer = client.get("/v1/balances");
  ASSERT_TRUE(answer);
  const std::string id((*answer)["X-Request-Id"]);
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
  EXPECT_NE(coinfan_line(id).find(id), std::string::npos);
}

TEST_F(BehindNginx, ReusesUpstreamConnections) {
  // Connections of the past minute already there (a previous user of the port) do not count.
  const std::set<std::uint16_t> before[2] = {peer_ports_of(ports_[0]), peer_ports_of(ports_[1])};
  constexpr int requests = 40;
  for (int i = 0; i < requests; ++i) {
    Client client(nginx_port_);  // a new client connection each time
    auto answer = client.get("/v1/balances", {{"X-Request-Id", "reuse-" + std::to_string(100 + i)}});
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->result_int(), 200u);
  }
  // Every request reached coinfan (its access log line, from the instance nginx names)...
  for (int i = 0; i < requests; ++i) {
    const auto id = "reuse-" + std::to_string(100 + i);  // same width: none is a prefix of another
    EXPECT_NE(coinfan_line(id).find("request_id"), std::string::npos) << id;
  }
  // ...over a few kept-alive connections, not one each: nginx opened at most one per
  // instance (sequential requests), all still open.
  std::size_t connections = 0;
  for (int i = 0; i < 2; ++i) {
    for (auto peer : peer_ports_of(ports_[i])) connections += before[i].contains(peer) ? 0 : 1;
  }
  EXPECT_GE(connections, 1u);
  EXPECT_LE(connections, 2u) << "nginx opened a connection per request";
}

// A rolling restart under load: two client loops send GETs through nginx while each instance
// in turn gets SIGTERM (it drains and exits 0), is started again on its port, and takes
// traffic again before the other one goes. Every answer is 200.
TEST_F(BehindNginx, RollingRestartLosesNoRequest) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable progress;
  std::size_t answered = 0;
  std::vector<std::string> failures;
  auto loop = [&](int n) {
    std::unique_ptr<Client> client;
    for (int i = 0; !stop.load(); ++i) {
      if (!client) client = std::make_unique<Client>(nginx_port_);
      auto answer = client->get("/v1/balances", {{"X-Request-Id", "roll-" + std::to_string(n) + "-" + std::to_string(i)}});
      std::lock_guard lock(mutex);
      if (!answer) {
        failures.push_back("roll-" + std::to_string(n) + "-" + std::to_string(i) + ": no answer");
        client.reset();
        continue;
      }
      if (answer->result_int() != 200) {
        failures.push_back("roll-" + std::to_string(n) + "-" + std::to_string(i) + ": " +
                           std::to_string(answer->result_int()) + " " + answer->body());
      }
      if (!answer->keep_alive()) client.reset();
      ++answered;
      progress.notify_all();
    }
  };
  auto wait_answered = [&](std::size_t more) {
    std::unique_lock lock(mutex);
    const auto target = answered + more;
    return progress.wait_for(lock, 30s, [&] { return answered >= target; });
  };
  std::thread first(loop, 1);
  std::thread second(loop, 2);
  ASSERT_TRUE(wait_answered(50));

  for (int i = 0; i < 2; ++i) {
    const std::string port = std::to_string(ports_[i]);
    coinfan_[i]->signal(SIGTERM);
    EXPECT_EQ(coinfan_[i]->wait(), 0);
    const auto output = coinfan_[i]->output();
    EXPECT_NE(output.find("draining"), std::string::npos) << output;
    EXPECT_NE(output.find("stopped"), std::string::npos) << output;
    EXPECT_EQ(output.find("drain deadline passed"), std::string::npos) << output;
    // While it is gone the other instance answers everything.
    EXPECT_TRUE(wait_answered(50)) << "no progress while instance " << i << " was down";
    start_coinfan(i);
    // Back in the rotation (nginx tries it again after fail_timeout) before the next goes.
    EXPECT_TRUE(coinfan_[i]->wait_for_line("/v1/balances", 30s)) << "instance " << i << " takes no traffic";
  }
  ASSERT_TRUE(wait_answered(50));
  stop = true;
  first.join();
  second.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " lost of " << answered << ", first: " << failures.front();
  EXPECT_GT(answered, 250u);
}

}  // namespace
}  // namespace coinfan
