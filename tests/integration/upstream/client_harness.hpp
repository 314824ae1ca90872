#pragma once
// Drives the upstream client from a test: an io_context on the test thread, a loopback server
// on its own threads, and helpers that run sends to completion without sleeping.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "coinfan/upstream/client.hpp"
#include "integration/upstream/scripted_server.hpp"
#include "integration/upstream/test_pki.hpp"

namespace coinfan::upstream_testing {

namespace asio = boost::asio;
using upstream::Client;
using upstream::Options;
using upstream::Request;
using upstream::Response;
using SteadyClock = std::chrono::steady_clock;

inline Request read_request(std::string target = "/v1/ping") {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  request.idempotent = true;
  return request;
}

inline Request write_request(std::string target = "/v1/transfer", std::string body = "{}") {
  Request request;
  request.method = "POST";
  request.target = std::move(target);
  request.headers = {{"Content-Type", "application/json"}};
  request.body = std::move(body);
  request.idempotent = false;
  return request;
}

// Options for a client of `server`: trusts the test CA, no jitter, quick but not tight timeouts.
inline Options options_for(const ScriptedServer& server, const TestPki& pki) {
  Options options;
  options.base_url = server.https_url();
  options.ca_file = pki.ca_file();
  options.timeout = std::chrono::seconds(10);
  options.retry_base_delay = std::chrono::milliseconds(10);
  options.hooks.jitter = [] { return 0.0; };
  return options;
}

inline std::shared_ptr<Client> make_client(asio::io_context& io, Options options) {
  auto client = Client::create(io.get_executor(), std::move(options));
  if (!client.ok()) {
    ADD_FAILURE() << "Client::create: " << client.error().detail;
    return nullptr;
  }
  return std::move(client).value();
}

struct Timed {
  Result<Response> result;
  std::chrono::milliseconds elapsed;
};

inline asio::awaitable<void> send_into(std::shared_ptr<Client> client, Request request,
                                       std::optional<Timed>* out) {
  const auto start = SteadyClock::now();
  Result<Response> result = co_await client->send(std::move(request));
  out->emplace(Timed{std::move(result), std::chrono::duration_cast<std::chrono::milliseconds>(
                                            SteadyClock::now() - start)});
}

// Runs the io_context until `done` holds (or a generous safety limit passes).
template <typename Done>
void run_until(asio::io_context& io, Done done,
               std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto give_up = SteadyClock::now() + limit;
  io.restart();
  while (!done() && SteadyClock::now() < give_up) {
    io.run_one_for(std::chrono::milliseconds(100));
    if (io.stopped()) io.restart();
  }
  ASSERT_TRUE(done()) << "the client never completed";
}

// Sends one request and waits for it.
inline Timed send(asio::io_context& io, const std::shared_ptr<Client>& client, Request request) {
  std::optional<Timed> out;
  asio::co_spawn(io, send_into(client, std::move(request), &out), asio::detached);
  run_until(io, [&] { return out.has_value(); });
  if (!out) return Timed{make_error(ErrorCode::internal, "never completed"), {}};
  return std::move(*out);
}

// Sends `count` copies concurrently and waits for all of them.
inline std::vector<Timed> send_concurrently(asio::io_context& io,
                                            const std::shared_ptr<Client>& client,
                                            const Request& request, int count) {
  std::vector<std::optional<Timed>> outs(static_cast<std::size_t>(count));
  for (auto& out : outs) asio::co_spawn(io, send_into(client, request, &out), asio::detached);
  run_until(io, [&] {
    return std::all_of(outs.begin(), outs.end(), [](const auto& o) { return o.has_value(); });
  });
  std::vector<Timed> results;
  for (auto& out : outs) {
    results.push_back(out ? std::move(*out)
                          : Timed{make_error(ErrorCode::internal, "never completed"), {}});
  }
  return results;
}

// A clock the test moves by hand (for the breaker and idle expiry).
struct FakeClock {
  std::shared_ptr<SteadyClock::time_point> now =
      std::make_shared<SteadyClock::time_point>(SteadyClock::now());
  std::function<SteadyClock::time_point()> hook() const {
    return [now = now] { return *now; };
  }
  void advance(SteadyClock::duration d) const { *now += d; }
};

}  // namespace coinfan::upstream_testing
