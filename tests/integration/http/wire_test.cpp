// How the server puts answers on the wire: the head it formats itself, head and body in one
// gathered write or a sealed file sent with sendfile(2), a route's immediate answer taken
// without its handler, writes that wait for a slow reader under the request's deadline, and
// the keep-alive deadline that moves with every request.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::http {
namespace {

using testing::HttpTestServer;
using testing::RawConnection;
using testing::get_request;
using Clock = std::chrono::steady_clock;

std::string pattern_bytes(std::size_t size, char seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(seed)) % 26);
  return out;
}

// A response whose shared body has been changed after its sealed file was made: the bytes on
// the wire tell which of the two the server sent.
Response sealed_then_changed(std::size_t size) {
  auto bytes = std::make_shared<std::string>(pattern_bytes(size, 'f'));
  auto sealed = SealedBody::make(*bytes);
  std::fill(bytes->begin(), bytes->end(), 'm');
  Response response;
  response.shared_body = bytes;
  response.sealed = std::move(sealed);
  return response;
}

// What a sealed body's file holds, read back from its descriptor.
std::string contents_of(const SealedBody& sealed) {
  std::string back(sealed.size(), '\0');
  EXPECT_EQ(::pread(sealed.fd(), back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
  return back;
}

// The preferred kind: an unnamed file on a disk filesystem, held read-only.
TEST(SealedBody, ADiskFileHasNoNameHoldsTheBytesAndCannotBeChanged) {
  const std::string source = pattern_bytes(100000, 'd');
  auto sealed = SealedBody::make(source);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->kind(), SealedBody::Kind::disk_file) << SealedBody::default_directory << " takes no O_TMPFILE";
  EXPECT_EQ(sealed->size(), source.size());
  EXPECT_EQ(sealed->source(), &source);
  struct stat status {};
  ASSERT_EQ(::fstat(sealed->fd(), &status), 0);
  EXPECT_EQ(status.st_nlink, 0u) << "the file must never have a name";
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  EXPECT_EQ(::fcntl(sealed->fd(), F_GETFL) & O_ACCMODE, O_RDONLY);
  EXPECT_LT(::pwrite(sealed->fd(), "x", 1, 0), 0);
  EXPECT_NE(::ftruncate(sealed->fd(), 10), 0);
  EXPECT_EQ(contents_of(*sealed), source);
}

TEST(SealedBody, WithoutADirectoryOrWhereNoneTakesAFileItIsASealedMemfd) {
  const std::string source = pattern_bytes(30000, 'm');
  for (const char* directory : {"", "/proc"}) {
    auto sealed = SealedBody::make(source, directory);
    ASSERT_TRUE(sealed) << directory;
    EXPECT_EQ(sealed->kind(), SealedBody::Kind::memory_file) << directory;
    EXPECT_EQ(contents_of(*sealed), source);
  }
}

TEST(SealedBody, HoldsTheBytesAndRefusesEveryChange) {
  const std::string source = pattern_bytes(100000, 's');
  auto sealed = SealedBody::make(source, "");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), source.size());
  EXPECT_EQ(sealed->source(), &source);
  const int seals = ::fcntl(sealed->fd(), F_GET_SEALS);
  EXPECT_EQ(seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
            F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  EXPECT_LT(::pwrite(sealed->fd(), "x", 1, 0), 0);
  EXPECT_NE(::ftruncate(sealed->fd(), 10), 0);
  EXPECT_EQ(contents_of(*sealed), source);
}

TEST(SealedBody, TheFileIsClosedWithItsLastOwner) {
  int fd = -1;
  {
    auto sealed = SealedBody::make(pattern_bytes(20000, 'c'));
    ASSERT_TRUE(sealed);
    fd = sealed->fd();
    EXPECT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC);
  }
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
}

TEST(HttpWire, ALargeSealedBodyGoesOutFromItsFileWhole) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/big", sync_handler([](const Request&) { return sealed_then_changed(300000); }));
  HttpTestServer server(ServerOptions{}, router);
  RawConnection connection(server.port());
  for (int i = 0; i < 2; ++i) {  // keep-alive: the connection stays framed after a sendfile
    connection.send(get_request("/big"));
    auto response = connection.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body(), pattern_bytes(300000, 'f'));  // the file's bytes, not the changed memory
  }
  connection.send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = connection.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->at(boost::beast::http::field::content_length), "300000");
  connection.send(get_request("/big"));
  auto after = connection.read_response();
  ASSERT_TRUE(after);  // HEAD sent no body bytes: the next answer parses
  EXPECT_EQ(after->body().size(), 300000u);
}

