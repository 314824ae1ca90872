#pragma once
// JSON text of each view, exactly as the API sends it (openapi/openapi.yaml): snake_case,
// amounts and prices as canonical decimal strings, times RFC 3339 UTC with milliseconds,
// null for an absent network, price or value. The result is cached as bytes and sent as is.

#include <string>
#include <string_view>
#include <vector>

#include "coinfan/aggregate/health.hpp"
#include "coinfan/aggregate/merge.hpp"

namespace coinfan::aggregate {

// `statuses`, when given, is shown instead of view.gateways (a stale answer re-marks them).
std::string render_balance_view(const BalanceView& view,
                                const std::vector<GatewayStatus>* statuses = nullptr);
std::string render_price_view(const PriceView& view,
                              const std::vector<GatewayStatus>* statuses = nullptr);
std::string render_coin_view(const CoinView& view,
                             const std::vector<GatewayStatus>* statuses = nullptr);

// `{"as_of": ..., "gateways": [...]}` for GET /v1/gateways.
std::string render_gateway_health(const std::vector<GatewayHealth>& gateways, TimePointMs as_of);

}  // namespace coinfan::aggregate
