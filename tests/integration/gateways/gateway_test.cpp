// make_gateway picks the adapter factory by the registered type name and refuses a
// configuration whose settings belong to another provider (or to none).

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "coinfan/gateways/gateway.hpp"
#include "gateways/providers.hpp"

namespace coinfan::gateways {
namespace {

config::GatewayConfig kuna_gateway() {
  config::GatewayConfig config;
  config.id = "kuna";
  config.type = kuna::type;
  config.base_url = "https://kuna.example";
  config.settings = kuna::Settings{"1f44b1c7-9fd4-4d20-b9a4-7aca3646d0d5", "key", {}};
  return config;
}

TEST(MakeGateway, BuildsTheAdapterOfTheRegisteredType) {
  boost::asio::io_context io;
  auto made = make_gateway(kuna_gateway(), GatewayEnvironment{io.get_executor()});
  ASSERT_TRUE(made) << made.error().detail;
  EXPECT_EQ((*made)->type(), kuna::type);
  EXPECT_EQ((*made)->id(), "kuna");
}

TEST(MakeGateway, RefusesSettingsOfAnotherProvider) {
  boost::asio::io_context io;
  auto config = kuna_gateway();
  config.settings = cryptocloud::Settings{"key"};
  auto made = make_gateway(config, GatewayEnvironment{io.get_executor()});
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::invalid_argument);
  config.settings.reset();
  EXPECT_FALSE(make_gateway(config, GatewayEnvironment{io.get_executor()}));
}

TEST(MakeGateway, RefusesATypeNotInTheTable) {
  boost::asio::io_context io;
  auto config = kuna_gateway();
  config.type = config::GatewayType{"paypal"};
  auto made = make_gateway(config, GatewayEnvironment{io.get_executor()});
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace coinfan::gateways
