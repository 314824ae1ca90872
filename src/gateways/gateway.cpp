#include "coinfan/gateways/gateway.hpp"

#include "gateways/registry.hpp"

namespace coinfan::gateways {

boost::asio::awaitable<Result<std::vector<Price>>> Gateway::prices() {
  auto snapshot = co_await balances();
  if (!snapshot) co_return std::move(snapshot).error();
  co_return std::move(snapshot->prices);
}

boost::asio::awaitable<Result<std::vector<Coin>>> Gateway::coins() {
  co_return make_error(ErrorCode::not_found, "this gateway type has no coin catalogue");
}

Result<std::shared_ptr<Gateway>> make_gateway(const config::GatewayConfig& config, const GatewayEnvironment& env) {
  auto client = upstream::Client::create(env.executor, client_options(config));
  if (!client) return std::move(client).error();
  switch (config.type) {
    case config::GatewayType::ccpayment_v1: return make_ccpayment_v1(config, std::move(*client), env);
    case config::GatewayType::ccpayment_v2: return make_ccpayment_v2(config, std::move(*client), env);
    case config::GatewayType::cryptocloud: return make_cryptocloud(config, std::move(*client), env);
    case config::GatewayType::trubit: return make_trubit(config, std::move(*client), env);
    case config::GatewayType::kuna: return make_kuna(config, std::move(*client), env);
  }
  return make_error(ErrorCode::invalid_argument, "unknown gateway type");
}

}  // namespace coinfan::gateways
