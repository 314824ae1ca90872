#pragma once
// The realistic merchant data behind `coinfan --demo` and the benchmarks. Each provider's demo
// account lives beside its simulator (src/gateways/<provider>/demo.cpp, declared in its
// simulator.hpp); this picks one by gateway type.

#include <chrono>
#include <memory>

#include <boost/json/object.hpp>

#include "coinfan/config/config.hpp"
#include "coinfan/sim/provider.hpp"

namespace coinfan::sim {

// A provider of `type` with its demo data; `now` anchors generated history (CCPayment v2).
std::shared_ptr<Provider> make_demo_provider(config::GatewayType type,
                                             std::chrono::system_clock::time_point now =
                                                 std::chrono::system_clock::now());

// `gateway` (a simulator's gateway_config()) as an entry of a configuration file's
// "gateways" array, for the benchmarks and the tests that start the coinfan binary.
boost::json::object gateway_json(const config::GatewayConfig& gateway);

}  // namespace coinfan::sim
