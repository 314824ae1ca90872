#pragma once
// The write endpoints' test bench: a simulated CCPayment v2 account (a ledger that moves funds)
// and a CryptoCloud account (no write actions) behind the real adapters, views, write service,
// API routes and API-key check, served over loopback by the real HTTP server on port 0.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/routes.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/auth.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/sim/simulator.hpp"
#include "coinfan/writes/service.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/providers.hpp"
#include "support/http_test_client.hpp"

namespace coinfan::writes::testing {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

inline const std::string alice = "user-alice-1001";
inline const std::string bob = "user-bob-2002";
inline const std::string payouts_key = "payouts-key-0001";  // scopes read, write
inline const std::string reader_key = "reader-key-0001";    // scope read

struct RigOptions {
  std::chrono::milliseconds gateway_timeout{2000};
  ResolutionPlan resolution{{0ms, 20ms, 60ms}};
  bool keys = true;  // false: no API key configured at all
  unsigned threads = 3;
  unsigned retries = 0;  // the gateway's read retries; 0: every injected fault costs exactly one call
  std::chrono::milliseconds answer_within{12000};
};

struct Answer {
  unsigned status = 0;
  std::string content_type;
  std::string location;
  std::string replayed;  // Idempotent-Replayed
  std::string body_text;
  json::value body;

  std::string text(std::string_view key) const {
    if (!body.is_object()) return {};
    const auto* value = body.as_object().if_contains(key);
    return value && value->is_string() ? std::string(value->as_string()) : std::string();
  }
};

class WriteRig {
 public:
  explicit WriteRig(RigOptions options = {}) : options_(options), work_(asio::make_work_guard(io_)) {
    for (unsigned i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { io_.run(); });
    provider_ = std::make_shared<sim::CcpaymentV2Provider>(sim::demo_ccpayment_v2_account());
    ccp_ = sim::Simulator::start(io_, provider_);
    cloud_ = sim::Simulator::start(io_, gateways::cryptocloud::type);
    build();
  }

  ~WriteRig() {
    stop_service();
    ccp_->stop();
    cloud_->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    server_.reset();
    retired_.clear();
    router_.reset();
    writes_.reset();
    views_.reset();
    gateways_.clear();
  }

  // A new service over the same simulated accounts: an empty order ledger, as after a restart.
  void restart() {
    stop_service();
    build();
  }

  sim::CcpaymentV2Provider& provider() { return *provider_; }
  sim::Simulator& simulator() { return *ccp_; }
  WriteService& writes() { return *writes_; }
  const std::string& merchant() const { return provider_->app_id(); }

  // Waits (on a condition variable) until the execution of `order_id` is over.
  bool wait_settled(const std::string& order_id, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(settled_mutex_);
    return settled_changed_.wait_for(lock, timeout, [&] {
      return std::find(settled_.begin(), settled_.end(), order_id) != settled_.end();
    });
  }

  Answer post(const std::string& target, const std::string& body, const std::string& key = payouts_key,
              std::string content_type = "application/json") {
    std::string request = "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    if (!content_type.empty()) request += "Content-Type: " + content_type + "\r\n";
    if (!key.empty()) request += "Authorization: Bearer " + key + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return exchange(request);
  }

  Answer get(const std::string& target, const std::string& key = reader_key) {
    std::string headers = "Connection: close\r\n";
    if (!key.empty()) headers += "Authorization: Bearer " + key + "\r\n";
    return exchange(coinfan::testing::get_request(target, headers));
  }

 private:
  Answer exchange(const std::string& request) {
    coinfan::testing::RawConnection connection(server_->port());
    connection.send(request);
    auto response = connection.read_response();
    Answer answer;
    if (!response) {
      ADD_FAILURE() << "no response to " << request.substr(0, request.find('\r'));
      return answer;
    }
    answer.status = response->result_int();
    answer.content_type = std::string((*response)["Content-Type"]);
    answer.location = std::string((*response)["Location"]);
    answer.replayed = std::string((*response)["Idempotent-Replayed"]);
    answer.body_text = response->body();
    boost::system::error_code ec;
    answer.body = json::parse(answer.body_text, ec);
    return answer;
  }

