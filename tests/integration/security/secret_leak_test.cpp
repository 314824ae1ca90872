// Secrets never leave the service: for every fault kind the simulators inject, on every
// provider, and for every problem answer of the API, the log (everything written to stdout,
// where the log goes) and every response (status line, headers, body) are searched for every
// configured secret: gateway secrets and passwords, the tokens the simulators issued, the
// callers' API keys (and a wrong key a caller presented). Zero hits.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>

#include <cstdio>
#include <fcntl.h>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "api/routes.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/auth.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/writes/service.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/providers.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/trubit/simulator.hpp"
#include "support/http_test_client.hpp"
#include "support/log_capture.hpp"
#include "support/test_server.hpp"

namespace coinfan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using sim::Fault;

// The callers' keys (the configuration holds only their digests) and a wrong one.
constexpr const char* read_key = "caller-read-key-7Hq2mZ9vXw";
constexpr const char* write_only_key = "caller-write-key-P4t8LkQ1sD";
constexpr const char* wrong_key = "caller-wrong-key-Zr5Nc3Ye6B";

// Forwards to a simulated provider and keeps the session tokens it hands out.
class TokenRecorder final : public sim::Provider {
 public:
  explicit TokenRecorder(std::shared_ptr<sim::Provider> inner) : Provider(inner->type()), inner_(std::move(inner)) {}
  sim::Reply handle(const sim::SimRequest& request) override {
    auto reply = inner_->handle(request);
    json::error_code ec;
    const auto body = json::parse(reply.body, ec);
    if (!ec && body.is_object()) {
      if (const auto* data = body.as_object().if_contains("data"); data && data->is_object()) {
        for (const char* field : {"token", "accessToken"}) {
          if (const auto* token = data->as_object().if_contains(field); token && token->is_string()) {
            std::lock_guard lock(mutex_);
            tokens_.emplace_back(token->as_string());
          }
        }
      }
    }
    return reply;
  }
  sim::Reply error_reply(std::string_view code, std::string_view message, unsigned status) const override {
    return inner_->error_reply(code, message, status);
  }
  bool signs_responses() const noexcept override { return inner_->signs_responses(); }
  void sign_response(sim::Reply& reply) const override { inner_->sign_response(reply); }
  bool issues_tokens() const noexcept override { return inner_->issues_tokens(); }
  void expire_tokens() override { inner_->expire_tokens(); }
  config::GatewayConfig gateway_config(std::string id, std::string base_url) const override {
    return inner_->gateway_config(std::move(id), std::move(base_url));
  }
  std::vector<std::string> tokens() const {
    std::lock_guard lock(mutex_);
    return tokens_;
  }

 private:
  std::shared_ptr<sim::Provider> inner_;
  mutable std::mutex mutex_;
  std::vector<std::string> tokens_;
};

struct Member {
  std::string id;
  config::GatewayType type;
};
const std::vector<Member> members = {{"ccp-main", gateways::ccpayment_v2::type},
                                     {"ccp-legacy", gateways::ccpayment_v1::type},
                                     {"cloud", gateways::cryptocloud::type},
                                     {"trubit", gateways::trubit::type},
                                     {"kuna", gateways::kuna::type}};

// Every secret of the demo accounts the simulators are started with.
std::vector<std::string> gateway_secrets() {
  const auto v1 = sim::demo_ccpayment_v1_account();
  const auto v2 = sim::demo_ccpayment_v2_account();
  const auto cloud = sim::demo_cryptocloud_account();
  const auto trubit = sim::demo_trubit_account();
  const auto kuna = sim::demo_kuna_account();
  std::vector<std::string> secrets = {v1.app_secret, v2.app_secret, cloud.api_key, trubit.api_secret,
                                      trubit.api_key, kuna.password, kuna.api_key};
  if (!trubit.static_token.empty()) secrets.push_back(trubit.static_token);
  return secrets;
}

