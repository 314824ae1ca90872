#include "coinfan/app/service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

#include "app/exposure.hpp"
#include "app/metrics.hpp"
#include "app/routes.hpp"
#include "app/startup_checks.hpp"
#include "api/routes.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/auth.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/sim/simulator.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::app {
namespace asio = boost::asio;

namespace {

http::ServerOptions server_options(const config::ServerConfig& server) {
  http::ServerOptions options;
  options.host = server.listen_host;
  options.port = server.listen_port;
  options.max_body_bytes = server.max_body_bytes;
  options.max_header_bytes = server.max_header_bytes;
  options.request_timeout = server.request_timeout;
  options.idle_timeout = server.idle_timeout;
  options.max_connections = server.max_connections;
  options.header_timeout = server.header_timeout;
  options.reserved_connections = server.reserved_connections;
  options.max_connections_per_client = server.max_connections_per_client;
  options.client_rate_limit_rps = server.client_rate_limit_rps;
  options.client_rate_limit_burst = server.client_rate_limit_burst;
  for (const auto& text : server.trusted_proxies) {
    if (auto cidr = Cidr::parse(text)) options.trusted_proxies.push_back(*cidr);
  }
  options.cors_allowed_origins = server.cors_allowed_origins;
  return options;
}

// --demo: a key with scope write, so a newcomer can make a transfer and a swap (reads stay open
// when no key was configured). Printed on stderr, never logged.
bool add_demo_write_key(config::Config& config, std::string key) {
  for (const auto& configured : config.api_keys) {
    if (std::find(configured.scopes.begin(), configured.scopes.end(), "write") != configured.scopes.end()) return false;
  }
  if (key.empty()) {
    auto bytes = hash::random_bytes(16);
    if (!bytes) return false;
    key = "demo-" + hash::to_hex_lower({reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
  }
  auto digest = hash::sha256_hex(key);
  if (!digest) return false;
  const bool open_reads = config.api_keys.empty();
  config.api_keys.push_back(config::ApiKey{"demo", *digest, {"read", "write"}});
  std::fprintf(stderr, "coinfan demo: write key %s (send it as Authorization: Bearer <key> with POST /v1/...)\n",
               key.c_str());
  std::fflush(stderr);
  return open_reads;
}

asio::awaitable<void> warm_up(std::shared_ptr<aggregate::Views> views) {
  const auto answer = co_await views->get(aggregate::ViewKind::balances, aggregate::ViewQuery{});
  log::info("warm-up", {{"view", std::string_view("balances")}, {"ok", answer.ok()}});
}

}  // namespace

int run_service(const config::Config& loaded_config, ServiceOptions options) {
  config::Config config = loaded_config;
  const unsigned threads = config.server.threads != 0 ? config.server.threads
                                                     : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context io(static_cast<int>(threads));

  // --demo: five simulated providers on loopback in this process, one of each type.
  sim::DemoGateways demo;
  if (options.demo) {
    demo = sim::start_demo_gateways(io);
    config.gateways = demo.gateways;
    for (const auto& gateway : config.gateways) {
      log::info("simulated gateway", {{"id", std::string_view(gateway.id)},
                                      {"type", config::to_string(gateway.type)},
                                      {"base_url", std::string_view(gateway.base_url)}});
    }
  }

  // max_connections and the reserve must fit in the open-file limit.
  std::size_t upstream_descriptors = 0;
  for (const auto& gateway_config : config.gateways) {
    if (gateway_config.enabled) upstream_descriptors += gateway_config.max_concurrency;  // calls at once
  }
  // --demo: the simulators' end of each upstream connection is in this process too.
  if (options.demo) upstream_descriptors *= 2;
  fit_descriptor_limit(config.server, upstream_descriptors);

  std::vector<std::shared_ptr<gateways::Gateway>> gateways;
  std::vector<aggregate::ViewGateway> view_gateways;
  records::RecordsOptions record_options;
  for (const auto& gateway_config : config.gateways) {
    if (!gateway_config.enabled) continue;
    auto gateway = gateways::make_gateway(gateway_config, {io.get_executor()});
    if (!gateway) {
      log::error("gateway cannot be set up", {{"id", std::string_view(gateway_config.id)},
                                              {"error", std::string_view(gateway.error().detail)}});
      log::flush();
      return 1;
    }
    view_gateways.push_back({*gateway, gateway_config.timeout});
    record_options.timeouts[gateway_config.id] = gateway_config.timeout;
    gateways.push_back(std::move(*gateway));
  }

  const bool open_reads = options.demo && add_demo_write_key(config, options.demo_write_key);
  auto router = std::make_shared<http::Router>();
  http::Server server(io, server_options(config.server), router);
  const http::ApiKeyAuth auth(config.api_keys, open_reads);
  add_operational_routes(*router, server);
  // Under /v1/ the API key is checked before routing, so that without a key 404 and 405 say
  // nothing about which routes exist.
  router->guard("/v1/", [&auth](const http::Request& request) {
    const bool read = request.method == "GET" || request.method == "HEAD";
    return auth.check(request, read ? http::Scope::read : http::Scope::write);
  });
  auto views = aggregate::make_views(view_gateways, config.cache, io.get_executor());
  writes::WriteOptions write_options;
  // A write still resolving answers outcome_unknown before the server's request timeout would.
  write_options.answer_within = std::max(std::chrono::milliseconds(1000),
                                         config.server.request_timeout - std::chrono::milliseconds(1000));
  // A write that went through changes that gateway's balances: the next read fetches them.
  write_options.on_executed = [weak = std::weak_ptr<aggregate::Views>(views)](const std::string& gateway_id) {
    if (auto alive = weak.lock()) alive->invalidate_balances(gateway_id);
  };
  auto writes = writes::make_write_service(gateways, io.get_executor(), std::move(write_options));
  api::add_api_routes(*router, views, records::make_records_service(gateways, io.get_executor(), record_options),
                      writes);
  // Everything under /v1/ needs an API key: reads once any key is configured, writes always.
  // The guard above checks every request; write handlers are wrapped as well, so that they see
  // the key's name for the audit line.
  router->wrap("/v1/", [&auth](const std::string& method, http::Handler handler) {
    const bool read = method == "GET" || method == "HEAD";
    return read ? std::move(handler) : auth.protect(http::Scope::write, std::move(handler));
  });
  router->add("GET", "/metrics", http::sync_handler([&server, gateways, writes, views](const http::Request&) {
                http::Response response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = render_metrics({.server = server.stats(),
                                                .requests = server.request_metrics(),
                                                .gateways = &gateways,
                                                .writes = writes->counts(),
                                                .views = views.get(),
                                                .process = read_process_metrics()});
                return response;
              }));

  // Signals are caught from before the listening line on, so none that follows it is lost.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::signal_set hangup(io, SIGHUP);

  try {
    server.start();
  } catch (const std::system_error& e) {
    log::error("cannot listen", {{"host", std::string_view(config.server.listen_host)},
                                 {"port", static_cast<std::uint64_t>(config.server.listen_port)},
                                 {"error", std::string_view(e.what())}});
    log::flush();
    return 1;
  }
  log::info("listening", {{"host", std::string_view(config.server.listen_host)},
                          {"port", static_cast<std::uint64_t>(server.port())},
                          {"threads", static_cast<std::uint64_t>(threads)},
                          {"demo", options.demo},
                          {"gateways", static_cast<std::uint64_t>(config.gateways.size())}});
  if (reads_open_to_network(config.server.listen_host, !config.api_keys.empty() && !open_reads)) {
    log::warn("listening beyond loopback with no API key: /v1/ reads are open to anyone who can reach this address",
              {{"host", std::string_view(config.server.listen_host)}, {"port", static_cast<std::uint64_t>(server.port())}});
  }
  log::flush();

  // Warm-up: one balances fan-out at start fills the cache and the gateways' health.
  if (!gateways.empty()) {
    asio::co_spawn(io, warm_up(views), asio::detached);
  }

  asio::steady_timer drain_deadline(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    log::info("draining", {{"signal", static_cast<std::int64_t>(signal_number)},
                           {"drain_timeout_ms", static_cast<std::int64_t>(config.server.drain_timeout.count())}});
    log::flush();
    server.on_drained([&io] { io.stop(); });
    server.begin_drain();
    // Requests still running at the drain deadline are cut off so shutdown stays bounded.
    drain_deadline.expires_after(config.server.drain_timeout);
    drain_deadline.async_wait([&](const boost::system::error_code& timer_ec) {
      if (timer_ec) return;
      log::warn("drain deadline passed; closing remaining connections",
                {{"connections", static_cast<std::uint64_t>(server.stats().active_connections)}});
      server.close_all();
      io.stop();
    });
  });

  handle_hangups(hangup);

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();

  log::info("stopped", {{"requests", static_cast<std::uint64_t>(server.stats().requests)}});
  log::flush();
  return 0;
}

}  // namespace coinfan::app
