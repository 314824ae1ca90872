#pragma once
// GET /metrics: Prometheus text exposition of the server's and every gateway's counters.

#include <memory>
#include <string>
#include <vector>

#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::app {

std::string render_metrics(const http::ServerStats& server,
                           const std::vector<std::shared_ptr<gateways::Gateway>>& gateways,
                           const writes::WriteCounts& writes = {});

}  // namespace coinfan::app
