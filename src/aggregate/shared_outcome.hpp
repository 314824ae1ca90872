#pragma once
// A value set once and awaited by any number of coroutines on any executors: the single
// in-flight call or fan-out that identical requests share. A waiter whose operation is
// cancelled (e.g. the server's request timeout) leaves at once with operation_aborted; the
// others keep waiting.

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace coinfan::aggregate::detail {

// T is cheap to copy (a shared_ptr): every waiter gets its own copy.
template <typename T>
class SharedOutcome : public std::enable_shared_from_this<SharedOutcome<T>> {
 public:
  using Signature = void(boost::system::error_code, T);

  static std::shared_ptr<SharedOutcome> create() { return std::make_shared<SharedOutcome>(); }

  // Resumes on the waiter's own executor once the value is set (at once when it already is).
  // Not a coroutine itself: g++ 12 destroys a capturing lambda twice when it is a temporary
  // inside a co_await expression.
  boost::asio::awaitable<T> wait() {
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), Signature>(
        Initiate{this->shared_from_this()}, boost::asio::use_awaitable);
  }

  // Later calls do nothing: the first value wins.
  void set(T value) {
    std::map<std::uint64_t, Waiter> waiters;
    {
      std::lock_guard lock(mutex_);
      if (value_) return;
      value_ = value;
      waiters.swap(waiters_);
    }
    for (auto& [id, waiter] : waiters) complete(std::move(waiter), {}, value);
  }

  // For a producer that will never set a value (its work was destroyed, as at shutdown when the
  // io_context drops its pending operations): the waiters' handlers are destroyed without being
  // called, so that their coroutine frames, which may own this object, are freed too. Does
  // nothing once a value is set.
  void abandon() {
    std::map<std::uint64_t, Waiter> waiters;
    {
      std::lock_guard lock(mutex_);
      if (value_) return;
      waiters.swap(waiters_);
    }
  }

  std::optional<T> value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return waiters_.size();
  }

 private:
  struct Waiter {
    boost::asio::any_io_executor executor;
    boost::asio::any_completion_handler<Signature> handler;
  };

  struct Initiate {
    std::shared_ptr<SharedOutcome> self;
    template <typename Handler>
    void operator()(Handler handler) const {
      self->add_waiter(std::move(handler));
    }
  };

  template <typename Handler>
  void add_waiter(Handler handler) {
    boost::asio::any_io_executor executor = boost::asio::get_associated_executor(handler);
    // Type-erasing installs its own state in the handler's cancellation slot, so the erased
    // handler's slot is the one to use.
    boost::asio::any_completion_handler<Signature> erased(std::move(handler));
    // The slot is installed first, on the waiter's own thread, before anything can resume it.
    auto slot = boost::asio::get_associated_cancellation_slot(erased);
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = next_id_++;
    }
    if (slot.is_connected()) {
      slot.assign([weak = this->weak_from_this(), id](boost::asio::cancellation_type) {
        if (auto self = weak.lock()) self->cancel(id);
      });
    }
    std::unique_lock lock(mutex_);
    if (value_) {
      T value = *value_;
      lock.unlock();
      complete(Waiter{std::move(executor), std::move(erased)}, {}, std::move(value));
      return;
    }
    waiters_.emplace(id, Waiter{std::move(executor), std::move(erased)});
  }

  void cancel(std::uint64_t id) {
    std::optional<Waiter> waiter;
    {
      std::lock_guard lock(mutex_);
      auto it = waiters_.find(id);
      if (it == waiters_.end()) return;
      waiter.emplace(std::move(it->second));
      waiters_.erase(it);
    }
    complete(std::move(*waiter), boost::asio::error::operation_aborted, T{});
  }

  static void complete(Waiter waiter, boost::system::error_code ec, T value) {
    auto executor = waiter.executor;
    boost::asio::post(executor, [handler = std::move(waiter.handler), ec, value = std::move(value)]() mutable {
      std::move(handler)(ec, std::move(value));
    });
  }

  mutable std::mutex mutex_;
  std::optional<T> value_;
  std::map<std::uint64_t, Waiter> waiters_;
  std::uint64_t next_id_ = 0;
};

}  // namespace coinfan::aggregate::detail
