#pragma once
// What a provider hands the registration table (gateways/providers.hpp): a ProviderTraits-like
// struct in its folder's config.hpp. Pure: the adapter factory is only declared here (with
// forward-declared types), so pure code may name a provider without linking its adapter; only
// the network layer (gateway.cpp) takes the factory's address.

#include <chrono>
#include <memory>

#include "coinfan/config/config.hpp"

namespace coinfan::upstream {
class Client;
}  // namespace coinfan::upstream

namespace coinfan::sim {
class Provider;
}  // namespace coinfan::sim

namespace coinfan::gateways {

class Gateway;
struct GatewayEnvironment;

// Builds a provider's adapter; `config.settings` holds that provider's Settings (checked by
// make_gateway before the call).
using AdapterFactory = std::shared_ptr<Gateway>(const config::GatewayConfig& config,
                                                std::shared_ptr<upstream::Client> client,
                                                const GatewayEnvironment& env);

// A provider's registration card, from the pure parts of its folder:
//   Type     its config::GatewayType constant       Keys   its provider-specific JSON keys
//   Settings its typed settings                      Parse  its settings parser
// The provider struct deriving from it adds `static AdapterFactory* const make_adapter;`,
// defined in its adapter.cpp and expanded by make_gateway (gateway.cpp), and
// `static DemoFactory* const make_demo;`, defined in its demo.cpp and expanded by
// sim::make_demo_provider (sim/demo.cpp). Each layer only takes the addresses it links, so
// pure code never depends on adapters or simulators.
// Makes a provider's simulator holding its demo data (`coinfan --demo`, tests, benchmarks).
using DemoFactory = std::shared_ptr<sim::Provider>(std::chrono::system_clock::time_point now);

template <typename SettingsType, const config::GatewayType& Type, const auto& Keys,
          config::ParseSettings Parse>
struct ProviderTraits {
  using Settings = SettingsType;
  static constexpr config::GatewayType type = Type;
  static constexpr auto& keys = Keys;
  static constexpr config::ParseSettings parse_settings = Parse;
};

template <typename... Provider>
struct ProviderList {};

}  // namespace coinfan::gateways