TEST(HttpWire, ASmallBodyOrAFileOfOtherBytesIsSentFromMemory) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/small", sync_handler([](const Request&) { return sealed_then_changed(1000); }));
  router->add("GET", "/stranger", sync_handler([](const Request&) {
                auto response = sealed_then_changed(50000);
                // A sealed file made from other bytes than the body the response carries.
                response.shared_body = std::make_shared<const std::string>(pattern_bytes(50000, 'o'));
                return response;
              }));
  HttpTestServer server(ServerOptions{}, router);
  RawConnection connection(server.port());
  connection.send(get_request("/small"));
  auto small = connection.read_response();
  ASSERT_TRUE(small);
  EXPECT_EQ(small->body(), std::string(1000, 'm'));
  connection.send(get_request("/stranger"));
  auto stranger = connection.read_response();
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->body(), pattern_bytes(50000, 'o'));
}

TEST(HttpWire, AnImmediateAnswerIsTakenWithoutTheHandler) {
  std::atomic<int> handled{0};
  std::atomic<bool> ready{false};
  auto router = std::make_shared<Router>();
  router->add(
      "GET", "/view", sync_handler([&](const Request&) {
        ++handled;
        return json_response(200, R"({"from":"handler"})");
      }),
      [&](const Request& request) -> std::optional<Response> {
        if (!ready) return std::nullopt;
        return json_response(200, R"({"from":"immediate","query":")" + request.query + "\"}");
      });
  HttpTestServer server(ServerOptions{}, router);
  RawConnection connection(server.port());
  connection.send(get_request("/view"));
  auto slow = connection.read_response();
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->body(), R"({"from":"handler"})");
  EXPECT_EQ(handled.load(), 1);
  ready = true;
  connection.send(get_request("/view?x=1"));
  auto quick = connection.read_response();
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->body(), R"({"from":"immediate","query":"x=1"})");
  EXPECT_EQ(handled.load(), 1);
}

TEST(HttpWire, AThrowingImmediateAnswerIsA500) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/view", sync_handler([](const Request&) { return json_response(200, "{}"); }),
              [](const Request&) -> std::optional<Response> { throw std::runtime_error("broken cache"); });
  HttpTestServer server(ServerOptions{}, router);
  RawConnection connection(server.port());
  connection.send(get_request("/view"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 500u);
  EXPECT_EQ(response->body().find("broken cache"), std::string::npos);
}

TEST(HttpWire, AWrapperThatReplacesTheHandlerAlsoReplacesTheImmediateAnswer) {
  Router router;
  router.add("GET", "/v1/view", sync_handler([](const Request&) { return json_response(200, "{}"); }),
             [](const Request&) -> std::optional<Response> { return json_response(200, "{}"); });
  router.add("GET", "/v1/kept", sync_handler([](const Request&) { return json_response(200, "{}"); }),
             [](const Request&) -> std::optional<Response> { return json_response(200, "{}"); });
  router.wrap("/v1/", [](const std::string&, const Handler& handler) -> std::optional<Handler> {
    return handler;  // a replacement (here the same function): the immediate answer would bypass it
  });
  EXPECT_EQ(router.match("GET", "/v1/view").immediate, nullptr);
  Router untouched;
  untouched.add("GET", "/v1/kept", sync_handler([](const Request&) { return json_response(200, "{}"); }),
                [](const Request&) -> std::optional<Response> { return json_response(200, "{}"); });
  untouched.wrap("/v1/", [](const std::string&, const Handler&) -> std::optional<Handler> { return std::nullopt; });
  EXPECT_NE(untouched.match("GET", "/v1/kept").immediate, nullptr);
}

