#include "coinfan/shared/state.hpp"

#include <utility>

#include "coinfan/core/log.hpp"

namespace coinfan::shared {

std::shared_ptr<SharedState> SharedState::create(boost::asio::any_io_executor executor, const config::RedisConfig& config) {
  return std::make_shared<SharedState>(RedisClient::create(std::move(executor), redis_options(config)), config.key_prefix);
}

SharedState::SharedState(std::shared_ptr<RedisClient> redis, std::string key_prefix)
    : redis_(redis),
      key_prefix_(key_prefix),
      rate_limit_(redis, key_prefix),
      credentials_(std::move(redis), std::move(key_prefix)) {}

RedisAvailability SharedState::availability() {
  RedisAvailability out;
  out.on_answer = [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->answered();
  };
  out.on_failure = [weak = weak_from_this()](const Error& error) {
    if (auto self = weak.lock()) self->failed(error);
  };
  return out;
}

std::shared_ptr<aggregate::SharedCalls> SharedState::calls(std::chrono::milliseconds keep_good) {
  if (calls_) return calls_;
  calls_ = std::make_shared<RedisSharedCalls>(redis_, key_prefix_, keep_good, availability());
  return calls_;
}

std::shared_ptr<writes::SharedOrders> SharedState::orders(std::chrono::milliseconds keep) {
  if (orders_) return orders_;
  RedisSharedOrders::Options options;
  options.key_prefix = key_prefix_;
  options.keep = keep;
  options.availability = availability();
  orders_ = std::make_shared<RedisSharedOrders>(redis_, std::move(options));
  return orders_;
}

upstream::SharedBudget SharedState::rate_budget(std::string gateway_id, double rate_per_second) {
  // The coroutine gets everything as parameters, so nothing dangles across co_await.
  return [weak = weak_from_this(), gateway_id = std::move(gateway_id), rate_per_second] {
    return decide_rate(weak, gateway_id, rate_per_second);
  };
}

boost::asio::awaitable<std::optional<std::chrono::microseconds>> SharedState::decide_rate(
    std::weak_ptr<SharedState> weak, std::string gateway_id, double rate_per_second) {
  auto self = weak.lock();
  if (!self) co_return std::nullopt;
  auto taking = self->rate_limit_.take(std::move(gateway_id), rate_per_second, 1);
  auto admission = co_await std::move(taking);
  if (!admission) {
    self->failed(admission.error());
    ++self->rate_fallbacks_;
    co_return std::nullopt;
  }
  self->answered();
  ++self->rate_decisions_;
  co_return admission->allowed ? std::chrono::microseconds::zero() : admission->retry_after;
}

void SharedState::answered() {
  if (!available_.exchange(true)) log::info("shared state available again", {{"store", "redis"}});
}

void SharedState::failed(const Error& error) {
  if (available_.exchange(false)) {
    log::warn("shared state unavailable, deciding alone",
              {{"store", "redis"}, {"code", to_string(error.code)}, {"detail", std::string_view(error.detail)}});
  }
}

SharedStats SharedState::stats() const {
  SharedStats out;
  out.available = available_.load();
  out.rate_decisions = rate_decisions_.load();
  out.rate_fallbacks = rate_fallbacks_.load();
  if (calls_) {
    const auto calls = calls_->stats();
    out.cache_decisions = calls.decisions;
    out.cache_fallbacks = calls.fallbacks;
  }
  if (orders_) {
    const auto orders = orders_->stats();
    out.order_decisions = orders.decisions;
    out.order_fallbacks = orders.fallbacks;
  }
  out.credential_decisions = credential_decisions_.load();
  out.credential_fallbacks = credential_fallbacks_.load();
  return out;
}

std::shared_ptr<gateways::CredentialShare> SharedState::credential_share(std::string gateway_id) {
  return credentials_.account(std::move(gateway_id), [weak = weak_from_this()](const Error* failure) {
    auto self = weak.lock();
    if (!self) return;
    if (failure == nullptr) {
      self->answered();
      ++self->credential_decisions_;
    } else {
      self->failed(*failure);
      ++self->credential_fallbacks_;
    }
  });
}

}  // namespace coinfan::shared
