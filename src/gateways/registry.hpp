#pragma once
// One factory per provider adapter; make_gateway() picks by type. Adding a provider means a
// folder under src/gateways/ and one line here and in gateway.cpp.

#include "gateways/common/adapter.hpp"

namespace coinfan::gateways {

using AdapterFactory = std::shared_ptr<Gateway>(const config::GatewayConfig&, std::shared_ptr<upstream::Client>,
                                                const GatewayEnvironment&);

AdapterFactory make_ccpayment_v1;
AdapterFactory make_ccpayment_v2;
AdapterFactory make_cryptocloud;
AdapterFactory make_trubit;
AdapterFactory make_kuna;

}  // namespace coinfan::gateways
