// The OpenAPI contract test, part one: real exchanges with the real coinfan binary.
//
// Starts simulated gateways in this process (so faults can be injected), runs `coinfan` as a
// child process with a configuration that points at them, and sends it, over loopback sockets,
// the success case and every documented problem of every operation that can be produced
// deterministically. Each exchange is written as one JSON line (method, target, status,
// headers, body in base64) to the file named by COINFAN_CONTRACT_EXCHANGES;
// tools/contract/validate.mjs then checks every line against openapi/openapi.yaml and that
// every documented status was produced (tests/integration/contract/unproduced.yaml lists the
// ones that cannot be, and why).
//
// Three processes, because some problems need server limits that would disturb the rest:
//   main   every operation's success, the client errors, upstream failures, 429 (per client,
//          with the test's own loopback as a trusted proxy), 408, 431, and at the end 503
//          `draining` from /readyz after SIGTERM;
//   tight  max_connections 1, with and without a reserved connection: 503 `overloaded`;
//   slow   one gateway that answers after the request timeout: 504.

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "coinfan/core/hash.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v2/config.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/config.hpp"
#include "support/http_test_client.hpp"

namespace coinfan::contract {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using coinfan::testing::RawConnection;
using sim::Fault;

const std::string payouts_key = "contract-payouts-key";  // scopes read, write
const std::string reader_key = "contract-reader-key";    // scope read
const std::string writer_key = "contract-writer-key";    // scope write only
const std::string alice = "user-alice-1001";
const std::string bob = "user-bob-2002";

// --- the exchange file ------------------------------------------------------------------------

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

using Response = boost::beast::http::response<boost::beast::http::string_body>;

class Recorder {
 public:
  Recorder() {
    const char* path = std::getenv("COINFAN_CONTRACT_EXCHANGES");
    path_ = path != nullptr && *path != '\0'
                ? std::filesystem::path(path)
                : std::filesystem::temp_directory_path() / ("coinfan-contract-" + std::to_string(::getpid()) + ".jsonl");
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
    out_.open(path_, std::ios::trunc);
    if (!out_) throw std::runtime_error("cannot write " + path_.string());
  }

  void record(const std::string& scenario, const std::string& method, const std::string& target,
              const Response& response) {
    json::object headers;
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto* existing = headers.if_contains(name);
      if (existing != nullptr) {
        *existing = std::string(existing->as_string()) + ", " + std::string(field.value());
      } else {
        headers[name] = std::string(field.value());
      }
    }
    json::object line;
    line["scenario"] = scenario;
    line["method"] = method;
    line["target"] = target;
    line["status"] = response.result_int();
    line["headers"] = std::move(headers);
    line["body_base64"] = base64(response.body());
    std::lock_guard lock(mutex_);
    out_ << json::serialize(line) << '\n';
    out_.flush();
    ++count_;
  }

  std::size_t count() const { return count_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  std::mutex mutex_;
  std::size_t count_ = 0;
};

// --- the coinfan process --------------------------------------------------------------------

// The binary as a child with its stdout (the JSON log) read by a thread, so a long run never
// blocks on a full pipe, and waited on line by line.
class Coinfan {
 public:
  explicit Coinfan(const std::filesystem::path& config) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      const std::string binary = COINFAN_BINARY;
      const std::string config_path = config.string();
      ::execl(binary.c_str(), binary.c_str(), "--config", config_path.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    reader_ = std::thread([this, fd = out[0]] {
      char buffer[4096];
      while (true) {
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        output_.append(buffer, static_cast<std::size_t>(n));
        changed_.notify_all();
      }
      ::close(fd);
      std::lock_guard lock(mutex_);
      ended_ = true;
      changed_.notify_all();
    });
    const auto listening = wait_for_line("\"msg\":\"listening\"", 30s);
    if (!listening) throw std::runtime_error("coinfan did not start: " + output());
    std::smatch match;
    if (!std::regex_search(*listening, match, std::regex("\"port\":([0-9]+)"))) {
      throw std::runtime_error("no port in " + *listening);
    }
    port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
  }

  ~Coinfan() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (reader_.joinable()) reader_.join();
  }

