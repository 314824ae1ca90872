#include "coinfan/app/service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "app/metrics.hpp"
#include "app/routes.hpp"
#include "api/routes.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/auth.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/sim/simulator.hpp"

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

// Descriptors open in this process now (the listener, logs, simulators in --demo, ...).
std::size_t descriptors_in_use() {
  std::error_code ec;
  std::size_t count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++count;
  }
  return ec ? 16 : count;
}

// max_connections (plus the reserve) must fit in the descriptor limit, with room for the
// upstream connections and the short-lived 503 answers; otherwise accept() fails with EMFILE
// and new clients hang. The soft limit is raised toward the hard one first; what still does
// not fit lowers max_connections, with a warning.
void fit_descriptor_limit(config::ServerConfig& options, std::size_t upstream_descriptors) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  constexpr std::size_t spare = 32 + 32;  // answers refused at accept (short-lived), files, resolver, ...
  const std::size_t in_use = descriptors_in_use();
  const std::size_t wanted = in_use + upstream_descriptors + spare + options.max_connections + options.reserved_connections;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(limit.rlim_max, wanted);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
  const std::size_t available = limit.rlim_cur > in_use + upstream_descriptors + spare + 2
                                    ? limit.rlim_cur - in_use - upstream_descriptors - spare
                                    : 2;
  const std::size_t requested = options.max_connections;
  // The reserve keeps its share (an eighth at most, at least one) so health checks still pass.
  options.reserved_connections = std::min(options.reserved_connections, std::max<std::size_t>(1, available / 8));
  options.max_connections = std::max<std::size_t>(1, available - options.reserved_connections);
  log::warn("max_connections capped by the open-file limit",
            {{"configured", static_cast<std::uint64_t>(requested)},
             {"max_connections", static_cast<std::uint64_t>(options.max_connections)},
             {"reserved_connections", static_cast<std::uint64_t>(options.reserved_connections)},
             {"rlimit_nofile", static_cast<std::uint64_t>(limit.rlim_cur)}});
}

// SIGHUP: the hook for reloading the configuration. Until reloading exists it only says so;
// the service goes on with the configuration it has.
void reload_requested() {
  log::info("reload requested", {{"signal", std::string_view("SIGHUP")},
                                 {"action", std::string_view("none yet; the configuration is unchanged")}});
  log::flush();
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

  auto router = std::make_shared<http::Router>();
  http::Server server(io, server_options(config.server), router);
  const http::ApiKeyAuth auth(config.api_keys);
  add_operational_routes(*router, server);
  // Under /v1/ the API key is checked before routing too (the handlers are also wrapped below),
  // so that without a key 404 and 405 say nothing about which routes exist.
  router->guard("/v1/", [&auth](const http::Request& request) {
    const bool read = request.method == "GET" || request.method == "HEAD";
    return auth.check(request, read ? http::Scope::read : http::Scope::write);
  });
  auto views = aggregate::make_views(view_gateways, config.cache, io.get_executor());
  api::add_api_routes(*router, views, records::make_records_service(gateways, io.get_executor(), record_options));
  // Everything under /v1/ needs an API key: reads once any key is configured, writes always.
  router->wrap("/v1/", [&auth](const std::string& method, http::Handler handler) {
    const bool read = method == "GET" || method == "HEAD";
    return auth.protect(read ? http::Scope::read : http::Scope::write, std::move(handler));
  });
  router->add("GET", "/metrics", http::sync_handler([&server, gateways](const http::Request&) {
                http::Response response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = render_metrics(server.stats(), gateways);
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

  std::function<void()> wait_for_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reload_requested();
      wait_for_hangup();
    });
  };
  wait_for_hangup();

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();

  log::info("stopped", {{"requests", static_cast<std::uint64_t>(server.stats().requests)}});
  log::flush();
  return 0;
}

}  // namespace coinfan::app
