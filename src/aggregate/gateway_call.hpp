#pragma once
// One upstream call of one gateway (balances, prices or coins), shared by every fan-out that
// needs it while it runs, and bounded by the gateway's own deadline. At the deadline the call
// completes with `timeout` and the adapter's coroutine is cancelled, but nobody waits for it
// to stop: an adapter that ignores cancellation cannot delay any answer.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "aggregate/shared_outcome.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan::aggregate::detail {

using SteadyTime = std::chrono::steady_clock::time_point;

// A good answer of one gateway and when it arrived (on the views' clock).
template <typename T>
struct Snapshot {
  T value;
  SteadyTime fetched_at;
  std::chrono::milliseconds latency{0};
};

template <typename T>
struct CallOutcome {
  std::shared_ptr<const Snapshot<T>> data;  // set on success
  std::optional<Error> error;               // set on failure
  std::chrono::milliseconds latency{0};
  SteadyTime completed_at;
};

template <typename T>
class GatewayCall : public std::enable_shared_from_this<GatewayCall<T>> {
 public:
  using Outcome = std::shared_ptr<const CallOutcome<T>>;
  using Invoke = std::function<boost::asio::awaitable<Result<T>>()>;
  // Runs once, on the call's strand, before any waiter resumes.
  using OnDone = std::function<void(const GatewayCall&, const CallOutcome<T>&)>;

  GatewayCall(boost::asio::any_io_executor executor, std::chrono::milliseconds deadline,
              std::function<SteadyTime()> clock)
      : strand_(boost::asio::make_strand(executor)),
        timer_(strand_),
        deadline_(deadline),
        clock_(std::move(clock)),
        outcome_(SharedOutcome<Outcome>::create()) {}

  // Starts the adapter call and its deadline; call once, without holding a lock `on_done` takes.
  void start(Invoke invoke, OnDone on_done) {
    boost::asio::post(strand_, [self = this->shared_from_this(), invoke = std::move(invoke),
                                on_done = std::move(on_done)]() mutable {
      self->on_done_ = std::move(on_done);
      self->started_ = std::chrono::steady_clock::now();
      self->running_ = true;
      self->timer_.expires_after(self->deadline_);
      self->timer_.async_wait([self](boost::system::error_code ec) {
        if (ec || self->done_) return;
        self->finish(make_error(ErrorCode::timeout, "no answer within " + std::to_string(self->deadline_.count()) + " ms"));
        if (self->running_) self->cancel_.emit(boost::asio::cancellation_type::terminal);
      });
      // The completion handler keeps the call (and so `cancel_`, which the coroutine's
      // cancellation state lives in) alive until the spawned coroutine is entirely done.
      boost::asio::co_spawn(self->strand_, run(self, std::move(invoke)),
                            boost::asio::bind_cancellation_slot(self->cancel_.slot(), [self](std::exception_ptr) {}));
    });
  }

  boost::asio::awaitable<Outcome> wait() { return outcome_->wait(); }
  std::optional<Outcome> outcome() const { return outcome_->value(); }

 private:
  static boost::asio::awaitable<void> run(std::shared_ptr<GatewayCall> self, Invoke invoke) {
    std::optional<Result<T>> result;
    try {
      auto call = invoke();
      result.emplace(co_await std::move(call));
    } catch (const std::exception& e) {
      // Adapters do not throw for upstream data; this is a bug or a cancellation surfacing.
      result.emplace(make_error(ErrorCode::internal, std::string("gateway call failed: ") + e.what()));
    }
    self->running_ = false;
    self->finish(std::move(*result));
  }

  void finish(Result<T> result) {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    auto outcome = std::make_shared<CallOutcome<T>>();
    outcome->latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
    outcome->completed_at = clock_();
    if (result.ok()) {
      outcome->data = std::make_shared<const Snapshot<T>>(
          Snapshot<T>{std::move(result).value(), outcome->completed_at, outcome->latency});
    } else {
      outcome->error = std::move(result).error();
    }
    if (on_done_) on_done_(*this, *outcome);
    on_done_ = nullptr;
    outcome_->set(std::move(outcome));
  }

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  boost::asio::cancellation_signal cancel_;
  std::chrono::milliseconds deadline_;
  std::function<SteadyTime()> clock_;
  std::shared_ptr<SharedOutcome<Outcome>> outcome_;
  OnDone on_done_;
  std::chrono::steady_clock::time_point started_{};
  bool running_ = false;  // the adapter's coroutine has not returned yet
  bool done_ = false;
};

}  // namespace coinfan::aggregate::detail
