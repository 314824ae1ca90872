#pragma once
// Five simulated providers (or a chosen few), the real adapters, the views and their routes
// behind an http::Server on loopback. Upstream calls are counted by the simulators.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/view_routes.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/sim/demo.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/providers.hpp"
#include "support/http_test_client.hpp"
#include "support/test_server.hpp"

namespace coinfan::aggregate::testing_support {

namespace asio = boost::asio;
namespace json = boost::json;
using config::GatewayType;

inline const std::vector<std::pair<std::string, GatewayType>> fleet_members = {
    {"ccp-main", gateways::ccpayment_v2::type}, {"ccp-legacy", gateways::ccpayment_v1::type},
    {"cloud", gateways::cryptocloud::type},     {"trubit", gateways::trubit::type},
    {"kuna", gateways::kuna::type}};

// Five simulators, the five real adapters, the views and their routes behind an http::Server.
class SimulatedFleet {
 public:
  explicit SimulatedFleet(std::map<std::string, std::chrono::milliseconds> timeouts = {},
                          config::CacheConfig cache = {},
                          const std::vector<std::pair<std::string, GatewayType>>& members = fleet_members)
      : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    std::vector<ViewGateway> view_gateways;
    for (const auto& [id, type] : members) {
      auto provider = sim::make_demo_provider(type);
      providers_[id] = provider;
      simulators_[id] = sim::Simulator::start(io_, provider);
      auto config = simulators_[id]->gateway_config(id);
      config.retries = 0;
      if (auto it = timeouts.find(id); it != timeouts.end()) config.timeout = it->second;
      auto gateway = gateways::make_gateway(config, {io_.get_executor()});
      EXPECT_TRUE(gateway.ok());
      view_gateways.push_back({*gateway, config.timeout});
    }
    ViewClock clock;
    clock.steady = [this] { return std::chrono::steady_clock::now() + clock_offset_.load(); };
    views_ = make_views(std::move(view_gateways), cache, io_.get_executor(), clock);
    auto router = std::make_shared<http::Router>();
    api::add_view_routes(*router, views_);
    // The routes run on the fleet's io_context, as in the service: a background refresh that
    // outlives the test's last request never holds an executor of a destroyed context.
    server_ = std::make_unique<testing::HttpTestServer>(io_, http::ServerOptions{}, router);
  }
  ~SimulatedFleet() {
    server_->stop();
    for (auto& [id, simulator] : simulators_) simulator->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    // Pending handlers are destroyed with io_, the last member to go.
    server_.reset();
    views_.reset();
  }

  json::object get(const std::string& target, unsigned expected_status = 200) {
    testing::RawConnection connection(server_->port());
    connection.send(testing::get_request(target));
    auto response = connection.read_response();
    EXPECT_TRUE(response);
    if (!response) return {};
    EXPECT_EQ(response->result_int(), expected_status) << response->body();
    return json::parse(response->body()).as_object();
  }

  sim::Simulator& simulator(const std::string& id) { return *simulators_.at(id); }
  template <typename P>
  P& provider(const std::string& id) {
    return dynamic_cast<P&>(*providers_.at(id));
  }
  std::uint64_t upstream_calls(const std::string& id) { return simulators_.at(id)->requests(); }
  Views& views() { return *views_; }
  asio::io_context& io() { return io_; }
  void advance(std::chrono::milliseconds by) { clock_offset_ = clock_offset_.load() + by; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::map<std::string, std::shared_ptr<sim::Provider>> providers_;
  std::map<std::string, std::unique_ptr<sim::Simulator>> simulators_;
  std::shared_ptr<Views> views_;
  std::unique_ptr<testing::HttpTestServer> server_;
  std::atomic<std::chrono::milliseconds> clock_offset_{std::chrono::milliseconds(0)};
};

inline const json::object* find_total(const json::object& body, std::string_view asset) {
  for (const auto& total : body.at("totals").as_array()) {
    if (total.at("asset").as_string() == asset) return &total.as_object();
  }
  return nullptr;
}

inline const json::object& status_of(const json::object& body, std::string_view id) {
  for (const auto& status : body.at("gateways").as_array()) {
    if (status.at("id").as_string() == id) return status.as_object();
  }
  throw std::runtime_error("no status for " + std::string(id));
}

}  // namespace coinfan::aggregate::testing_support