// Five simulators, the real adapters, views, records and the API with key checks, on loopback.
class Fleet {
 public:
  Fleet() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    std::vector<aggregate::ViewGateway> view_gateways;
    std::vector<std::shared_ptr<gateways::Gateway>> all;
    records::RecordsOptions record_options;
    for (const auto& member : members) {
      auto recorder = std::make_shared<TokenRecorder>(sim::make_demo_provider(member.type));
      recorders_[member.id] = recorder;
      simulators_[member.id] = sim::Simulator::start(io_, recorder);
      auto config = simulators_[member.id]->gateway_config(member.id);
      config.retries = 0;
      config.timeout = 2000ms;
      auto gateway = gateways::make_gateway(config, {io_.get_executor()});
      EXPECT_TRUE(gateway.ok());
      view_gateways.push_back({*gateway, config.timeout});
      record_options.timeouts[member.id] = config.timeout;
      all.push_back(*gateway);
    }
    views_ = aggregate::make_views(view_gateways, config::CacheConfig{}, io_.get_executor());
    auto router = std::make_shared<http::Router>();
    api::add_api_routes(*router, views_, records::make_records_service(all, io_.get_executor(), record_options),
                        writes::make_write_service(all, io_.get_executor()));
    router->add("GET", "/healthz", http::sync_handler([](const http::Request&) { return http::json_response(200, "{}"); }));
    // The API keys as the service wires them: reads need scope read, writes scope write.
    auth_ = std::make_shared<http::ApiKeyAuth>(std::vector<config::ApiKey>{
        {"dashboard", hash::sha256_hex(read_key).value(), {"read"}},
        {"payouts", hash::sha256_hex(write_only_key).value(), {"write"}}});
    router->wrap("/v1/", [auth = auth_](const std::string& method, http::Handler handler) {
      const bool read = method == "GET" || method == "HEAD";
      return auth->protect(read ? http::Scope::read : http::Scope::write, std::move(handler));
    });
    http::ServerOptions options;
    options.max_body_bytes = 1024;
    options.max_header_bytes = 2048;
    server_ = std::make_unique<testing::HttpTestServer>(io_, options, router);
  }
  ~Fleet() {
    server_->stop();
    for (auto& [id, simulator] : simulators_) simulator->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    server_.reset();
    views_.reset();
  }

  // Sends raw bytes, returns the whole answer as text (status line, headers, body) and its status.
  std::pair<unsigned, std::string> exchange(const std::string& bytes) {
    testing::RawConnection connection(server_->port());
    connection.send(bytes);
    auto response = connection.read_response();
    if (!response) return {0, {}};
    std::ostringstream text;
    text << response->base() << response->body();
    return {response->result_int(), text.str()};
  }
  std::pair<unsigned, std::string> get(const std::string& target, const std::string& key = read_key) {
    return exchange(testing::get_request(target, key.empty() ? std::string() : "Authorization: Bearer " + key + "\r\n"));
  }

  sim::Simulator& simulator(const std::string& id) { return *simulators_.at(id); }
  std::vector<std::string> issued_tokens() const {
    std::vector<std::string> tokens;
    for (const auto& [id, recorder] : recorders_) {
      for (auto& token : recorder->tokens()) tokens.push_back(std::move(token));
    }
    return tokens;
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::map<std::string, std::shared_ptr<TokenRecorder>> recorders_;
  std::map<std::string, std::unique_ptr<sim::Simulator>> simulators_;
  std::shared_ptr<aggregate::Views> views_;
  std::shared_ptr<http::ApiKeyAuth> auth_;
  std::unique_ptr<testing::HttpTestServer> server_;
};

std::vector<Fault> every_fault_kind() {
  return {Fault::latency_of(20ms),
          Fault::http_status_of(500),
          Fault::http_status_of(401),
          Fault::provider_error_of("", ""),
          Fault::malformed_json(),
          Fault::truncated_json(),
          Fault::tampered_signature(),
          Fault::token_expiry(),
          Fault::drop_connection(),
          Fault::slow_body_of(1ms, 256)};
}

