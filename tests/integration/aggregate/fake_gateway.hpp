#pragma once
// Test doubles for the views: a Gateway whose calls answer at once, after a real delay, when
// the test opens a gate, or never (even ignoring cancellation); a clock the test moves; and
// helpers that drive an io_context on the test thread without sleeping.

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "aggregate/shared_outcome.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "gateways/providers.hpp"

namespace coinfan::aggregate::testing_support {

namespace asio = boost::asio;

inline Decimal dec(std::string_view text) {
  auto value = Decimal::parse(text);
  if (!value) throw std::invalid_argument("bad decimal in test: " + std::string(text));
  return std::move(value).value();
}

inline Balance make_balance(std::string asset, std::string_view total, std::optional<std::string> network = std::nullopt) {
  Balance b;
  b.asset = asset;
  b.network = std::move(network);
  auto amount = Decimal::parse_amount(total, true);
  if (!amount) throw std::invalid_argument("bad amount in test");
  b.total = amount.value();
  b.available = amount.value();
  b.raw_asset = std::move(asset);
  return b;
}

inline Price make_price(std::string asset, std::string_view usd) {
  return Price{asset, dec(usd), "", "USDT", asset, std::nullopt, false};
}

// A gate the test opens; calls waiting on it resume on their own executors.
class Gate {
 public:
  Gate() : outcome_(detail::SharedOutcome<bool>::create()) {}
  void open() { outcome_->set(true); }
  asio::awaitable<bool> wait() { return outcome_->wait(); }

 private:
  std::shared_ptr<detail::SharedOutcome<bool>> outcome_;
};

// How one call behaves.
struct Behaviour {
  enum class Wait { none, delay, gate, hang_ignoring_cancellation };
  Wait wait = Wait::none;
  std::chrono::milliseconds delay{0};  // real time, for Wait::delay
  std::shared_ptr<Gate> gate;          // for Wait::gate
  std::optional<Error> error;          // fail with this instead of answering
  bool throw_exception = false;        // an adapter bug

  static Behaviour answer() { return {}; }
  static Behaviour after(std::chrono::milliseconds delay) {
    Behaviour b;
    b.wait = Wait::delay;
    b.delay = delay;
    return b;
  }
  static Behaviour at_gate(std::shared_ptr<Gate> gate) {
    Behaviour b;
    b.wait = Wait::gate;
    b.gate = std::move(gate);
    return b;
  }
  static Behaviour hang_ignoring_cancellation() {
    Behaviour b;
    b.wait = Wait::hang_ignoring_cancellation;
    return b;
  }
  static Behaviour fail(Error error) {
    Behaviour b;
    b.error = std::move(error);
    return b;
  }
  static Behaviour throws() {
    Behaviour b;
    b.throw_exception = true;
    return b;
  }
};

class FakeGateway : public gateways::Gateway {
 public:
  FakeGateway(std::string id, config::GatewayType type = gateways::ccpayment_v2::type)
      : Gateway(std::move(id), type) {}

  // What balances() and coins() answer when they succeed.
  gateways::BalanceSnapshot snapshot;
  std::vector<Coin> coin_list;
  bool coins_supported = false;
  bool prices_supported = true;
  upstream::BreakerState breaker = upstream::BreakerState::closed;
  // What stats() reports besides the calls made (requests counts those too).
  upstream::Stats counters;
  // What operation_stats() reports.
  metrics::DurationFamily operations;

  // The behaviour of every call from now on, or of the next calls only (queued first).
  void behave(Behaviour behaviour) {
    std::lock_guard lock(mutex_);
    default_ = std::move(behaviour);
  }
  void behave_next(Behaviour behaviour) {
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(behaviour));
  }

  int calls() const { return calls_.load(); }
  int finished() const { return finished_.load(); }
  int cancelled() const { return cancelled_.load(); }

  // Drops the calls that hang ignoring cancellation (destroys their coroutines).
  void forget_hung() {
    std::vector<asio::any_completion_handler<void()>> hung;
    {
      std::lock_guard lock(mutex_);
      hung.swap(hung_);
    }
  }

  asio::awaitable<Result<gateways::BalanceSnapshot>> balances() override {
    auto error = co_await behave_once();
    if (error) co_return *error;
    co_return snapshot;
  }

  bool has_prices() const override { return prices_supported; }

  bool has_coins() const override { return coins_supported; }

