#pragma once
// GET /metrics: Prometheus text exposition of the server's and every gateway's counters.

#include <memory>
#include <string>
#include <vector>

#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/server.hpp"

namespace coinfan::app {

std::string render_metrics(const http::ServerStats& server,
                           const std::vector<std::shared_ptr<gateways::Gateway>>& gateways);

}  // namespace coinfan::app
