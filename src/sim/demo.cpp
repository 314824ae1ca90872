#include "coinfan/sim/demo.hpp"

#include "coinfan/sim/simulator.hpp"
#include "gateways/providers.hpp"

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

}  // namespace coinfan::sim