  asio::awaitable<Result<std::vector<Coin>>> coins() override {
    auto error = co_await behave_once();
    if (error) co_return *error;
    co_return coin_list;
  }

  upstream::Stats stats() const override {
    upstream::Stats stats = counters;
    stats.requests += static_cast<std::uint64_t>(calls_.load());
    return stats;
  }
  upstream::BreakerState breaker_state() const override { return breaker; }
  OperationStats operation_stats() const override { return operations.snapshot(); }

 private:
  // Waits as told; returns the error to fail with, if any.
  asio::awaitable<std::optional<Error>> behave_once() {
    ++calls_;
    Behaviour behaviour;
    {
      std::lock_guard lock(mutex_);
      if (!queued_.empty()) {
        behaviour = std::move(queued_.front());
        queued_.pop_front();
      } else {
        behaviour = default_;
      }
    }
    switch (behaviour.wait) {
      case Behaviour::Wait::none:
        break;
      case Behaviour::Wait::delay: {
        asio::steady_timer timer(co_await asio::this_coro::executor, behaviour.delay);
        auto waiting = timer.async_wait(asio::as_tuple(asio::use_awaitable));
        auto [ec] = co_await std::move(waiting);
        if (ec) {
          ++cancelled_;
          co_return make_error(ErrorCode::cancelled, "cancelled");
        }
        break;
      }
      case Behaviour::Wait::gate:
        co_await behaviour.gate->wait();
        break;
      case Behaviour::Wait::hang_ignoring_cancellation:
      {
        auto never = asio::async_initiate<decltype(asio::use_awaitable), void()>(
            [this](auto handler) {
              std::lock_guard lock(mutex_);
              hung_.emplace_back(std::move(handler));
            },
            asio::use_awaitable);
        co_await std::move(never);
        break;
      }
    }
    ++finished_;
    if (behaviour.throw_exception) throw std::runtime_error("adapter bug");
    co_return behaviour.error;
  }

  std::mutex mutex_;
  Behaviour default_;
  std::deque<Behaviour> queued_;
  std::vector<asio::any_completion_handler<void()>> hung_;
  std::atomic<int> calls_{0};
  std::atomic<int> finished_{0};
  std::atomic<int> cancelled_{0};
};

// A clock the test moves by hand; both time lines move together.
class ManualClock {
 public:
  void advance(std::chrono::milliseconds by) { offset_ms_ += by.count(); }

  ViewClock view_clock() {
    return ViewClock{
        [this] { return steady_base_ + std::chrono::milliseconds(offset_ms_.load()); },
        [this] { return system_base_ + std::chrono::milliseconds(offset_ms_.load()); },
    };
  }

 private:
  std::chrono::steady_clock::time_point steady_base_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point system_base_ = std::chrono::system_clock::now();
  std::atomic<std::int64_t> offset_ms_{0};
};

// Runs every handler that is ready, repeatedly, without waiting for timers.
inline void run_ready(asio::io_context& io) {
  io.restart();
  while (io.poll() > 0) {
  }
}

// Runs the io_context until `done()` or `limit` of real time passes.
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_one_for(std::chrono::milliseconds(5));
  }
  return true;
}

// One get() running on `io`; the answer lands in `answer`.
struct PendingAnswer {
  std::optional<ViewAnswer> answer;
  std::exception_ptr failure;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point finished{};

  bool done() const { return answer.has_value() || failure != nullptr; }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(finished - started);
  }
};

inline asio::awaitable<void> get_into(std::shared_ptr<Views> views, ViewKind kind, ViewQuery query,
                                      std::shared_ptr<PendingAnswer> out) {
  try {
    auto answer = views->get(kind, std::move(query));
    out->answer = co_await std::move(answer);
  } catch (...) {
    out->failure = std::current_exception();
  }
  out->finished = std::chrono::steady_clock::now();
}

inline std::shared_ptr<PendingAnswer> start_get(asio::io_context& io, std::shared_ptr<Views> views, ViewKind kind,
                                                ViewQuery query = {}) {
  auto out = std::make_shared<PendingAnswer>();
  asio::co_spawn(io, get_into(std::move(views), kind, std::move(query), out), asio::detached);
  return out;
}

inline boost::json::value body_json(const ViewAnswer& answer) { return boost::json::parse(*answer.body); }

}  // namespace coinfan::aggregate::testing_support
