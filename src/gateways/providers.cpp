#include "gateways/providers.hpp"

#include <array>

namespace coinfan::gateways {
namespace {

template <typename... Provider>
constexpr auto schemas_of(ProviderList<Provider...>) {
  return std::array<config::ProviderSchema, sizeof...(Provider)>{
      config::ProviderSchema{Provider::type, Provider::parse_settings, Provider::keys}...};
}

constexpr auto schemas = schemas_of(Providers{});

}  // namespace

std::span<const config::ProviderSchema> provider_schemas() noexcept { return schemas; }

}  // namespace coinfan::gateways