  std::uint16_t port() const { return port_; }
  void signal(int number) { ::kill(pid_, number); }

  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // The first line holding `needle`, waiting for the child to write it.
  std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<std::string> found;
    changed_.wait_for(lock, timeout, [&] {
      std::size_t start = 0;
      while (true) {
        const auto newline = output_.find('\n', start);
        if (newline == std::string::npos) break;
        const auto line = output_.substr(start, newline - start);
        if (line.find(needle) != std::string::npos) {
          found = line;
          return true;
        }
        start = newline + 1;
      }
      return ended_;
    });
    return found;
  }

  std::string output() {
    std::lock_guard lock(mutex_);
    return output_;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  std::uint16_t port_ = 0;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool ended_ = false;
};

// --- the bench ------------------------------------------------------------------------------

json::object gateway_entry(const sim::Simulator& simulator, const std::string& id, int timeout_ms) {
  const auto config = simulator.gateway_config(id);
  json::object entry{{"id", id},
                     {"type", std::string(config.type.name())},
                     {"base_url", config.base_url},
                     {"timeout_ms", timeout_ms},
                     {"retries", 0}};
  if (const auto* v2 = config.settings_as<gateways::ccpayment_v2::Settings>()) {
    entry["app_id"] = v2->credentials.app_id;
    entry["app_secret"] = v2->credentials.app_secret;
  } else if (const auto* cloud = config.settings_as<gateways::cryptocloud::Settings>()) {
    entry["api_key"] = cloud->api_key;
  } else {
    throw std::runtime_error("no settings for gateway " + id);
  }
  return entry;
}

std::filesystem::path write_config(const std::string& name, json::object server, json::array gateways) {
  server["listen"] = "127.0.0.1:0";
  server["threads"] = 2;
  json::array keys;
  keys.push_back(json::object{{"name", "payouts"}, {"sha256", *hash::sha256_hex(payouts_key)}, {"scopes", json::array{"read", "write"}}});
  keys.push_back(json::object{{"name", "reader"}, {"sha256", *hash::sha256_hex(reader_key)}, {"scopes", json::array{"read"}}});
  keys.push_back(json::object{{"name", "writer"}, {"sha256", *hash::sha256_hex(writer_key)}, {"scopes", json::array{"write"}}});
  json::object config{{"server", std::move(server)},
                      {"auth", json::object{{"api_keys", std::move(keys)}}},
                      {"log", json::object{{"format", "json"}, {"level", "info"}}},
                      {"gateways", std::move(gateways)}};
  const auto path = std::filesystem::temp_directory_path() /
                    ("coinfan-contract-" + std::to_string(::getpid()) + "-" + name + ".json");
  std::ofstream(path) << json::serialize(config);
  return path;
}

// One operation of the document with a concrete path for it. `body` for writes.
struct Operation {
  std::string method;
  std::string path;  // a concrete path (no query)
  std::string body;  // a valid body for writes
  bool v1() const { return path.starts_with("/v1/"); }
  bool write() const { return method == "POST"; }
};

class Client {
 public:
  Client(Recorder& recorder, std::uint16_t port) : recorder_(recorder), port_(port) {}

  // Sends `raw` (a whole request) on a new connection and records the answer as (method,
  // target). Returns the response (nullopt: none came, which fails the test).
  std::optional<Response> raw(const std::string& scenario, const std::string& method, const std::string& target,
                              const std::string& request) {
    RawConnection connection(port_);
    connection.send(request);
    auto response = connection.read_response();
    if (!response) {
      ADD_FAILURE() << scenario << ": no response to " << method << " " << target;
      return std::nullopt;
    }
    recorder_.record(scenario, method, target, *response);
    return response;
  }

  std::optional<Response> send(const std::string& scenario, const std::string& method, const std::string& target,
                               const std::string& key, const std::string& body = {},
                               const std::string& extra_headers = {},
                               const std::string& content_type = "application/json") {
    return raw(scenario, method, target, request(method, target, key, body, extra_headers, content_type));
  }

