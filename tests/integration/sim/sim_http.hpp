#pragma once
// Test side of the simulator tests: a harness that runs simulators on an io_context with its own
// threads, and a blocking HTTP/1.1 client over real loopback sockets. Asio and Beast stay in
// sim_http.cpp so the test files compile quickly.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

#include "coinfan/sim/simulator.hpp"

namespace coinfan::sim::testing {

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpReply {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
  // The body parsed as JSON (boost::json::parse); throws when it is not JSON.
  boost::json::value json() const;
};

// One request on a fresh connection; nullopt when the server closed it without answering.
std::optional<HttpReply> exchange(std::uint16_t port, const HttpRequest& request,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Several requests on one keep-alive connection.
class Connection {
 public:
  explicit Connection(std::uint16_t port);
  ~Connection();
  std::optional<HttpReply> send(const HttpRequest& request);
  // Writes raw bytes and reads one response.
  std::optional<HttpReply> send_raw(std::string_view bytes);
  bool closed_by_peer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a client with a deadline sees of a slow answer.
struct SlowObservation {
  bool headers_received = false;
  unsigned status = 0;
  std::size_t content_length = 0;
  std::size_t body_bytes = 0;  // received before the deadline
  bool complete = false;       // the whole body arrived before the deadline
};
SlowObservation observe_with_deadline(std::uint16_t port, const HttpRequest& request,
                                      std::chrono::milliseconds deadline);

// Runs an io_context on `threads` threads; simulators started here are stopped before it.
class SimHarness {
 public:
  explicit SimHarness(unsigned threads = 2);
  ~SimHarness();
  Simulator& start(std::shared_ptr<Provider> provider, SimulatorOptions options = {});
  Simulator& start(config::GatewayType type);
  boost::asio::io_context& io();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A settable wall clock for the simulators' clock hook.
class FakeClock {
 public:
  explicit FakeClock(std::chrono::sys_seconds start) : millis_(start.time_since_epoch().count() * 1000) {}
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(millis_.load()));
  }
  void advance(std::chrono::milliseconds by) { millis_ += by.count(); }
  std::int64_t seconds() const { return millis_.load() / 1000; }
  std::int64_t millis() const { return millis_.load(); }
  SystemClock hook() const {
    return [this] { return now(); };
  }

 private:
  std::atomic<std::int64_t> millis_;
};

// One simulated provider on loopback with its account and a fake clock (1 750 000 000 s), for
// the per-provider simulator tests.
template <typename Provider, typename Account>
class SimulatorFixture : public ::testing::Test {
 protected:
  explicit SimulatorFixture(Account demo) : account(std::move(demo)) {
    provider = std::make_shared<Provider>(account);
    provider->set_clock(clock.hook());
    simulator = &harness.start(provider);
  }

  // The simulator's answer to `request`; throws when there is none.
  HttpReply call(const HttpRequest& request) const {
    auto reply = exchange(simulator->port(), request);
    if (!reply) throw std::runtime_error("no answer to " + request.target);
    return *reply;
  }

  FakeClock clock{std::chrono::sys_seconds(std::chrono::seconds(1'750'000'000))};
  Account account;
  SimHarness harness;
  std::shared_ptr<Provider> provider;
  Simulator* simulator = nullptr;
};

}  // namespace coinfan::sim::testing
