#include "coinfan/app/service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "app/exposure.hpp"
#include "app/metrics.hpp"
#include "app/reload.hpp"
#include "app/routes.hpp"
#include "app/startup_checks.hpp"
#include "api/routes.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/shared/state.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/gateways/providers.hpp"
#include "coinfan/http/auth.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/sim/simulator.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::app {
namespace asio = boost::asio;

namespace {

// server.threads, or one per CPU the process may run on.
unsigned io_threads(const config::ServerConfig& server) { return server.threads != 0 ? server.threads : usable_cpus(); }

http::ServerOptions server_options(const config::ServerConfig& server) {
  http::ServerOptions options;
  options.host = server.listen_host;
  options.port = server.listen_port;
  options.max_body_bytes = server.max_body_bytes;
  options.max_header_bytes = server.max_header_bytes;
  options.io_threads = io_threads(server);
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

// Descriptors the gateways may hold at once, for fitting max_connections to the open-file limit.
std::size_t upstream_descriptors(const config::Config& config, bool demo) {
  std::size_t count = 0;
  for (const auto& gateway_config : config.gateways) {
    if (gateway_config.enabled) count += gateway_config.max_concurrency;  // calls at once
  }
  // --demo: the simulators' end of each upstream connection is in this process too.
  return demo ? count * 2 : count;
}

// Everything one configuration makes: gateways, views, records, writes and the routes over
// them. A reload builds a new one and hands its router to the server; requests in flight keep
// the old one alive through the router they started with.
struct Stack {
  std::shared_ptr<shared::SharedState> shared;  // null without shared.redis
  std::vector<std::shared_ptr<gateways::Gateway>> gateways;
  std::shared_ptr<aggregate::Views> views;
  std::shared_ptr<http::Router> router;
};

Result<Stack> build_stack(const config::Config& config, bool open_reads, asio::io_context& io, http::Server& server,
                          const ReloadCounters& reloads) {
  Stack stack;
  std::vector<aggregate::ViewGateway> view_gateways;
  records::RecordsOptions record_options;
  gateways::GatewayEnvironment environment{io.get_executor()};
  if (config.shared.redis) {
    stack.shared = shared::SharedState::create(io.get_executor(), *config.shared.redis);
    environment.shared_budget = [state = stack.shared](const config::GatewayConfig& gateway) {
      return state->rate_budget(gateway.id, gateway.rate_limit_rps.value_or(0.0));
    };
    if (config.shared.redis->share_credentials) {
      environment.shared_credentials = [state = stack.shared](const config::GatewayConfig& gateway) {
        return state->credential_share(gateway.id);
      };
    }
  }
  for (const auto& gateway_config : config.gateways) {
    if (!gateway_config.enabled) continue;
    auto gateway = gateways::make_gateway(gateway_config, environment);
    if (!gateway) {
      return make_error(ErrorCode::invalid_argument,
                        "gateway " + gateway_config.id + " cannot be set up: " + gateway.error().detail);
    }
    view_gateways.push_back({*gateway, gateway_config.timeout});
    record_options.timeouts[gateway_config.id] = gateway_config.timeout;
    stack.gateways.push_back(std::move(*gateway));
  }

  auto router = std::make_shared<http::Router>();
  auto auth = std::make_shared<const http::ApiKeyAuth>(config.api_keys, open_reads);
  add_operational_routes(*router, server);
  add_dashboard_routes(*router);
  // Under /v1/ the API key is checked before routing, so that without a key 404 and 405 say
  // nothing about which routes exist.
  router->guard("/v1/", [auth](const http::Request& request) {
    const bool read = request.method == "GET" || request.method == "HEAD";
    return auth->check(request, read ? http::Scope::read : http::Scope::write);
  });
  auto views = aggregate::make_views(view_gateways, config.cache, io.get_executor(), {},
                                     stack.shared ? stack.shared->calls(config.cache.stale) : nullptr);
  writes::WriteOptions write_options;
  // A write still resolving answers outcome_unknown before the server's request timeout would.
  write_options.answer_within = std::max(std::chrono::milliseconds(1000),
                                         config.server.request_timeout - std::chrono::milliseconds(1000));
  // A write that went through changes that gateway's balances: the next read fetches them.
  write_options.on_executed = [weak = std::weak_ptr<aggregate::Views>(views)](const std::string& gateway_id) {
    if (auto alive = weak.lock()) alive->invalidate_balances(gateway_id);
  };
  if (stack.shared) write_options.shared_orders = stack.shared->orders(write_options.ledger.keep);
  auto writes = writes::make_write_service(stack.gateways, io.get_executor(), std::move(write_options));
  add_session_route(*router, auth);
  auto representations = std::make_shared<api::Representations>();
  api::add_api_routes(*router, views,
                      records::make_records_service(stack.gateways, io.get_executor(), record_options), writes,
                      representations);
  // Everything under /v1/ needs an API key: reads once any key is configured, writes always.
  // The guard above checks every request; write handlers are wrapped as well, so that they see
  // the key's name for the audit line.
  router->wrap("/v1/", [auth](const std::string& method, const http::Handler& handler) -> std::optional<http::Handler> {
    const bool read = method == "GET" || method == "HEAD";
    if (read) return std::nullopt;  // the guard has checked the key; reads keep their immediate answers
    return auth->protect(http::Scope::write, handler);
  });
  router->add("GET", "/metrics",
              http::sync_handler([&server, &reloads, gateways = stack.gateways, writes, views, representations,
                                  shared = stack.shared](const http::Request&) {
                http::Response response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = render_metrics({.server = server.stats(),
                                                .requests = server.request_metrics(),
                                                .gateways = &gateways,
                                                .writes = writes->counts(),
                                                .views = views.get(),
                                                .process = read_process_metrics(),
                                                .shared = shared ? std::optional(shared->stats()) : std::nullopt,
                                                .representations = representations->stats()});
                response.body += render_reload_metrics(reloads);
                return response;
              }));
  stack.views = std::move(views);
  stack.router = std::move(router);
  return stack;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What a reload cannot change without a restart; said in the log, the rest is applied.
std::vector<std::string_view> needs_restart(const config::Config& running, const config::Config& loaded) {
  std::vector<std::string_view> out;
  if (running.server.listen_host != loaded.server.listen_host || running.server.listen_port != loaded.server.listen_port) {
    out.push_back("server.listen");
  }
  if (running.server.threads != loaded.server.threads) out.push_back("server.threads");
  if (running.log.level != loaded.log.level) out.push_back("log.level");
  if (running.log.format != loaded.log.format) out.push_back("log.format");
  return out;
}

}  // namespace

int run_service(const config::Config& loaded_config, ServiceOptions options) {
  config::Config config = loaded_config;
  const unsigned threads = io_threads(config.server);
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
  fit_descriptor_limit(config.server, upstream_descriptors(config, options.demo));

  const bool open_reads = options.demo && add_demo_write_key(config, options.demo_write_key);
  ReloadCounters reloads;
  reloads.last_success_unix = unix_now();
  http::Server server(io, server_options(config.server), std::make_shared<http::Router>());
  auto built = build_stack(config, open_reads, io, server, reloads);
  if (!built) {
    log::error("gateway cannot be set up", {{"error", std::string_view(built.error().detail)}});
    log::flush();
    return 1;
  }
  Stack stack = std::move(*built);
  server.reconfigure(server_options(config.server), stack.router);

  // Signals are caught from before the listening line on, so none that follows it is lost.
  // Both sets share one strand: a reload and a drain never run at once.
  auto signal_strand = asio::make_strand(io);
  asio::signal_set signals(signal_strand, SIGINT, SIGTERM);
  asio::signal_set hangup(signal_strand, SIGHUP);

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
  if (!stack.gateways.empty()) {
    asio::co_spawn(io, warm_up(stack.views), asio::detached);
  }

  // SIGHUP: read the configuration file again; apply it only when all of it is valid.
  const auto reload = [&] {
    const auto refuse = [&](std::string_view reason) {
      reloads.rejected.fetch_add(1);
      reloads.last_successful = false;
      log::error("configuration reload rejected; the running configuration stays",
                 {{"reason", reason}, {"path", std::string_view(options.config_path)}});
      log::flush();
    };
    log::info("reload requested", {{"signal", std::string_view("SIGHUP")}});
    if (server.draining()) return refuse("the service is draining");
    if (options.config_path.empty()) return refuse("--demo runs on its embedded configuration: there is no file to read");
    auto result = config::load_config_file(options.config_path, config::Environment::process(),
                                           gateways::provider_schemas());
    if (!result.config) {
      for (const auto& error : result.errors) {
        const auto text = error.to_string();
        log::error("configuration error", {{"path", std::string_view(options.config_path)},
                                           {"error", std::string_view(text)}});
      }
      return refuse(std::to_string(result.errors.size()) + " error(s) in the configuration");
    }
    config::Config next = std::move(*result.config);
    // What needs a restart keeps its running value; the rest is applied.
    const auto restart_only = needs_restart(config, next);
    next.server.listen_host = config.server.listen_host;
    next.server.listen_port = config.server.listen_port;
    next.server.threads = config.server.threads;
    next.log = config.log;
    fit_descriptor_limit(next.server, upstream_descriptors(next, false));
    auto rebuilt = build_stack(next, false, io, server, reloads);
    if (!rebuilt) return refuse(rebuilt.error().detail);
    server.reconfigure(server_options(next.server), rebuilt->router);
    stack = std::move(*rebuilt);
    config = std::move(next);
    reloads.applied.fetch_add(1);
    reloads.last_successful = true;
    reloads.last_success_unix = unix_now();
    std::string unchanged;
    for (const auto name : restart_only) unchanged += (unchanged.empty() ? "" : ", ") + std::string(name);
    log::info("configuration reloaded", {{"path", std::string_view(options.config_path)},
                                         {"gateways", static_cast<std::uint64_t>(stack.gateways.size())},
                                         {"api_keys", static_cast<std::uint64_t>(config.api_keys.size())}});
    if (!unchanged.empty()) {
      log::warn("configuration reload: these settings change only at the next restart",
                {{"settings", std::string_view(unchanged)}});
    }
    log::flush();
    if (!stack.gateways.empty()) asio::co_spawn(io, warm_up(stack.views), asio::detached);
  };
  std::function<void()> wait_for_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reload();
      wait_for_hangup();
    });
  };
  wait_for_hangup();

  asio::steady_timer drain_deadline(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    const auto drain_timeout = config.server.drain_timeout;
    log::info("draining", {{"signal", static_cast<std::int64_t>(signal_number)},
                           {"drain_timeout_ms", static_cast<std::int64_t>(drain_timeout.count())}});
    log::flush();
    hangup.cancel();
    server.on_drained([&io] { io.stop(); });
    server.begin_drain();
    // Requests still running at the drain deadline are cut off so shutdown stays bounded.
    drain_deadline.expires_after(drain_timeout);
    drain_deadline.async_wait([&](const boost::system::error_code& timer_ec) {
      if (timer_ec) return;
      log::warn("drain deadline passed; closing remaining connections",
                {{"connections", static_cast<std::uint64_t>(server.stats().active_connections)}});
      server.close_all();
      io.stop();
    });
  });

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();

  log::info("stopped", {{"requests", static_cast<std::uint64_t>(server.stats().requests)}});
  log::flush();
  return 0;
}

}  // namespace coinfan::app