  static std::string request(const std::string& method, const std::string& target, const std::string& key,
                             const std::string& body = {}, const std::string& extra_headers = {},
                             const std::string& content_type = "application/json") {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    if (!key.empty()) text += "Authorization: Bearer " + key + "\r\n";
    if (method == "POST") {
      if (!content_type.empty()) text += "Content-Type: " + content_type + "\r\n";
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += extra_headers + "\r\n" + body;
    return text;
  }

  // Expects `status`; the body is returned for the next step.
  json::value expect(unsigned status, const std::string& scenario, const std::string& method,
                     const std::string& target, const std::string& key, const std::string& body = {},
                     const std::string& extra_headers = {}, const std::string& content_type = "application/json") {
    auto response = send(scenario, method, target, key, body, extra_headers, content_type);
    if (!response) return {};
    EXPECT_EQ(response->result_int(), status) << scenario << ": " << method << " " << target << "\n"
                                              << response->body();
    boost::system::error_code ec;
    auto parsed = json::parse(response->body(), ec);
    return ec ? json::value() : parsed;
  }

  std::uint16_t port() const { return port_; }
  Recorder& recorder() { return recorder_; }

 private:
  Recorder& recorder_;
  std::uint16_t port_;
};

std::string text_of(const json::value& value, std::string_view key) {
  if (!value.is_object()) return {};
  const auto* member = value.as_object().if_contains(key);
  return member != nullptr && member->is_string() ? std::string(member->as_string()) : std::string();
}

std::string transfer_body(const std::string& from, const std::string& to, const std::string& amount,
                          const std::string& order_id) {
  return R"({"from_user_id":")" + from + R"(","to_user_id":")" + to + R"(","asset":"USDT","amount":")" + amount +
         R"(","order_id":")" + order_id + R"("})";
}
std::string swap_body(const std::string& order_id, const std::string& amount = "5") {
  return R"({"order_id":")" + order_id + R"(","user_id":")" + alice + R"(","asset_in":"USDT","amount_in":")" +
         amount + R"(","asset_out":"TRX"})";
}
const std::string quote_body = R"({"asset_in":"USDT","amount_in":"5","asset_out":"TRX"})";
const std::string rescan_body = R"({"chain":"TRX","to_address":"TXyz1234567890abcdef","tx_id":"0xabc123"})";

// Every operation of the document on gateway `gw`, with record ids for the lookups.
std::vector<Operation> operations(const std::string& gw, const std::string& transfer_id, const std::string& swap_id,
                                  const std::string& order_suffix) {
  const std::string base = "/v1/gateways/" + gw;
  return {
      {"GET", "/healthz", {}},
      {"GET", "/readyz", {}},
      {"GET", "/openapi.yaml", {}},
      {"GET", "/", {}},
      {"GET", "/dashboard/app.js", {}},
      {"GET", "/dashboard/style.css", {}},
      {"GET", "/metrics", {}},
      {"GET", "/v1/balances", {}},
      {"GET", "/v1/prices", {}},
      {"GET", "/v1/coins", {}},
      {"GET", "/v1/gateways", {}},
      {"GET", "/v1/session", {}},
      {"GET", "/v1/records", {}},
      {"GET", base + "/transfers/" + transfer_id, {}},
      {"GET", base + "/transfers", {}},
      {"GET", base + "/swaps/" + swap_id, {}},
      {"GET", base + "/swaps", {}},
      {"POST", base + "/transfers", transfer_body(alice, bob, "0.01", "contract-" + order_suffix + "-t")},
      {"POST", base + "/swaps", swap_body("contract-" + order_suffix + "-s")},
      {"POST", base + "/swaps/quote", quote_body},
      {"POST", base + "/deposits/rescan", rescan_body},
  };
}

// The target of a read: lookups by order id need their query parameter.
std::string read_target(const Operation& op, const std::string& transfer_order, const std::string& swap_order) {
  if (op.method != "GET") return op.path;
  if (op.path.ends_with("/transfers")) return op.path + "?order_id=" + transfer_order;
  if (op.path.ends_with("/swaps")) return op.path + "?order_id=" + swap_order;
  return op.path;
}

std::string key_for(const Operation& op) {
  if (!op.v1()) return {};
  return op.write() ? payouts_key : reader_key;
}

class Bench {
 public:
  Bench() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    ccp_ = sim::Simulator::start(io_, gateways::ccpayment_v2::type);  // the demo account with history
    flaky_ = sim::Simulator::start(io_, std::make_shared<sim::CcpaymentV2Provider>(sim::demo_ccpayment_v2_account()));
    slow_ = sim::Simulator::start(io_, std::make_shared<sim::CcpaymentV2Provider>(sim::demo_ccpayment_v2_account()));
    cloud_ = sim::Simulator::start(io_, gateways::cryptocloud::type);
  }
  ~Bench() {
    for (auto* simulator : {&ccp_, &flaky_, &slow_, &cloud_}) (*simulator)->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<sim::Simulator> ccp_, flaky_, slow_, cloud_;
};

