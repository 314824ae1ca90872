#pragma once
// GET /metrics: Prometheus text exposition (format 0.0.4) of the server's, the gateways', the
// views' cache and the process's counters. The families and their labels are listed in the
// README ("Metrics"); every label value comes from a bounded set.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/representation.hpp"
#include "app/process_metrics.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/shared/state.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::aggregate {
class Views;
}

namespace coinfan::app {

// What one scrape renders; absent parts leave their families out (the views' cache) or
// empty (the gateways).
struct MetricsSources {
  http::ServerStats server;
  http::RequestSeries requests;
  const std::vector<std::shared_ptr<gateways::Gateway>>* gateways = nullptr;
  writes::WriteCounts writes;
  const aggregate::Views* views = nullptr;
  std::optional<ProcessMetrics> process;
  std::optional<shared::SharedStats> shared;  // with shared.redis only
  std::optional<api::Representations::Stats> representations;  // the API's gzip forms and sealed files
};

std::string render_metrics(const MetricsSources& sources);

}  // namespace coinfan::app
