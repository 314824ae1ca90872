#include "app/metrics.hpp"

#include <array>

namespace coinfan::app {

namespace {

// Gateway ids are validated ([A-Za-z0-9._-]), so they need no escaping in label values.
void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

std::string gateway_label(const gateways::Gateway& gateway) { return "gateway=\"" + gateway.id() + "\""; }

}  // namespace

std::string render_metrics(const http::ServerStats& server,
                           const std::vector<std::shared_ptr<gateways::Gateway>>& gateways,
                           const writes::WriteCounts& writes) {
  std::string out;
  out.reserve(4096);
  family(out, "coinfan_http_requests_total", "counter", "HTTP requests answered.");
  sample(out, "coinfan_http_requests_total", "", server.requests);
  family(out, "coinfan_http_connections", "gauge", "Open client connections.");
  sample(out, "coinfan_http_connections", "", server.active_connections);
  family(out, "coinfan_http_rejected_connections_total", "counter", "Connections refused at max_connections.");
  sample(out, "coinfan_http_rejected_connections_total", "", server.rejected_connections);
  family(out, "coinfan_http_rejected_per_client_total", "counter", "Connections refused at max_connections_per_client.");
  sample(out, "coinfan_http_rejected_per_client_total", "", server.rejected_per_client);
  family(out, "coinfan_http_rate_limited_total", "counter", "Requests refused at client_rate_limit_rps.");
  sample(out, "coinfan_http_rate_limited_total", "", server.rate_limited);
  family(out, "coinfan_http_reserved_connections", "gauge", "Open connections of the reserve.");
  sample(out, "coinfan_http_reserved_connections", "", server.reserved_active);

  std::vector<std::pair<const gateways::Gateway*, upstream::Stats>> stats;
  stats.reserve(gateways.size());
  for (const auto& gateway : gateways) stats.emplace_back(gateway.get(), gateway->stats());

  auto per_gateway = [&](std::string_view name, std::string_view type, std::string_view help, auto field) {
    family(out, name, type, help);
    for (const auto& [gateway, s] : stats) sample(out, name, gateway_label(*gateway), field(s));
  };
  per_gateway("coinfan_upstream_requests_total", "counter", "Upstream calls.", [](const upstream::Stats& s) { return s.requests; });
  per_gateway("coinfan_upstream_attempts_total", "counter", "Upstream HTTP exchanges, retries included.",
              [](const upstream::Stats& s) { return s.attempts; });
  per_gateway("coinfan_upstream_retries_total", "counter", "Upstream retries.", [](const upstream::Stats& s) { return s.retries; });
  per_gateway("coinfan_upstream_tls_handshakes_total", "counter", "TLS handshakes started.",
              [](const upstream::Stats& s) { return s.tls_handshakes; });
  per_gateway("coinfan_upstream_connections_opened_total", "counter", "Upstream connections opened.",
              [](const upstream::Stats& s) { return s.connections_opened; });
  per_gateway("coinfan_upstream_connections_reused_total", "counter", "Upstream exchanges on a pooled connection.",
              [](const upstream::Stats& s) { return s.connections_reused; });
  per_gateway("coinfan_upstream_connections", "gauge", "Open upstream connections.",
              [](const upstream::Stats& s) { return s.connections_open; });
  per_gateway("coinfan_upstream_in_flight", "gauge", "Upstream calls in progress.",
              [](const upstream::Stats& s) { return s.in_flight; });

  family(out, "coinfan_upstream_errors_total", "counter", "Failed upstream calls by error code.");
  for (const auto& [gateway, s] : stats) {
    for (std::size_t code = 0; code < s.errors.size(); ++code) {
      if (s.errors[code] == 0) continue;
      sample(out, "coinfan_upstream_errors_total",
             gateway_label(*gateway) + ",code=\"" + std::string(to_string(static_cast<ErrorCode>(code))) + "\"",
             s.errors[code]);
    }
  }

  family(out, "coinfan_upstream_circuit_open", "gauge", "1 when the gateway's circuit breaker is not closed.");
  for (const auto& gateway : gateways) {
    sample(out, "coinfan_upstream_circuit_open", gateway_label(*gateway),
           gateway->breaker_state() == upstream::BreakerState::closed ? 0 : 1);
  }

  family(out, "coinfan_upstream_latency_seconds", "histogram", "Upstream call latency.");
  for (const auto& [gateway, s] : stats) {
    std::uint64_t cumulative = 0;
    const auto label = gateway_label(*gateway);
    for (std::size_t i = 0; i < upstream::kLatencyBucketsMs.size(); ++i) {
      cumulative += s.latency_buckets[i];
      const auto ms = upstream::kLatencyBucketsMs[i];
      const std::string le = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
      sample(out, "coinfan_upstream_latency_seconds_bucket", label + ",le=\"" + le + "\"", cumulative);
    }
    cumulative += s.latency_buckets.back();
    sample(out, "coinfan_upstream_latency_seconds_bucket", label + ",le=\"+Inf\"", cumulative);
    out += "coinfan_upstream_latency_seconds_sum{" + label + "} " + std::to_string(s.latency_sum_us / 1000000) + "." +
           std::to_string(1000000 + s.latency_sum_us % 1000000).substr(1) + "\n";
    sample(out, "coinfan_upstream_latency_seconds_count", label, s.latency_count);
  }

  // Operations and outcomes are fixed words (writes/service.hpp): no escaping needed either.
  family(out, "coinfan_writes_total", "counter", "Write requests by gateway, operation and outcome.");
  for (const auto& [key, count] : writes) {
    const auto& [gateway, operation, outcome] = key;
    sample(out, "coinfan_writes_total",
           "gateway=\"" + gateway + "\",operation=\"" + operation + "\",outcome=\"" + outcome + "\"", count);
  }
  return out;
}

}  // namespace coinfan::app