TEST(HttpWire, HeaderValuesThatWouldSplitTheAnswerAndFramingHeadersAreDropped) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/h", sync_handler([](const Request&) {
                auto response = json_response(200, R"({"ok":true})");
                response.set_header("X-Split", "a\r\nInjected: yes");
                response.set_header("X-Bare-Lf", "b\nInjected-Too: yes");
                response.set_header("Content-Length", "5");
                response.set_header("Transfer-Encoding", "chunked");
                response.set_header("X-Fine", "kept");
                return response;
              }));
  HttpTestServer server(ServerOptions{}, router);
  RawConnection connection(server.port());
  connection.send(get_request("/h"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), R"({"ok":true})");
  EXPECT_EQ(response->count("Injected"), 0u);
  EXPECT_EQ(response->count("Injected-Too"), 0u);
  EXPECT_EQ(response->count("X-Split"), 0u);
  EXPECT_EQ(response->count(boost::beast::http::field::transfer_encoding), 0u);
  EXPECT_EQ(response->at(boost::beast::http::field::content_length), "11");
  EXPECT_EQ(response->at("X-Fine"), "kept");
}

TEST(HttpWire, Http10KeepAliveIsAnnouncedAndHttp10WithoutItCloses) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/healthz", sync_handler([](const Request&) { return json_response(200, R"({"status":"ok"})"); }));
  HttpTestServer server(ServerOptions{}, router);
  RawConnection connection(server.port());
  connection.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto kept = connection.read_response();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->version(), 10u);
  EXPECT_EQ(kept->at(boost::beast::http::field::connection), "keep-alive");
  connection.send("GET /healthz HTTP/1.0\r\n\r\n");
  auto last = connection.read_response();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->body(), R"({"status":"ok"})");
  EXPECT_EQ(last->count(boost::beast::http::field::connection), 0u);
  EXPECT_TRUE(connection.closed_by_peer());
}

TEST(HttpWire, AnAnswerWaitsForASlowReaderAndArrivesWhole) {
  constexpr std::size_t size = 8u << 20;  // far more than the socket buffers hold
  auto router = std::make_shared<Router>();
  router->add("GET", "/file", sync_handler([](const Request&) { return sealed_then_changed(size); }));
  router->add("GET", "/memory", sync_handler([](const Request&) { return json_response(200, pattern_bytes(size, 'x')); }));
  HttpTestServer server(ServerOptions{}, router);
  for (const std::string path : {"/file", "/memory"}) {
    RawConnection connection(server.port());
    const int receive_buffer = 65536;
    ::setsockopt(connection.socket().native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    connection.send(get_request(path));
    // Not read for a while: the server's writes must wait for room, not fail or spin.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto response = connection.read_response();
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->body(), path == "/file" ? pattern_bytes(size, 'f') : pattern_bytes(size, 'x')) << path;
  }
}

TEST(HttpWire, AReaderThatNeverReadsIsCutOffAtTheRequestDeadline) {
  std::promise<void> handled;
  auto router = std::make_shared<Router>();
  router->add("GET", "/file", sync_handler([&handled](const Request&) {
                handled.set_value();
                return sealed_then_changed(32u << 20);
              }));
  ServerOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  HttpTestServer server(options, router);
  RawConnection connection(server.port());
  const int small = 4096;
  ::setsockopt(connection.socket().native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  connection.send(get_request("/file"));
  ASSERT_EQ(handled.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // The write is given the request deadline or a one-second grace, whichever ends later, then
  // the connection goes.
  const auto start = Clock::now();
  while (server.server().stats().active_connections > 0 && Clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server.server().stats().active_connections, 0u);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(700));
}

TEST(HttpWire, TheKeepAliveDeadlineMovesWithEachRequest) {
  auto router = std::make_shared<Router>();
  router->add("GET", "/healthz", sync_handler([](const Request&) { return json_response(200, "{}"); }));
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(600);
  HttpTestServer server(options, router);
  RawConnection connection(server.port());
  // Requests 400 ms apart: each is inside the idle timeout counted from the one before, but
  // the third is past the deadline the first request set.
  for (int i = 0; i < 3; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(400));
    connection.send(get_request("/healthz"));
    auto response = connection.read_response();
    ASSERT_TRUE(response) << "request " << i;
  }
  // Then idle: closed after the idle timeout from the last answer.
  const auto idle_from = Clock::now();
  connection.set_receive_timeout(std::chrono::seconds(5));
  EXPECT_TRUE(connection.closed_by_peer());
  const auto idle = Clock::now() - idle_from;
  EXPECT_GE(idle, std::chrono::milliseconds(500));
  EXPECT_LT(idle, std::chrono::milliseconds(3000));
}

}  // namespace
}  // namespace coinfan::http