TEST(SecretLeak, NoSecretInLogsOrResponsesForAnyFaultOnAnyProviderOrAnyProblemAnswer) {
  std::vector<std::string> transcript;  // every response, in full
  std::set<sim::Fault::Kind> kinds_injected;
  std::set<unsigned> problem_statuses;
  std::vector<std::string> tokens;
  std::string log_text;
  {
    coinfan::testing::LogCapture capture("trace");
    {
      Fleet fleet;
      // Fault matrix: each fault on each provider, while every view (fresh, not cached) and the
      // records are read.
      for (const auto& member : members) {
        for (auto fault : every_fault_kind()) {
          try {
            fleet.simulator(member.id).inject(fault);
          } catch (const std::invalid_argument&) {
            continue;  // a fault this provider cannot have (a signature on v1 only, tokens on TruBit/Kuna)
          }
          kinds_injected.insert(fault.kind);
          // All gateways (the faulty one is one status among others), the faulty one alone (its
          // error is the answer: 502), and the record list and lookups.
          const std::vector<std::string> targets = {
              "/v1/balances?max_age_ms=0", "/v1/coins?max_age_ms=0", "/v1/prices?max_age_ms=0", "/v1/gateways",
              "/v1/balances?max_age_ms=0&gateway=" + member.id, "/v1/coins?max_age_ms=0&gateway=" + member.id,
              "/v1/records?user_id=user-alice-1001&limit=5",
              "/v1/gateways/ccp-main/transfers?order_id=leak-test-order",
              "/v1/gateways/ccp-main/swaps/20240101000000000000000000000001"};
          for (const auto& target : targets) {
            const auto [status, text] = fleet.get(target);
            EXPECT_NE(status, 0u) << target << " with " << sim::to_string(fault.kind) << " on " << member.id;
            if (status >= 400) problem_statuses.insert(status);
            transcript.push_back(text);
          }
          fleet.simulator(member.id).clear_faults();
        }
      }
      // Every problem answer of the API.
      const std::string host = "Host: localhost\r\n";
      const auto post_json = [&host](const std::string& target, const std::string& key, const std::string& body) {
        std::string request = "POST " + target + " HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n";
        if (!key.empty()) request += "Authorization: Bearer " + key + "\r\n";
        return request + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      };
      const std::vector<std::pair<unsigned, std::string>> problems = {
          {400, testing::get_request("/v1/balances?gateway=nope", std::string("X-Api-Key: ") + read_key + "\r\n")},
          {400, testing::get_request("/v1/balances?bogus=1", std::string("X-Api-Key: ") + read_key + "\r\n")},
          {400, testing::get_request("/v1/records?limit=0", std::string("X-Api-Key: ") + read_key + "\r\n")},
          {400, testing::get_request("/v1/records?cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                     std::string("X-Api-Key: ") + read_key + "\r\n")},
          {400, testing::get_request("/v1/gateways/ccp-main/transfers?order_id=ab",
                                     std::string("X-Api-Key: ") + read_key + "\r\n")},
          {401, testing::get_request("/v1/balances")},
          {401, testing::get_request("/v1/balances", std::string("Authorization: Bearer ") + wrong_key + "\r\n")},
          {401, testing::get_request("/v1/records", std::string("X-Api-Key: ") + wrong_key + "\r\n")},
          {403, testing::get_request("/v1/balances", std::string("Authorization: Bearer ") + write_only_key + "\r\n")},
          {404, testing::get_request("/v1/nothing-here", std::string("X-Api-Key: ") + read_key + "\r\n")},
          {404, testing::get_request("/nothing-here")},
          {404, testing::get_request("/v1/gateways/nope/swaps/123", std::string("X-Api-Key: ") + read_key + "\r\n")},
          {405, "DELETE /healthz HTTP/1.1\r\n" + host + "\r\n"},
          {0, "POST /v1/balances HTTP/1.1\r\n" + host + "Authorization: Bearer " + read_key +
                  "\r\nContent-Length: 2\r\n\r\n{}"},
          {400, std::string("GARBAGE\r\n\r\n")},
          {413, "POST /v1/balances HTTP/1.1\r\n" + host + "Authorization: Bearer " + read_key +
                    "\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x')},
          {431, "GET /v1/balances HTTP/1.1\r\n" + host + "Authorization: Bearer " + read_key + "\r\nX-Pad: " +
                    std::string(4000, 'p') + "\r\n\r\n"},
          // The write endpoints' problems: no key, a read key, not JSON, bad fields, an unknown
          // gateway, the provider's refusal (insufficient balance).
          {401, post_json("/v1/gateways/ccp-main/transfers", "", "{}")},
          {403, post_json("/v1/gateways/ccp-main/transfers", read_key, "{}")},
          {415, "POST /v1/gateways/ccp-main/transfers HTTP/1.1\r\n" + host + "Authorization: Bearer " +
                    write_only_key + "\r\nContent-Length: 2\r\n\r\n{}"},
          {400, post_json("/v1/gateways/ccp-main/transfers", write_only_key, "{\"amount\":")},
          {422, post_json("/v1/gateways/ccp-main/transfers", write_only_key,
                          R"({"from_user_id":"sysadmin","amount":1.5,"order_id":"x","extra":true})")},
          {404, post_json("/v1/gateways/nope/transfers", write_only_key,
                          R"({"from_user_id":"user-alice-1001","to_user_id":"user-bob-2002","asset":"USDT","amount":"1","order_id":"leak-1"})")},
          // (422 insufficient_balance, or 502 while the gateway's circuit is still open from the faults above)
          {0, post_json("/v1/gateways/ccp-main/transfers", write_only_key,
                        R"({"from_user_id":"user-alice-1001","to_user_id":"user-bob-2002","asset":"USDT","amount":"99999999","order_id":"leak-2"})")},
      };
      for (const auto& [expected, bytes] : problems) {
        const auto [status, text] = fleet.exchange(bytes);
        if (expected != 0) {
          EXPECT_EQ(status, expected) << bytes.substr(0, 80);
        }
        EXPECT_GE(status, 400u) << bytes.substr(0, 80);
        problem_statuses.insert(status);
        transcript.push_back(text);
      }
      tokens = fleet.issued_tokens();
    }
    log_text = capture.finish();
  }

  EXPECT_EQ(kinds_injected.size(), 9u);  // every Fault::Kind
  EXPECT_TRUE(problem_statuses.contains(502u));  // a faulty gateway asked alone
  for (unsigned status : {400u, 401u, 403u, 404u, 405u, 413u, 415u, 422u, 431u}) EXPECT_TRUE(problem_statuses.contains(status)) << status;
  // The simulators issued session tokens (TruBit, Kuna), and the run was logged.
  EXPECT_FALSE(tokens.empty());
  EXPECT_GT(log_text.size(), 1000u);

  auto secrets = gateway_secrets();
  for (auto& token : tokens) secrets.push_back(std::move(token));
  for (const char* key : {read_key, write_only_key, wrong_key}) secrets.emplace_back(key);
  std::size_t log_hits = 0;
  std::size_t response_hits = 0;
  for (const auto& secret : secrets) {
    ASSERT_GE(secret.size(), 8u);
    if (log_text.find(secret) != std::string::npos) {
      ++log_hits;
      ADD_FAILURE() << "a secret is in the log: " << secret.substr(0, 6) << "...";
    }
    for (const auto& text : transcript) {
      if (text.find(secret) != std::string::npos) {
        ++response_hits;
        ADD_FAILURE() << "a secret is in a response: " << secret.substr(0, 6) << "...";
        break;
      }
    }
  }
  EXPECT_EQ(log_hits, 0u);
  EXPECT_EQ(response_hits, 0u);
  RecordProperty("secrets_searched", static_cast<int>(secrets.size()));
  RecordProperty("responses_searched", static_cast<int>(transcript.size()));
  RecordProperty("log_bytes_searched", static_cast<int>(log_text.size()));
}

}  // namespace
}  // namespace coinfan