constexpr int request_timeout_ms = 4000;  // writes then answer within 3 s (the service's rule)

// --- main: successes, client errors, upstream failures, limits, draining ----------------------

void run_main(Bench& bench, Recorder& recorder) {
  json::array gateways;
  gateways.push_back(gateway_entry(*bench.ccp_, "ccp", 1500));
  gateways.push_back(gateway_entry(*bench.flaky_, "flaky", 1500));
  gateways.push_back(gateway_entry(*bench.cloud_, "cloud", 1500));
  const auto config = write_config("main",
                                   json::object{{"request_timeout_ms", request_timeout_ms},
                                                {"max_body_bytes", 65536},
                                                {"max_header_bytes", 8192},
                                                {"drain_timeout_ms", 20000},
                                                // The test's loopback is a proxy: a client named in
                                                // X-Forwarded-For is rate limited, the test itself not.
                                                {"trusted_proxies", json::array{"127.0.0.1"}},
                                                {"client_rate_limit_rps", 1},
                                                {"client_rate_limit_burst", 1}},
                                   std::move(gateways));
  Coinfan coinfan(config);
  Client c(recorder, coinfan.port());

  // Successes: every operation, some in more than one shape.
  c.expect(200, "liveness", "GET", "/healthz", "");
  c.expect(200, "readiness", "GET", "/readyz", "");
  c.expect(200, "the document", "GET", "/openapi.yaml", "");
  c.expect(200, "the dashboard", "GET", "/", "");
  c.expect(200, "the dashboard's script", "GET", "/dashboard/app.js", "");
  c.expect(200, "the dashboard's style sheet", "GET", "/dashboard/style.css", "");
  c.expect(200, "metrics", "GET", "/metrics", "");
  c.expect(200, "balances", "GET", "/v1/balances", reader_key);
  c.expect(200, "balances again (cached, Age)", "GET", "/v1/balances", reader_key);
  c.expect(200, "balances filtered", "GET", "/v1/balances?gateway=ccp,cloud&asset=USDT,BTC&max_age_ms=60000", reader_key);
  c.expect(200, "prices", "GET", "/v1/prices", reader_key);
  c.expect(200, "coins", "GET", "/v1/coins", reader_key);
  c.expect(200, "coins of one asset", "GET", "/v1/coins?asset=USDT", reader_key);
  c.expect(200, "gateways", "GET", "/v1/gateways", reader_key);
  c.expect(200, "session of a read key", "GET", "/v1/session", reader_key);
  c.expect(200, "session of a read and write key", "GET", "/v1/session", payouts_key);
  c.expect(400, "session with a parameter", "GET", "/v1/session?x=1", reader_key);
  // HEAD wherever GET is (the document says so once, for every GET operation).
  for (const auto* target : {"/healthz", "/openapi.yaml", "/v1/balances", "/v1/gateways"}) {
    RawConnection connection(c.port());
    connection.send(Client::request("HEAD", target, std::string_view(target).starts_with("/v1/") ? reader_key : ""));
    auto response = connection.read_response(true);
    ASSERT_TRUE(response) << "no answer to HEAD " << target;
    EXPECT_EQ(response->result_int(), 200u) << target;
    recorder.record("HEAD", "HEAD", target, *response);
  }
  const auto page = c.expect(200, "records, first page", "GET", "/v1/records?gateway=ccp&limit=3", reader_key);
  const auto cursor = text_of(page, "next_cursor");
  EXPECT_FALSE(cursor.empty()) << json::serialize(page);
  c.expect(200, "records, next page", "GET", "/v1/records?gateway=ccp&limit=3&cursor=" + cursor, reader_key);
  c.expect(200, "records of a user, both kinds", "GET",
           "/v1/records?user_id=" + alice + "&kind=transfer,swap&limit=200", reader_key);

  const auto transfer = c.expect(201, "transfer", "POST", "/v1/gateways/ccp/transfers", payouts_key,
                                 transfer_body(alice, bob, "1.5", "contract-transfer-1"));
  const auto transfer_id = text_of(transfer, "id");
  ASSERT_FALSE(transfer_id.empty());
  c.expect(200, "transfer replayed", "POST", "/v1/gateways/ccp/transfers", payouts_key,
           transfer_body(alice, bob, "1.5", "contract-transfer-1"));
  c.expect(200, "transfer by record id", "GET", "/v1/gateways/ccp/transfers/" + transfer_id, reader_key);
  c.expect(200, "transfer by order id", "GET", "/v1/gateways/ccp/transfers?order_id=contract-transfer-1", reader_key);
  c.expect(200, "quote", "POST", "/v1/gateways/ccp/swaps/quote", payouts_key, quote_body);
  c.expect(200, "quote by coin ids", "POST", "/v1/gateways/ccp/swaps/quote", payouts_key,
           R"({"coin_id_in":1280,"amount_in":"5","coin_id_out":1482,"extra_fee_rate":"0.01"})");
  const auto swap = c.expect(201, "swap", "POST", "/v1/gateways/ccp/swaps", payouts_key, swap_body("contract-swap-1"));
  const auto swap_id = text_of(swap, "id");
  ASSERT_FALSE(swap_id.empty());
  c.expect(200, "swap replayed", "POST", "/v1/gateways/ccp/swaps", payouts_key, swap_body("contract-swap-1"));
  c.expect(200, "swap by record id", "GET", "/v1/gateways/ccp/swaps/" + swap_id, reader_key);
  c.expect(200, "swap by order id", "GET", "/v1/gateways/ccp/swaps?order_id=contract-swap-1", reader_key);
  c.expect(202, "rescan", "POST", "/v1/gateways/ccp/deposits/rescan", payouts_key, rescan_body);
  c.expect(200, "records after the writes", "GET", "/v1/records?user_id=" + alice, reader_key);

  const auto ops = operations("ccp", transfer_id, swap_id, "limits");
  const auto target = [&](const Operation& op) { return read_target(op, "contract-transfer-1", "contract-swap-1"); };

  // Conditional and compressed reads: whatever the service does with Accept-Encoding and
  // If-None-Match (gzip, ETag, 304) is recorded and checked against the document.
  for (const auto& op : ops) {
    if (op.write()) continue;
    auto first = c.send("asks for gzip", op.method, target(op), key_for(op), {}, "Accept-Encoding: gzip\r\n");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->result_int(), 200u) << target(op);
    const auto etag = std::string((*first)["ETag"]);
    if (etag.empty()) continue;
    c.send("revalidates its copy", op.method, target(op), key_for(op), {},
           "Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n");
  }

  // 400 invalid_argument: what each endpoint rejects.
  c.expect(400, "unknown parameter", "GET", "/v1/balances?bogus=1", reader_key);
  c.expect(400, "unknown gateway", "GET", "/v1/balances?gateway=nope", reader_key);
  c.expect(400, "repeated max_age_ms", "GET", "/v1/prices?max_age_ms=1&max_age_ms=2", reader_key);
  c.expect(400, "a gateway without a catalogue", "GET", "/v1/coins?gateway=cloud", reader_key);
  c.expect(400, "a parameter where none is taken", "GET", "/v1/gateways?x=1", reader_key);
  c.expect(400, "transfers without user_id", "GET", "/v1/records?kind=transfer", reader_key);
  c.expect(400, "a forged cursor", "GET", "/v1/records?cursor=AAAA", reader_key);
  c.expect(400, "a record id with a space", "GET", "/v1/gateways/ccp/transfers/a%20b", reader_key);
  c.expect(400, "an order id too short", "GET", "/v1/gateways/ccp/transfers?order_id=ab", reader_key);
  c.expect(400, "a swap record id with a space", "GET", "/v1/gateways/ccp/swaps/a%20b", reader_key);
  c.expect(400, "a swap order id too short", "GET", "/v1/gateways/ccp/swaps?order_id=ab", reader_key);
  for (const auto& op : ops) {
    if (op.write()) c.expect(400, "malformed JSON", op.method, op.path, payouts_key, "{\"amount\":");
  }
  // 400 bad_request: malformed HTTP (no Host in HTTP/1.1), on every operation.
  for (const auto& op : ops) {
    c.raw("malformed HTTP: no Host", op.method, target(op), op.method + " " + target(op) + " HTTP/1.1\r\n\r\n");
  }

  // 401, 403: every /v1/ operation without a key and with one lacking the scope.
  for (const auto& op : ops) {
    if (!op.v1()) continue;
    c.expect(401, "no API key", op.method, target(op), "", op.body);
    c.expect(401, "an unknown API key", op.method, target(op), "not-a-key", op.body);
    c.expect(403, "a key without the scope", op.method, target(op), op.write() ? reader_key : writer_key, op.body);
  }

  // 404
  c.expect(404, "no such transfer", "GET", "/v1/gateways/ccp/transfers/20260101000000nope", reader_key);
  c.expect(404, "no such transfer order", "GET", "/v1/gateways/ccp/transfers?order_id=no-such-order", reader_key);
  c.expect(404, "no such swap", "GET", "/v1/gateways/ccp/swaps/20260101000000nope", reader_key);
  c.expect(404, "no such swap order", "GET", "/v1/gateways/ccp/swaps?order_id=no-such-order", reader_key);
  c.expect(404, "an unknown gateway's record", "GET", "/v1/gateways/nope/transfers/x1", reader_key);
  c.expect(404, "records of a gateway without records", "GET", "/v1/gateways/cloud/swaps?order_id=abc", reader_key);
  for (const auto& op : operations("nope", "x", "x", "404")) {
    if (op.write()) c.expect(404, "unknown gateway", op.method, op.path, payouts_key, op.body);
  }
  for (const auto& op : operations("cloud", "x", "x", "404")) {
    if (op.write()) c.expect(404, "unsupported operation", op.method, op.path, payouts_key, op.body);
  }

  // 405: every path with a method it does not take.
  for (const auto& op : ops) c.expect(405, "method not allowed", "DELETE", target(op), payouts_key);

  // 409: an order id reused for another request.
  c.expect(409, "transfer order conflict", "POST", "/v1/gateways/ccp/transfers", payouts_key,
           transfer_body(alice, bob, "2", "contract-transfer-1"));
  c.expect(409, "swap order conflict", "POST", "/v1/gateways/ccp/swaps", payouts_key,
           swap_body("contract-swap-1", "6"));

  // 413: a body over max_body_bytes, announced by Content-Length.
  for (const auto& op : ops) {
    if (!op.write()) continue;
    c.raw("body too large", op.method, op.path,
          op.method + " " + op.path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + payouts_key +
              "\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
  }

  // 415 and 422
  for (const auto& op : ops) {
    if (!op.write()) continue;
    c.expect(415, "not JSON", op.method, op.path, payouts_key, op.body, {}, "text/plain");
    c.expect(422, "invalid fields", op.method, op.path, payouts_key, R"({"amount_in":"-1","x":1})");
  }
  c.expect(422, "insufficient balance", "POST", "/v1/gateways/ccp/transfers", payouts_key,
           transfer_body(bob, alice, "1000000", "contract-poor-1"));

  // 429: a client (behind the trusted proxy) beyond its rate; one client per operation.
  int client = 1;
  for (const auto& op : ops) {
    const std::string forwarded = "X-Forwarded-For: 198.51.100." + std::to_string(client++) + "\r\n";
    c.raw("within the rate", "GET", "/healthz", Client::request("GET", "/healthz", "", {}, forwarded));
    c.expect(429, "beyond the rate", op.method, target(op), key_for(op), op.body, forwarded);
  }

  // 431: headers over max_header_bytes.
  const std::string padding = "X-Padding: " + std::string(9000, 'p') + "\r\n";
  for (const auto& op : ops) c.expect(431, "headers too large", op.method, target(op), key_for(op), op.body, padding);

  // 408: a body that does not arrive within request_timeout_ms, on every operation at once.
  {
    std::vector<std::unique_ptr<RawConnection>> waiting;
    for (const auto& op : ops) {
      auto connection = std::make_unique<RawConnection>(c.port());
      std::string request = op.method + " " + target(op) + " HTTP/1.1\r\nHost: localhost\r\n";
      if (op.v1()) request += "Authorization: Bearer " + key_for(op) + "\r\n";
      request += "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a";
      connection->send(request);
      waiting.push_back(std::move(connection));
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
      auto response = waiting[i]->read_response();
      ASSERT_TRUE(response) << "no 408 for " << ops[i].path;
      EXPECT_EQ(response->result_int(), 408u) << ops[i].path;
      recorder.record("body not received in time", ops[i].method, target(ops[i]), *response);
    }
  }

  // Upstream failures, on the gateway `flaky` only, so `ccp` stays healthy. Its circuit opens
  // after five failed calls in a row; a good call between the writes' failures keeps it closed
  // until the reads' failures at the end open it.
  const auto reset_flaky = [&] {
    bench.flaky_->clear_faults();
    c.expect(200, "flaky answers again", "GET", "/v1/balances?gateway=flaky&max_age_ms=0", reader_key);
  };
  bench.flaky_->inject(Fault::provider_error_of("12000", "merchant disabled").on("userTransfer").times(1));
  c.expect(502, "provider refuses a transfer", "POST", "/v1/gateways/flaky/transfers", payouts_key,
           transfer_body(alice, bob, "1", "contract-flaky-1"));
  reset_flaky();
  bench.flaky_->inject(Fault::drop_connection().before_handling().on("userTransfer").times(1));
  c.expect(502, "transfer lost before execution", "POST", "/v1/gateways/flaky/transfers", payouts_key,
           transfer_body(alice, bob, "1", "contract-flaky-2"));
  reset_flaky();
  bench.flaky_->inject(Fault::drop_connection().on("userSwap").times(1));
  bench.flaky_->inject(Fault::http_status_of(503).on("getUserSwapRecord"));
  c.expect(502, "swap outcome unknown", "POST", "/v1/gateways/flaky/swaps", payouts_key, swap_body("contract-flaky-3"));
  reset_flaky();
  bench.flaky_->inject(Fault::http_status_of(500).on("estimate").times(1));
  c.expect(502, "quote fails", "POST", "/v1/gateways/flaky/swaps/quote", payouts_key, quote_body);
  reset_flaky();
  bench.flaky_->inject(Fault::http_status_of(500).on("rescanLostTransaction").times(1));
  c.expect(502, "rescan fails", "POST", "/v1/gateways/flaky/deposits/rescan", payouts_key, rescan_body);
  reset_flaky();
  bench.flaky_->inject(Fault::provider_error_of("11004", "too many requests").on("userTransfer").times(1));
  c.expect(503, "provider rate limit on a transfer", "POST", "/v1/gateways/flaky/transfers", payouts_key,
           transfer_body(alice, bob, "1", "contract-flaky-4"));
  reset_flaky();

  // Reads: every call fails; the circuit opens on the way (then `circuit_open`, still 502).
  bench.flaky_->inject(Fault::http_status_of(500));
  c.expect(502, "no gateway answers", "GET", "/v1/balances?gateway=flaky&max_age_ms=0", reader_key);
  c.expect(502, "no gateway answers", "GET", "/v1/prices?gateway=flaky&max_age_ms=0", reader_key);
  c.expect(502, "no gateway answers", "GET", "/v1/coins?gateway=flaky&max_age_ms=0", reader_key);
  c.expect(502, "no gateway answers", "GET", "/v1/records?gateway=flaky", reader_key);
  c.expect(502, "lookup fails", "GET", "/v1/gateways/flaky/transfers/" + transfer_id, reader_key);
  c.expect(502, "lookup fails", "GET", "/v1/gateways/flaky/transfers?order_id=contract-transfer-1", reader_key);
  c.expect(502, "lookup fails", "GET", "/v1/gateways/flaky/swaps/" + swap_id, reader_key);
  c.expect(502, "lookup fails", "GET", "/v1/gateways/flaky/swaps?order_id=contract-swap-1", reader_key);
  c.expect(200, "an open circuit in the health list", "GET", "/v1/gateways", reader_key);
  c.expect(200, "partial balances", "GET", "/v1/balances?max_age_ms=0", reader_key);
  c.expect(200, "partial records", "GET", "/v1/records", reader_key);
  // The circuit is open now: writes are refused before anything is sent.
  for (const auto& op : operations("flaky", "x", "x", "circuit")) {
    if (op.write()) c.expect(503, "circuit open", op.method, op.path, payouts_key, op.body);
  }
  bench.flaky_->clear_faults();

  // 503 draining: /readyz whose first bytes arrived before SIGTERM, completed after it.
  // (A first full exchange proves the server has accepted the connection.)
  RawConnection ready(coinfan.port());
  ready.send(coinfan::testing::get_request("/healthz"));
  ASSERT_TRUE(ready.read_response());
  ready.send("GET /readyz HTTP/1.1\r\nHost: localhost\r\n");
  coinfan.signal(SIGTERM);
  ASSERT_TRUE(coinfan.wait_for_line("\"msg\":\"draining\"", 10s)) << coinfan.output();
  ready.send("\r\n");
  auto draining = ready.read_response();
  ASSERT_TRUE(draining);
  EXPECT_EQ(draining->result_int(), 503u);
  recorder.record("draining", "GET", "/readyz", *draining);
  EXPECT_EQ(coinfan.wait(), 0) << coinfan.output();
}

