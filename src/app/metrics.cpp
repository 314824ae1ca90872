#include "app/metrics.hpp"

#include <array>
#include <map>

#include "coinfan/aggregate/views.hpp"
#include "coinfan/core/metrics.hpp"

namespace coinfan::app {

namespace {

void sample_text(std::string& out, std::string_view name, std::string_view labels, std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  sample_text(out, name, labels, std::to_string(value));
}

// A label value escaped as the text format requires. Values are route patterns, gateway ids
// ([A-Za-z0-9._-]), operation names and error codes, so this is a safety net.
void append_label(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += ',';
  out += name;
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string labels(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) append_label(out, name, value);
  return out;
}

std::string with(std::string base, std::string_view name, std::string_view value) {
  append_label(base, name, value);
  return base;
}

// A bucket bound as Prometheus' own clients write it: "0.005", "1", "2.5".
std::string le_text(std::uint64_t us) {
  std::string text = metrics::seconds_text(us);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

// One histogram series over the fixed bucket bounds (microseconds, see metrics::Durations).
template <typename Bounds, typename Buckets>
void histogram_series(std::string& out, std::string_view name, const std::string& label_set, const Bounds& bounds_us,
                      const Buckets& buckets, std::uint64_t count, std::uint64_t sum_us) {
  const std::string bucket_name = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_us.size(); ++i) {
    cumulative += buckets[i];
    sample(out, bucket_name, with(label_set, "le", le_text(bounds_us[i])), cumulative);
  }
  cumulative += buckets[bounds_us.size()];
  sample(out, bucket_name, with(label_set, "le", "+Inf"), cumulative);
  sample_text(out, std::string(name) + "_sum", label_set, metrics::seconds_text(sum_us));
  sample(out, std::string(name) + "_count", label_set, count);
}

void durations_series(std::string& out, std::string_view name, const std::string& label_set,
                      const metrics::Durations& d) {
  histogram_series(out, name, label_set, metrics::kDurationBucketsUs, d.buckets, d.count, d.sum_us);
}

std::string gateway_label(const gateways::Gateway& gateway) { return labels({{"gateway", gateway.id()}}); }

void render_http(std::string& out, const MetricsSources& sources) {
  const auto& server = sources.server;
  metrics::family_header(out, "coinfan_http_requests_total", "counter",
         "HTTP requests answered, by route template, method and status class.");
  for (const auto& [key, d] : sources.requests) {
    sample(out, "coinfan_http_requests_total",
           labels({{"route", key.at(0)}, {"method", key.at(1)}, {"status_class", key.at(2)}}), d.count);
  }
  // The histogram is by route and method: the status classes of one route are added up.
  std::map<std::pair<std::string, std::string>, metrics::Durations> by_route;
  for (const auto& [key, d] : sources.requests) {
    auto& sum = by_route[{key.at(0), key.at(1)}];
    for (std::size_t i = 0; i < sum.buckets.size(); ++i) sum.buckets[i] += d.buckets[i];
    sum.count += d.count;
    sum.sum_us += d.sum_us;
  }
  metrics::family_header(out, "coinfan_http_request_duration_seconds", "histogram",
         "Time from a request's first byte to its answer written, by route template and method.");
  for (const auto& [key, d] : by_route) {
    durations_series(out, "coinfan_http_request_duration_seconds", labels({{"route", key.first}, {"method", key.second}}),
                     d);
  }
  metrics::family_header(out, "coinfan_http_requests_in_flight", "gauge", "Requests read and not yet answered (this scrape included).");
  sample(out, "coinfan_http_requests_in_flight", "", server.requests_in_flight);
  metrics::family_header(out, "coinfan_http_connections", "gauge", "Open client connections.");
  sample(out, "coinfan_http_connections", "", server.active_connections);
  metrics::family_header(out, "coinfan_http_rejected_connections_total", "counter", "Connections refused at max_connections.");
  sample(out, "coinfan_http_rejected_connections_total", "", server.rejected_connections);
  metrics::family_header(out, "coinfan_http_rejected_per_client_total", "counter", "Connections refused at max_connections_per_client.");
  sample(out, "coinfan_http_rejected_per_client_total", "", server.rejected_per_client);
  metrics::family_header(out, "coinfan_http_rate_limited_total", "counter", "Requests refused at client_rate_limit_rps.");
  sample(out, "coinfan_http_rate_limited_total", "", server.rate_limited);
  metrics::family_header(out, "coinfan_http_reserved_connections", "gauge", "Open connections of the reserve.");
  sample(out, "coinfan_http_reserved_connections", "", server.reserved_active);
}

void render_upstream(std::string& out, const std::vector<std::shared_ptr<gateways::Gateway>>& gateways) {
  std::vector<std::pair<const gateways::Gateway*, upstream::Stats>> stats;
  stats.reserve(gateways.size());
  for (const auto& gateway : gateways) stats.emplace_back(gateway.get(), gateway->stats());

  auto per_gateway = [&](std::string_view name, std::string_view type, std::string_view help, auto field) {
    metrics::family_header(out, name, type, help);
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
  per_gateway("coinfan_upstream_idle_connections", "gauge", "Idle pooled upstream connections.",
              [](const upstream::Stats& s) { return s.connections_idle; });
  per_gateway("coinfan_upstream_in_flight", "gauge", "Upstream calls in progress.",
              [](const upstream::Stats& s) { return s.in_flight; });

  metrics::family_header(out, "coinfan_upstream_responses_total", "counter", "Upstream calls that got an HTTP response, by status class.");
  for (const auto& [gateway, s] : stats) {
    for (std::size_t i = 0; i < s.responses_by_class.size(); ++i) {
      if (s.responses_by_class[i] == 0) continue;
      sample(out, "coinfan_upstream_responses_total",
             with(gateway_label(*gateway), "status_class", http::status_class(static_cast<unsigned>(i + 1) * 100)),
             s.responses_by_class[i]);
    }
  }

  metrics::family_header(out, "coinfan_upstream_errors_total", "counter", "Failed upstream calls by error code.");
  for (const auto& [gateway, s] : stats) {
    for (std::size_t code = 0; code < s.errors.size(); ++code) {
      if (s.errors[code] == 0) continue;
      sample(out, "coinfan_upstream_errors_total",
             with(gateway_label(*gateway), "code", to_string(static_cast<ErrorCode>(code))), s.errors[code]);
    }
  }

  metrics::family_header(out, "coinfan_upstream_circuit_open", "gauge", "1 when the gateway's circuit breaker is not closed.");
  for (const auto& gateway : gateways) {
    sample(out, "coinfan_upstream_circuit_open", gateway_label(*gateway),
           gateway->breaker_state() == upstream::BreakerState::closed ? 0 : 1);
  }
  metrics::family_header(out, "coinfan_gateway_circuit_state", "gauge",
         "The gateway's circuit breaker state: 1 for the current one of closed, open and half_open.");
  for (const auto& gateway : gateways) {
    const auto current = gateway->breaker_state();
    for (const auto state : {upstream::BreakerState::closed, upstream::BreakerState::open, upstream::BreakerState::half_open}) {
      sample(out, "coinfan_gateway_circuit_state", with(gateway_label(*gateway), "state", upstream::to_string(state)),
             state == current ? 1 : 0);
    }
  }

  metrics::family_header(out, "coinfan_upstream_latency_seconds", "histogram", "Upstream call latency.");
  std::array<std::uint64_t, upstream::kLatencyBucketsMs.size()> bounds_us{};
  for (std::size_t i = 0; i < bounds_us.size(); ++i) bounds_us[i] = std::uint64_t{upstream::kLatencyBucketsMs[i]} * 1000;
  for (const auto& [gateway, s] : stats) {
    histogram_series(out, "coinfan_upstream_latency_seconds", gateway_label(*gateway), bounds_us, s.latency_buckets,
                     s.latency_count, s.latency_sum_us);
  }

  // Per operation: the adapters' calls, with the outcome as the adapter saw it ("ok" or the
  // error code, a provider's error inside a 200 included).
  std::vector<std::pair<const gateways::Gateway*, gateways::Gateway::OperationStats>> operations;
  for (const auto& gateway : gateways) operations.emplace_back(gateway.get(), gateway->operation_stats());
  metrics::family_header(out, "coinfan_upstream_calls_total", "counter", "Gateway calls by operation and outcome (ok or the error code).");
  for (const auto& [gateway, series] : operations) {
    for (const auto& [key, d] : series) {
      sample(out, "coinfan_upstream_calls_total",
             with(with(gateway_label(*gateway), "operation", key.at(0)), "outcome", key.at(1)), d.count);
    }
  }
  metrics::family_header(out, "coinfan_upstream_call_duration_seconds", "histogram", "Gateway call duration by operation and outcome.");
  for (const auto& [gateway, series] : operations) {
    for (const auto& [key, d] : series) {
      durations_series(out, "coinfan_upstream_call_duration_seconds",
                       with(with(gateway_label(*gateway), "operation", key.at(0)), "outcome", key.at(1)), d);
    }
  }
}

void render_cache(std::string& out, const aggregate::Views& views) {
  constexpr std::array kinds = {aggregate::ViewKind::balances, aggregate::ViewKind::prices, aggregate::ViewKind::coins};
  std::array<aggregate::ViewCacheStats, kinds.size()> stats{};
  for (std::size_t i = 0; i < kinds.size(); ++i) stats[i] = views.cache_stats(kinds[i]);
  auto per_view = [&](std::string_view name, std::string_view help, auto field) {
    metrics::family_header(out, name, "counter", help);
    for (std::size_t i = 0; i < kinds.size(); ++i) {
      sample(out, name, labels({{"view", aggregate::to_string(kinds[i])}}), field(stats[i]));
    }
  };
  per_view("coinfan_cache_hits_total", "View requests answered from the cache, fresh.",
           [](const aggregate::ViewCacheStats& s) { return s.hits; });
  per_view("coinfan_cache_stale_total", "View requests answered from the cache, stale, while it refreshes.",
           [](const aggregate::ViewCacheStats& s) { return s.stale_hits; });
  per_view("coinfan_cache_misses_total", "View requests that waited for a fan-out (coalesced ones included).",
           [](const aggregate::ViewCacheStats& s) { return s.misses; });
  per_view("coinfan_cache_coalesced_total", "View requests that joined a fan-out already in flight.",
           [](const aggregate::ViewCacheStats& s) { return s.coalesced; });
  per_view("coinfan_cache_fan_outs_total", "Fan-outs started, background refreshes included.",
           [](const aggregate::ViewCacheStats& s) { return s.fan_outs; });
  metrics::family_header(out, "coinfan_cache_entries", "gauge", "Cached view queries.");
  sample(out, "coinfan_cache_entries", "", stats[0].entries);
}

std::string_view compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::string render_metrics(const MetricsSources& sources) {
  std::string out;
  out.reserve(16384);
  metrics::family_header(out, "coinfan_build_info", "gauge", "Always 1; the labels name the running build.");
#ifdef NDEBUG
  constexpr std::string_view build = "release";
#else
  constexpr std::string_view build = "debug";
#endif
  sample(out, "coinfan_build_info", labels({{"version", COINFAN_VERSION}, {"compiler", compiler()}, {"build", build}}), 1);

  render_http(out, sources);
  if (sources.gateways) render_upstream(out, *sources.gateways);
  if (sources.views) render_cache(out, *sources.views);

  // Operations and outcomes are fixed words (writes/service.hpp).
  metrics::family_header(out, "coinfan_writes_total", "counter", "Write requests by gateway, operation and outcome.");
  for (const auto& [key, count] : sources.writes) {
    const auto& [gateway, operation, outcome] = key;
    sample(out, "coinfan_writes_total", labels({{"gateway", gateway}, {"operation", operation}, {"outcome", outcome}}),
           count);
  }
  if (sources.representations) {
    metrics::family_header(out, "coinfan_gzip_compressions_total", "counter",
                           "Answer bodies compressed with gzip (a cached view body once, however often it is sent).");
    sample(out, "coinfan_gzip_compressions_total", "", sources.representations->compressions);
    metrics::family_header(out, "coinfan_sealed_bodies_total", "counter",
                           "Sealed files made for cached answer bodies sent with sendfile (one per body or gzip form).");
    sample(out, "coinfan_sealed_bodies_total", "", sources.representations->sealed);
  }
  if (sources.shared) {
    metrics::family_header(out, "coinfan_shared_redis_available", "gauge",
                           "1 while the shared state's last Redis call answered (shared.redis).");
    sample(out, "coinfan_shared_redis_available", "", sources.shared->available ? 1 : 0);
    metrics::family_header(out, "coinfan_shared_decisions_total", "counter", "Decisions the shared state made in Redis, by tier.");
    sample(out, "coinfan_shared_decisions_total", labels({{"tier", "rate_limit"}}), sources.shared->rate_decisions);
    sample(out, "coinfan_shared_decisions_total", labels({{"tier", "cache"}}), sources.shared->cache_decisions);
    sample(out, "coinfan_shared_decisions_total", labels({{"tier", "orders"}}), sources.shared->order_decisions);
    sample(out, "coinfan_shared_decisions_total", labels({{"tier", "credentials"}}), sources.shared->credential_decisions);
    metrics::family_header(out, "coinfan_shared_fallbacks_total", "counter",
                           "Decisions left to this replica alone because Redis did not answer in time, by tier.");
    sample(out, "coinfan_shared_fallbacks_total", labels({{"tier", "rate_limit"}}), sources.shared->rate_fallbacks);
    sample(out, "coinfan_shared_fallbacks_total", labels({{"tier", "cache"}}), sources.shared->cache_fallbacks);
    sample(out, "coinfan_shared_fallbacks_total", labels({{"tier", "orders"}}), sources.shared->order_fallbacks);
    sample(out, "coinfan_shared_fallbacks_total", labels({{"tier", "credentials"}}), sources.shared->credential_fallbacks);
  }
  if (sources.process) out += render_process_metrics(*sources.process);
  return out;
}

}  // namespace coinfan::app
