// bench_burst: N HTTP/1.1 keep-alive connections to one loopback server, for the two benchmarks
// wrk cannot do (bench/run.sh):
//
//   * a burst: every connection is opened first, then each sends one identical GET at the same
//     moment, and every answer is read in full. Prints one JSON line: answers by status, how
//     many carried an `Age` header (served from coinfan's cache) and the latency spread.
//   * --hold: the same, then the connections stay open and idle (keep-alive) until SIGINT or
//     SIGTERM; the line `READY` follows the JSON line once every answer has arrived, so the
//     driver can read the server's memory with N idle keep-alive connections open.
//
// Usage: bench_burst --port P [--host 127.0.0.1] [--path /v1/balances] [--connections 1000]
//                    [--header "Name: value"]... [--hold] [--timeout-ms 30000]

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/v1/balances";
  std::size_t connections = 1000;
  std::vector<std::string> headers;  // extra "Name: value" lines
  bool hold = false;
  std::chrono::milliseconds timeout{30000};
};

struct Answer {
  unsigned status = 0;  // 0: no answer (error)
  bool age = false;
  std::size_t bytes = 0;
  std::int64_t micros = 0;
  std::string error;
};

struct Run {
  Options options;
  std::vector<tcp::socket> sockets;
  std::vector<Answer> answers;
  std::size_t connected = 0;
  std::size_t connect_failed = 0;
  std::size_t done = 0;
  Clock::time_point start{};
  std::string request;
};

std::optional<unsigned long> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  unsigned long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--hold") {
      o.hold = true;
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
    const std::string_view value = argv[++i];
    if (arg == "--host") {
      o.host = std::string(value);
    } else if (arg == "--path") {
      o.path = std::string(value);
    } else if (arg == "--header") {
      if (value.find_first_of("\r\n") != std::string_view::npos || value.find(':') == std::string_view::npos) {
        throw std::invalid_argument("--header wants one \"Name: value\" line");
      }
      o.headers.emplace_back(value);
    } else if (auto n = parse_number(value); n && arg == "--port" && *n <= 65535) {
      o.port = static_cast<std::uint16_t>(*n);
    } else if (n && arg == "--connections" && *n >= 1) {
      o.connections = *n;
    } else if (n && arg == "--timeout-ms" && *n >= 1) {
      o.timeout = std::chrono::milliseconds(*n);
    } else {
      throw std::invalid_argument("unknown option or bad value: " + std::string(arg) + " " + std::string(value));
    }
  }
  if (o.port == 0) throw std::invalid_argument("--port is required");
  return o;
}

asio::awaitable<void> exchange(Run& run, std::size_t i, std::function<void()> on_done) {
  auto& answer = run.answers[i];
  try {
    co_await asio::async_write(run.sockets[i], asio::buffer(run.request), asio::use_awaitable);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(64u << 20);
    co_await beast::http::async_read(run.sockets[i], buffer, parser, asio::use_awaitable);
    const auto& response = parser.get();
    answer.micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - run.start).count();
    answer.status = response.result_int();
    answer.age = response.find("Age") != response.end();
    answer.bytes = response.body().size();
  } catch (const std::exception& e) {
    answer.error = e.what();
  }
  on_done();
}

std::int64_t percentile(std::vector<std::int64_t> sorted, double p) {  // p: a rank, not money
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

void report(const Run& run) {
  std::map<unsigned, std::size_t> statuses;
  std::map<std::string, std::size_t> errors;
  std::size_t with_age = 0;
  std::size_t bytes = 0;
  std::vector<std::int64_t> micros;
  for (const auto& a : run.answers) {
    if (a.status == 0) {
      ++errors[a.error.empty() ? "no answer" : a.error];
      continue;
    }
    ++statuses[a.status];
    if (a.age) ++with_age;
    bytes = std::max(bytes, a.bytes);
    micros.push_back(a.micros);
  }
  std::sort(micros.begin(), micros.end());
  std::cout << "{\"connections\":" << run.options.connections << ",\"connect_failed\":" << run.connect_failed
            << ",\"statuses\":{";
  const char* sep = "";
  for (const auto& [status, n] : statuses) {
    std::cout << sep << '"' << status << "\":" << n;
    sep = ",";
  }
  std::cout << "},\"errors\":" << (run.answers.size() - micros.size()) << ",\"from_cache_age_header\":" << with_age
            << ",\"body_bytes\":" << bytes << ",\"latency_ms\":{\"min\":" << (micros.empty() ? 0 : micros.front()) / 1000.0
            << ",\"p50\":" << percentile(micros, 0.5) / 1000.0 << ",\"p99\":" << percentile(micros, 0.99) / 1000.0
            << ",\"max\":" << (micros.empty() ? 0 : micros.back()) / 1000.0 << "}}" << std::endl;
  for (const auto& [error, n] : errors) std::cerr << "bench_burst: " << n << " x " << error << '\n';
}

int run_main(const Options& options) {
  asio::io_context io(1);
  Run run;
  run.options = options;
  run.request = "GET " + options.path + " HTTP/1.1\r\nHost: " + options.host + ":" + std::to_string(options.port) +
                "\r\nUser-Agent: bench_burst\r\nAccept: application/json\r\n";
  for (const auto& header : options.headers) run.request += header + "\r\n";
  run.request += "\r\n";
  run.answers.resize(options.connections);
  run.sockets.reserve(options.connections);
  for (std::size_t i = 0; i < options.connections; ++i) run.sockets.emplace_back(io);
  const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);

  asio::steady_timer deadline(io);
  deadline.expires_after(options.timeout);
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    std::cerr << "bench_burst: timeout after " << options.timeout.count() << " ms\n";
    for (auto& s : run.sockets) {
      boost::system::error_code ignored;
      s.close(ignored);
    }
  });

  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool holding = false;
  auto finish = [&] {
    report(run);
    deadline.cancel();
    if (options.hold) {
      holding = true;
      std::cout << "READY" << std::endl;
    } else {
      signals.cancel();
      for (auto& s : run.sockets) {
        boost::system::error_code ignored;
        s.close(ignored);
      }
    }
  };
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (!holding) report(run);
    deadline.cancel();
    for (auto& s : run.sockets) {
      boost::system::error_code ignored;
      s.close(ignored);
    }
  });

  auto on_done = [&] {
    if (++run.done == options.connections) finish();
  };
  auto fire = [&] {
    // Every connection is open (or failed): send all requests now, back to back.
    run.start = Clock::now();
    for (std::size_t i = 0; i < options.connections; ++i) {
      if (!run.sockets[i].is_open()) {
        on_done();
        continue;
      }
      asio::co_spawn(io, exchange(run, i, on_done), asio::detached);
    }
  };
  for (std::size_t i = 0; i < options.connections; ++i) {
    run.sockets[i].async_connect(endpoint, [&, i](const boost::system::error_code& ec) {
      if (ec) {
        ++run.connect_failed;
        run.answers[i].error = "connect: " + ec.message();
        boost::system::error_code ignored;
        run.sockets[i].close(ignored);
      } else {
        boost::system::error_code ignored;
        run.sockets[i].set_option(tcp::no_delay(true), ignored);
      }
      if (++run.connected == options.connections) fire();
    });
  }
  io.run();
  const bool all_answered = std::all_of(run.answers.begin(), run.answers.end(),
                                        [](const Answer& a) { return a.status != 0; });
  return all_answered ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_main(parse_options(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "bench_burst: " << e.what() << '\n';
    return 2;
  }
}