  void build() {
    gateways_.clear();
    auto ccp_config = ccp_->gateway_config("ccp");
    ccp_config.timeout = options_.gateway_timeout;
    ccp_config.retries = options_.retries;
    auto cloud_config = cloud_->gateway_config("cloud");
    std::vector<aggregate::ViewGateway> view_gateways;
    for (const auto& config : {ccp_config, cloud_config}) {
      auto gateway = gateways::make_gateway(config, {io_.get_executor()});
      if (!gateway) throw std::runtime_error(gateway.error().detail);
      view_gateways.push_back({*gateway, config.timeout});
      gateways_.push_back(*gateway);
    }
    views_ = aggregate::make_views(view_gateways, config::CacheConfig{}, io_.get_executor());
    WriteOptions write_options;
    write_options.resolution = options_.resolution;
    write_options.answer_within = options_.answer_within;
    write_options.on_settled = [this](const std::string& order_id) {
      std::lock_guard lock(settled_mutex_);
      settled_.push_back(order_id);
      settled_changed_.notify_all();
    };
    write_options.on_executed = [views = std::weak_ptr<aggregate::Views>(views_)](const std::string& id) {
      if (auto alive = views.lock()) alive->invalidate_balances(id);
    };
    writes_ = make_write_service(gateways_, io_.get_executor(), std::move(write_options));
    router_ = std::make_shared<http::Router>();
    api::add_api_routes(*router_, views_, records::make_records_service(gateways_, io_.get_executor()), writes_);
    std::vector<config::ApiKey> keys;
    if (options_.keys) {
      keys.push_back({"payouts", *hash::sha256_hex(payouts_key), {"read", "write"}});
      keys.push_back({"reader", *hash::sha256_hex(reader_key), {"read"}});
    }
    auto auth = std::make_shared<http::ApiKeyAuth>(keys);
    router_->wrap("/v1/", [auth](const std::string& method, http::Handler handler) {
      const bool read = method == "GET" || method == "HEAD";
      return auth->protect(read ? http::Scope::read : http::Scope::write, std::move(handler));
    });
    server_ = std::make_unique<http::Server>(io_, http::ServerOptions{}, router_);
    server_->start();
  }

  // The old server stops taking requests but is destroyed only with the rig, after the I/O
  // threads have stopped (its sessions may still be closing on them).
  void stop_service() {
    if (!server_) return;
    server_->begin_drain();
    server_->close_all();
    retired_.push_back(std::move(server_));
  }

  RigOptions options_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::shared_ptr<sim::CcpaymentV2Provider> provider_;
  std::unique_ptr<sim::Simulator> ccp_;
  std::unique_ptr<sim::Simulator> cloud_;
  std::vector<std::shared_ptr<gateways::Gateway>> gateways_;
  std::shared_ptr<aggregate::Views> views_;
  std::shared_ptr<WriteService> writes_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::unique_ptr<http::Server>> retired_;
  std::mutex settled_mutex_;
  std::condition_variable settled_changed_;
  std::vector<std::string> settled_;
};

// A transfer body; `extra` is appended inside the object (e.g. R"(,"remark":"x")").
inline std::string transfer_body(const std::string& from, const std::string& to, const std::string& amount,
                                 const std::string& order_id, const std::string& coin = R"("asset":"USDT")",
                                 const std::string& extra = "") {
  return R"({"from_user_id":")" + from + R"(","to_user_id":")" + to + R"(",)" + coin + R"(,"amount":")" + amount +
         R"(","order_id":")" + order_id + "\"" + extra + "}";
}

}  // namespace coinfan::writes::testing
