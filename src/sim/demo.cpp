#include "coinfan/sim/demo.hpp"

#include "coinfan/sim/simulator.hpp"
#include "gateways/providers.hpp"

#include <string>
#include <utility>
#include <vector>

namespace coinfan::sim {

namespace {

template <typename... Registered>
std::shared_ptr<Provider> demo_of(config::GatewayType type, std::chrono::system_clock::time_point now,
                                  gateways::ProviderList<Registered...>) {
  std::shared_ptr<Provider> made;
  ((type == Registered::type && (made = Registered::make_demo(now), true)) || ...);
  return made;
}

}  // namespace

std::shared_ptr<Provider> make_demo_provider(config::GatewayType type, std::chrono::system_clock::time_point now) {
  return demo_of(type, now, gateways::Providers{});
}

DemoGateways start_demo_gateways(boost::asio::io_context& io, SimulatorOptions options) {
  struct Entry {
    const char* id;
    config::GatewayType type;
  };
  static constexpr Entry entries[] = {
      {"ccp-main", gateways::ccpayment_v2::type}, {"ccp-legacy", gateways::ccpayment_v1::type},
      {"cloud", gateways::cryptocloud::type},     {"trubit", gateways::trubit::type},
      {"kuna", gateways::kuna::type},
  };
  DemoGateways demo;
  for (const auto& entry : entries) {
    auto simulator = Simulator::start(io, entry.type, options);
    demo.gateways.push_back(simulator->gateway_config(entry.id));
    demo.simulators.push_back(std::move(simulator));
  }
  return demo;
}

boost::json::object gateway_json(const config::GatewayConfig& gateway) {
  boost::json::object out{{"id", gateway.id}, {"type", std::string(config::to_string(gateway.type))},
                          {"base_url", gateway.base_url}};
  std::vector<std::pair<const char*, std::string>> fields;
  if (const auto* s = gateway.settings_as<gateways::ccpayment_v1::Settings>()) {
    fields = {{"app_id", s->credentials.app_id}, {"app_secret", s->credentials.app_secret}};
  } else if (const auto* s = gateway.settings_as<gateways::ccpayment_v2::Settings>()) {
    fields = {{"app_id", s->credentials.app_id}, {"app_secret", s->credentials.app_secret}};
  } else if (const auto* s = gateway.settings_as<gateways::cryptocloud::Settings>()) {
    fields = {{"api_key", s->api_key}};
  } else if (const auto* s = gateway.settings_as<gateways::trubit::Settings>()) {
    fields = {{"token", s->token}, {"api_key", s->credentials.api_key}, {"api_secret", s->credentials.api_secret}};
  } else if (const auto* s = gateway.settings_as<gateways::kuna::Settings>()) {
    fields = {{"wallet_id", s->wallet_id}, {"api_key", s->api_key}, {"merchant_id", s->login.merchant_id},
              {"email", s->login.email}, {"password", s->login.password}};
  }
  for (const auto& [name, value] : fields) {
    if (!value.empty()) out[name] = value;
  }
  return out;
}

}  // namespace coinfan::sim