// --- tight: the connection limit and its reserve ---------------------------------------------

void run_tight(Recorder& recorder, unsigned reserved) {
  const auto config = write_config("tight-" + std::to_string(reserved),
                                   json::object{{"max_connections", 1}, {"reserved_connections", reserved}},
                                   json::array{});
  Coinfan coinfan(config);
  Client c(recorder, coinfan.port());
  // One connection holds the general pool (an exchange proves it is admitted).
  RawConnection holder(coinfan.port());
  holder.send(coinfan::testing::get_request("/healthz"));
  ASSERT_TRUE(holder.read_response());

  // With a reserve, a connection in it serves /healthz, /readyz and /metrics only: every other
  // operation is answered 503 (or, while the reserve is still taken by the previous request's
  // connection, the connection is refused with the same 503). Without one, every connection
  // beyond the limit is refused 503, whatever it asks.
  for (const auto& op : operations("ccp", "x1", "x2", "tight")) {
    const bool reserved_path = op.path == "/healthz" || op.path == "/readyz" || op.path == "/metrics";
    if (reserved > 0 && reserved_path) continue;
    c.expect(503, reserved > 0 ? "not an operational endpoint in the reserve" : "beyond the connection limit",
             op.method, read_target(op, "order-1", "order-2"), key_for(op), op.body);
  }
  coinfan.signal(SIGTERM);
  EXPECT_EQ(coinfan.wait(), 0) << coinfan.output();
}

