#pragma once
// The one bounded fan-out: "call every selected gateway", each call bounded by its own
// deadline and cancellable, used by the views, the records pages and lookups (and the writes).
//
// A GatewayCall is one upstream call of one gateway whose outcome any number of coroutines
// may await (the views share one in-flight call per gateway between concurrent fan-outs). At
// its deadline the call completes with `timeout` and the adapter's coroutine is cancelled,
// but nobody waits for it to stop: an adapter that ignores cancellation cannot delay any
// answer beyond the deadline. call_every() starts a batch of calls at once and returns when
// each has answered or reached its deadline, so the batch costs its slowest member, never
// their sum.
// (Not asio::experimental::parallel_group / awaitable operators: in Boost 1.81 they race when
// operations complete on other threads, chriskohlhoff/asio#1348 and #1630.)

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
#include <vector>

#include "aggregate/shared_outcome.hpp"
#include "coinfan/core/error.hpp"

namespace coinfan::aggregate {

// When a call must have answered: a point in real (steady) time, or (`at` unset) `budget`
// after the call starts; `budget` also names the limit in the timeout's message.
struct CallDeadline {
  std::chrono::steady_clock::time_point at{};
  std::chrono::milliseconds budget{0};

  // `budget` counted from the call's own start, so its latency at the deadline is the budget.
  static CallDeadline after(std::chrono::milliseconds budget) { return CallDeadline{{}, budget}; }
};

// What one call yielded. Latency is real time from start to outcome; completed_at is on the
// caller's clock (the views' cache clock, which tests move).
template <typename T>
struct CallOutcome {
  std::shared_ptr<const T> value;  // set on success
  std::optional<Error> error;      // set on failure
  std::chrono::milliseconds latency{0};
  std::chrono::steady_clock::time_point completed_at{};
  bool reused = false;  // an answer made earlier elsewhere, before this call asked (shown as cached)
};
template <typename T>
using CallOutcomePtr = std::shared_ptr<const CallOutcome<T>>;

// What an invocation yielded when the answer may come from elsewhere (another replica made the
// call, see SharedCalls): the result, how old it already is, and the latency of the call that
// produced it (nullopt: this invocation's own).
template <typename T>
struct Answered {
  Result<T> result;
  std::chrono::milliseconds age{0};
  std::optional<std::chrono::milliseconds> latency;
  bool reused = false;
};

inline Error deadline_error(std::chrono::milliseconds budget) {
  return make_error(ErrorCode::timeout, "no answer within " + std::to_string(budget.count()) + " ms");
}

template <typename T>
class GatewayCall : public std::enable_shared_from_this<GatewayCall<T>> {
 public:
  using Invoke = std::function<boost::asio::awaitable<Result<T>>()>;
  using InvokeAnswered = std::function<boost::asio::awaitable<Answered<T>>()>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // Runs once, on the call's strand, before any waiter resumes.
  using OnDone = std::function<void(const GatewayCall&, const CallOutcomePtr<T>&)>;

  GatewayCall(boost::asio::any_io_executor executor, CallDeadline deadline, Clock clock = {})
      : strand_(boost::asio::make_strand(executor)),
        timer_(strand_),
        deadline_(deadline),
        clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
        outcome_(detail::SharedOutcome<CallOutcomePtr<T>>::create()) {}

  // Starts the adapter call and its deadline; call once, without holding a lock `on_done` takes.
  void start(Invoke invoke, OnDone on_done = {}) {
    start_answered(
        [invoke = std::move(invoke)]() -> boost::asio::awaitable<Answered<T>> {
          auto call = invoke();
          Result<T> result = co_await std::move(call);
          co_return Answered<T>{std::move(result), std::chrono::milliseconds(0), std::nullopt, false};
        },
        std::move(on_done));
  }

  // The same for an invocation that may answer with an older result made elsewhere: the
  // outcome's completed_at is moved back by its age, its latency is the producing call's.
  void start_answered(InvokeAnswered invoke, OnDone on_done = {}) {
    // Held by every handler of this call's work; when the last is destroyed without the call
    // having finished (the io_context dropped them at shutdown), the waiters are let go, which
    // breaks the cycle waiter frame -> call -> outcome -> waiter.
    auto work = std::make_shared<Work>(outcome_);
    boost::asio::post(strand_, [self = this->shared_from_this(), invoke = std::move(invoke),
                                on_done = std::move(on_done), work]() mutable {
      self->on_done_ = std::move(on_done);
      self->started_ = std::chrono::steady_clock::now();
      if (self->deadline_.at == std::chrono::steady_clock::time_point{}) {
        self->deadline_.at = self->started_ + self->deadline_.budget;
      }
      if (self->started_ >= self->deadline_.at) {
        self->finish(deadline_error(self->deadline_.budget));
        return;
      }
      self->running_ = true;
      self->timer_.expires_at(self->deadline_.at);
      self->timer_.async_wait([self, work](boost::system::error_code ec) {
        if (ec || self->done_) return;
        self->finish(deadline_error(self->deadline_.budget));
        if (self->running_) self->cancel_.emit(boost::asio::cancellation_type::terminal);
      });
      // The completion handler keeps the call (and so `cancel_`, which the coroutine's
      // cancellation state lives in) alive until the spawned coroutine is entirely done.
      boost::asio::co_spawn(self->strand_, run(self, std::move(invoke), work),
                            boost::asio::bind_cancellation_slot(self->cancel_.slot(), [self](std::exception_ptr) {}));
    });
  }

