#include "gateways/common/adapter.hpp"

#include <algorithm>

namespace coinfan::gateways {

upstream::Options client_options(const config::GatewayConfig& config) {
  upstream::Options options;
  options.name = config.id;
  options.base_url = config.base_url;
  options.ca_file = config.ca_file;
  options.timeout = config.timeout;
  // Set-up steps may not use more than the whole call's budget.
  options.resolve_timeout = std::min(options.resolve_timeout, config.timeout);
  options.connect_timeout = std::min(options.connect_timeout, config.timeout);
  options.handshake_timeout = std::min(options.handshake_timeout, config.timeout);
  options.retries = config.retries;
  options.max_concurrency = config.max_concurrency;
  options.rate_limit_rps = config.rate_limit_rps.value_or(0.0);
  return options;
}

AdapterBase::AdapterBase(const config::GatewayConfig& config, std::shared_ptr<upstream::Client> client,
                         GatewayEnvironment env)
    : Gateway(config.id, config.type), config_(config), client_(std::move(client)), env_(std::move(env)) {}

boost::asio::awaitable<Result<upstream::Response>> AdapterBase::send(upstream::Request request) {
  co_return co_await client_->send(std::move(request));
}

void AdapterBase::count_operation(std::string_view operation, CallStart started, std::optional<ErrorCode> failed) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  operations_.observe({operation, failed ? to_string(*failed) : std::string_view("ok")}, elapsed);
}

std::int64_t AdapterBase::unix_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(env_.now().time_since_epoch()).count();
}

std::int64_t AdapterBase::unix_millis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(env_.now().time_since_epoch()).count();
}

TimePointMs AdapterBase::now_ms() const { return std::chrono::time_point_cast<std::chrono::milliseconds>(env_.now()); }

Error error_for_status(const upstream::Response& response, const Error& parse_error) {
  switch (parse_error.code) {
    case ErrorCode::provider_error:
    case ErrorCode::auth_failed:
    case ErrorCode::rate_limited:
      return parse_error;
    default:
      break;
  }
  if (response.status == 401 || response.status == 403) {
    return make_error(ErrorCode::auth_failed, "upstream answered HTTP " + std::to_string(response.status));
  }
  return upstream::status_error(response);
}

}  // namespace coinfan::gateways