// --- slow: handlers that outlast the request timeout -------------------------------------------

void run_slow(Bench& bench, Recorder& recorder) {
  json::array gateways;
  // Its own timeout is longer than the request's, so the request timeout (504) comes first.
  gateways.push_back(gateway_entry(*bench.slow_, "slow", 20000));
  const auto config = write_config("slow", json::object{{"request_timeout_ms", 1500}}, std::move(gateways));
  Coinfan coinfan(config);
  Client c(recorder, coinfan.port());
  // A record to look up, made before the gateway slows down.
  const auto transfer = c.expect(201, "transfer", "POST", "/v1/gateways/slow/transfers", payouts_key,
                                 transfer_body(alice, bob, "1", "contract-slow-1"));
  const auto swap = c.expect(201, "swap", "POST", "/v1/gateways/slow/swaps", payouts_key, swap_body("contract-slow-2"));
  bench.slow_->inject(Fault::latency_of(4000ms).before_handling());

  // Every operation at once, each on its own connection; the answers are recorded as they are.
  const auto ops = operations("slow", text_of(transfer, "id"), text_of(swap, "id"), "slow");
  std::vector<std::unique_ptr<RawConnection>> waiting;
  std::vector<std::string> targets;
  for (const auto& op : ops) {
    std::string target = read_target(op, "contract-slow-1", "contract-slow-2");
    if (target.starts_with("/v1/balances") || target.starts_with("/v1/prices") || target.starts_with("/v1/coins")) {
      target += "?max_age_ms=0";
    }
    auto connection = std::make_unique<RawConnection>(c.port());
    connection->send(Client::request(op.method, target, key_for(op), op.body));
    waiting.push_back(std::move(connection));
    targets.push_back(target);
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    auto response = waiting[i]->read_response();
    ASSERT_TRUE(response) << "no answer for " << targets[i];
    recorder.record("a slow gateway", ops[i].method, targets[i], *response);
  }
  bench.slow_->clear_faults();
  coinfan.signal(SIGTERM);
  EXPECT_EQ(coinfan.wait(), 0) << coinfan.output();
}

TEST(Contract, RecordRealExchanges) {
  Recorder recorder;
  Bench bench;
  run_main(bench, recorder);
  run_tight(recorder, 1);
  run_tight(recorder, 0);
  run_slow(bench, recorder);
  std::printf("contract: %zu exchanges recorded in %s\n", recorder.count(), recorder.path().c_str());
}

}  // namespace
}  // namespace coinfan::contract
