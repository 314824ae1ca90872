// What an idle pooled upstream connection costs the client, in heap bytes: the slope of the
// client's allocated bytes between a pool of 8 and a pool of 72 idle connections (fixed costs,
// the TLS context and the first connection's one-off allocations, cancel out). The server runs
// in a child process, so its own per-connection memory is not counted. The figures are printed
// for BENCHMARKS.md ("Idle upstream connections").

#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <barrier>
#include <cstdio>

#include "integration/upstream/client_harness.hpp"

#if defined(__SANITIZE_ADDRESS__)
// The sanitizer runtime's count of bytes allocated and not freed (GCC ships no header for it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace coinfan::upstream_testing {
namespace {

std::size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

// The scripted server in a child process: answers every request once `batch` of them have
// arrived on distinct connections (so the client must open that many), then keeps them open.
class ServerProcess {
 public:
  ServerProcess(ScriptedServer::Config config, int batch) {
    int port_pipe[2];
    int stop_pipe[2];
    if (::pipe(port_pipe) != 0 || ::pipe(stop_pipe) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(port_pipe[0]);
      ::close(stop_pipe[1]);
      {
        std::barrier<> arrived(batch);
        config.handler = [&arrived](Exchange& exchange) {
          arrived.arrive_and_wait();
          exchange.respond(200, "ok");
        };
        ScriptedServer server(std::move(config));
        const std::uint16_t port = server.port();
        if (::write(port_pipe[1], &port, sizeof port) != sizeof port) ::_exit(1);
        char byte;
        while (::read(stop_pipe[0], &byte, 1) > 0) {
        }
        ::_exit(0);  // the connections' threads are still blocked: no orderly teardown
      }
    }
    ::close(port_pipe[1]);
    ::close(stop_pipe[0]);
    stop_ = stop_pipe[1];
    if (::read(port_pipe[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
    ::close(port_pipe[0]);
  }
  ~ServerProcess() {
    if (stop_ >= 0) ::close(stop_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stop_ = -1;
  std::uint16_t port_ = 0;
};

struct PoolCost {
  double bytes_per_connection = 0;
  std::size_t idle = 0;
};

// Heap bytes per idle pooled connection, from pools of `small` and `large` connections.
PoolCost idle_connection_cost(bool tls, TestPki& pki) {
  constexpr int small = 8;
  constexpr int large = 72;
  ScriptedServer::Config config;
  config.mode = tls ? ScriptedServer::Mode::tls : ScriptedServer::Mode::plain;
  if (tls) {
    const CertFiles files = pki.issue({"localhost"}, {"127.0.0.1"});
    config.cert_file = files.cert_file;
    config.key_file = files.key_file;
  }
  std::size_t in_use[2] = {0, 0};
  PoolCost cost;
  for (int round = 0; round < 2; ++round) {
    const int count = round == 0 ? small : large;
    ServerProcess server(config, count);
    EXPECT_NE(server.port(), 0);
    asio::io_context io;
    Options options;
    options.base_url = tls ? "https://localhost:" + std::to_string(server.port())
                           : "http://127.0.0.1:" + std::to_string(server.port());
    if (tls) options.ca_file = pki.ca_file();
    options.timeout = std::chrono::seconds(20);
    options.max_connections = count;
    options.max_concurrency = 0;
    options.hooks.jitter = [] { return 0.0; };
    const std::size_t before = heap_in_use();
    auto client = make_client(io, options);
    for (const auto& timed : send_concurrently(io, client, read_request(), count)) {
      EXPECT_TRUE(timed.result.ok()) << timed.result.error().detail;
    }
    io.poll();  // the connections' return to the pool
    cost.idle = client->stats().connections_idle;
    EXPECT_EQ(cost.idle, static_cast<std::size_t>(count));
    in_use[round] = heap_in_use() - before;
  }
  cost.bytes_per_connection =
      static_cast<double>(static_cast<std::ptrdiff_t>(in_use[1]) - static_cast<std::ptrdiff_t>(in_use[0])) /
      (large - small);
  return cost;
}

// Measured 2026-12-03: TLS about 20 KB (OpenSSL's SSL object 7.6 KB, the session with the
// peer's certificate, two AES-GCM contexts), plain TCP under 1 KB. Over Asio's ssl::stream it
// was about 104 KB: its own two 17 KB record buffers and a 17 KB-each-way BIO pair for the
// connection's life, and a write buffer a TLS 1.3 session ticket leaves in OpenSSL
// (BENCHMARKS.md, "Idle upstream connections"). The TLS bound is the goal that work set.
TEST(UpstreamMemory, AnIdlePooledConnectionCostsTheClientBoundedHeap) {
  TestPki pki;
  const auto plain = idle_connection_cost(false, pki);
  const auto tls = idle_connection_cost(true, pki);
  std::printf("[ memory ] idle pooled upstream connection, client heap: TLS %.0f B, plain TCP %.0f B\n",
              tls.bytes_per_connection, plain.bytes_per_connection);
  EXPECT_GT(plain.bytes_per_connection, 0.0);
  EXPECT_LT(plain.bytes_per_connection, 16.0 * 1024);
  EXPECT_GT(tls.bytes_per_connection, plain.bytes_per_connection);
  EXPECT_LT(tls.bytes_per_connection, 34.0 * 1024);
}

}  // namespace
}  // namespace coinfan::upstream_testing
