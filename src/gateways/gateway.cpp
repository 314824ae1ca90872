#include "coinfan/gateways/gateway.hpp"

#include "gateways/common/adapter.hpp"
#include "gateways/providers.hpp"

namespace coinfan::gateways {
namespace {

struct Factory {
  AdapterFactory* make = nullptr;
  bool settings_fit = false;
};

template <typename... Provider>
Factory factory_for(const config::GatewayConfig& config, ProviderList<Provider...>) {
  Factory found;
  ((config.type == Provider::type &&
    (found = {Provider::make_adapter, config.settings_as<typename Provider::Settings>() != nullptr}, true)) ||
   ...);
  return found;
}

}  // namespace

boost::asio::awaitable<Result<std::vector<Coin>>> Gateway::coins() {
  co_return make_error(ErrorCode::not_found, "this gateway type has no coin catalogue");
}

Result<std::shared_ptr<Gateway>> make_gateway(const config::GatewayConfig& config, const GatewayEnvironment& env) {
  const auto factory = factory_for(config, Providers{});
  if (factory.make == nullptr) return make_error(ErrorCode::invalid_argument, "unknown gateway type");
  if (!factory.settings_fit) {
    return make_error(ErrorCode::invalid_argument,
                      "gateway " + config.id + " has no " + std::string(config.type.name()) + " settings");
  }
  auto options = client_options(config);
  if (env.shared_budget && config.rate_limit_rps) options.shared_budget = env.shared_budget(config);
  auto client = upstream::Client::create(env.executor, std::move(options));
  if (!client) return std::move(client).error();
  return factory.make(config, std::move(*client), env);
}

}  // namespace coinfan::gateways
