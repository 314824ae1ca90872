#pragma once
// The registration table: every provider coinfan speaks, one line each. A provider is one
// folder, src/gateways/<provider>/, holding its typed settings (config.*), its registration
// card (config.hpp), its pure request builders and response parsers, its adapter, and its
// simulator and demo data. docs/adding-a-provider.md walks through adding one.
//
// Pure: each layer expands the list into what it needs — config parsing the schemas
// (coinfan/gateways/providers.hpp, in providers.cpp), the network layer the adapter factories (gateway.cpp).

#include "coinfan/gateways/providers.hpp"
#include "gateways/ccpayment_v1/config.hpp"
#include "gateways/ccpayment_v2/config.hpp"
#include "gateways/cryptocloud/config.hpp"
#include "gateways/kuna/config.hpp"
#include "gateways/trubit/config.hpp"

namespace coinfan::gateways {

using Providers = ProviderList<
    ccpayment_v1::Provider,
    ccpayment_v2::Provider,
    cryptocloud::Provider,
    trubit::Provider,
    kuna::Provider>;

}  // namespace coinfan::gateways
