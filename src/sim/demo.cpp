#include "coinfan/sim/demo.hpp"

#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v1/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "gateways/cryptocloud/simulator.hpp"
#include "gateways/kuna/simulator.hpp"
#include "gateways/trubit/simulator.hpp"

namespace coinfan::sim {

std::shared_ptr<Provider> make_demo_provider(config::GatewayType type, std::chrono::system_clock::time_point now) {
  switch (type) {
    case config::GatewayType::ccpayment_v1:
      return make_demo_ccpayment_v1(now);
    case config::GatewayType::ccpayment_v2:
      return make_demo_ccpayment_v2(now);
    case config::GatewayType::cryptocloud:
      return make_demo_cryptocloud(now);
    case config::GatewayType::trubit:
      return make_demo_trubit(now);
    case config::GatewayType::kuna:
      return make_demo_kuna(now);
  }
  return nullptr;
}

DemoGateways start_demo_gateways(boost::asio::io_context& io, SimulatorOptions options) {
  struct Entry {
    const char* id;
    config::GatewayType type;
  };
  static constexpr Entry entries[] = {
      {"ccp-main", config::GatewayType::ccpayment_v2}, {"ccp-legacy", config::GatewayType::ccpayment_v1},
      {"cloud", config::GatewayType::cryptocloud},     {"trubit", config::GatewayType::trubit},
      {"kuna", config::GatewayType::kuna},
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
