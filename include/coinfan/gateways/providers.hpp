#pragma once
// The providers coinfan speaks, as configuration parsing needs them: one schema per entry of
// the registration table (src/gateways/providers.hpp), in table order. Pure.

#include <span>

#include "coinfan/config/provider.hpp"

namespace coinfan::gateways {

std::span<const config::ProviderSchema> provider_schemas() noexcept;

}  // namespace coinfan::gateways
