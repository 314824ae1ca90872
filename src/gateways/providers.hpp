#pragma once
// The registration table: every provider coinfan speaks, one line each. A provider is one
// folder, src/gateways/<provider>/, holding its typed settings (config.*), its registration
// card (provider.hpp), its pure request builders and response parsers, its adapter, and its
// simulator and demo data. docs/adding-a-provider.md walks through adding one.
//
// Pure: each layer expands the list into what it needs — config parsing the schemas
// (coinfan/gateways/providers.hpp, in providers.cpp), the network layer the adapter factories (gateway.cpp).

#include "coinfan/gateways/providers.hpp"
#include "gateways/ccpayment_v1/provider.hpp"
#include "gateways/ccpayment_v2/provider.hpp"
#include "gateways/cryptocloud/provider.hpp"
#include "gateways/kuna/provider.hpp"
#include "gateways/trubit/provider.hpp"

namespace coinfan::gateways {

using Providers = ProviderList<
    ccpayment_v1::Provider,
    ccpayment_v2::Provider,
    cryptocloud::Provider,
    trubit::Provider,
    kuna::Provider>;

}  // namespace coinfan::gateways