  boost::asio::awaitable<CallOutcomePtr<T>> wait() { return outcome_->wait(); }
  std::optional<CallOutcomePtr<T>> outcome() const { return outcome_->value(); }

 private:
  struct Work {
    std::shared_ptr<detail::SharedOutcome<CallOutcomePtr<T>>> outcome;
    explicit Work(std::shared_ptr<detail::SharedOutcome<CallOutcomePtr<T>>> shared) : outcome(std::move(shared)) {}
    Work(const Work&) = delete;
    Work& operator=(const Work&) = delete;
    ~Work() { outcome->abandon(); }
  };

  static boost::asio::awaitable<void> run(std::shared_ptr<GatewayCall> self, InvokeAnswered invoke,
                                          std::shared_ptr<Work> /*work*/) {
    std::optional<Answered<T>> answered;
    try {
      auto call = invoke();
      answered.emplace(co_await std::move(call));
    } catch (const std::exception& e) {
      // Adapters do not throw for upstream data; this is a bug or a cancellation surfacing.
      answered.emplace(Answered<T>{make_error(ErrorCode::internal, std::string("gateway call failed: ") + e.what()),
                                   std::chrono::milliseconds(0), std::nullopt, false});
    }
    self->running_ = false;
    self->finish(std::move(answered->result), answered->age, answered->latency, answered->reused);
  }

  void finish(Result<T> result, std::chrono::milliseconds age = std::chrono::milliseconds(0),
              std::optional<std::chrono::milliseconds> latency = std::nullopt, bool reused = false) {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    auto outcome = std::make_shared<CallOutcome<T>>();
    outcome->latency = latency ? *latency
                               : std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                       started_);
    outcome->completed_at = clock_() - age;
    outcome->reused = reused;
    if (result.ok()) {
      outcome->value = std::make_shared<const T>(std::move(result).value());
    } else {
      outcome->error = std::move(result).error();
    }
    CallOutcomePtr<T> shared = std::move(outcome);
    if (on_done_) on_done_(*this, shared);
    on_done_ = nullptr;
    outcome_->set(std::move(shared));
  }

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  boost::asio::cancellation_signal cancel_;
  CallDeadline deadline_;
  Clock clock_;
  std::shared_ptr<detail::SharedOutcome<CallOutcomePtr<T>>> outcome_;
  OnDone on_done_;
  std::chrono::steady_clock::time_point started_{};
  bool running_ = false;  // the adapter's coroutine has not returned yet
  bool done_ = false;
};

// Waits for calls that are all running already; outcome i belongs to call i (null calls give
// null outcomes). Each call ends by its own deadline, so this ends with the slowest.
// Every awaited operation is named before `co_await`: g++ 12 can destroy temporaries of a
// co_await expression twice.
template <typename T>
boost::asio::awaitable<std::vector<CallOutcomePtr<T>>> await_every(std::vector<std::shared_ptr<GatewayCall<T>>> calls) {
  std::vector<CallOutcomePtr<T>> outcomes(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (!calls[i]) continue;
    auto waiting = calls[i]->wait();
    outcomes[i] = co_await std::move(waiting);
  }
  co_return outcomes;
}

// One call of a batch: what to call and by when.
template <typename T>
struct BoundedCall {
  typename GatewayCall<T>::Invoke invoke;
  CallDeadline deadline;
};

// Starts every call at once on `executor` and waits for all of them (see await_every).
template <typename T>
boost::asio::awaitable<std::vector<CallOutcomePtr<T>>> call_every(boost::asio::any_io_executor executor,
                                                                  std::vector<BoundedCall<T>> batch) {
  std::vector<std::shared_ptr<GatewayCall<T>>> calls;
  calls.reserve(batch.size());
  for (auto& item : batch) {
    calls.push_back(std::make_shared<GatewayCall<T>>(executor, item.deadline));
    calls.back()->start(std::move(item.invoke));
  }
  auto waiting = await_every(std::move(calls));
  co_return co_await std::move(waiting);
}

}  // namespace coinfan::aggregate
