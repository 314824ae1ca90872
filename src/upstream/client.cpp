// The one translation unit of the upstream client that touches Asio, Beast and OpenSSL.
// Everything here runs on the client's strand; policy decisions (breaker, bucket, backoff,
// Retry-After, error mapping, request checks) live in pure code next to it.

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/log.hpp"
#include "coinfan/core/log_throttle.hpp"
#include "coinfan/upstream/client.hpp"

#include <poll.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "coinfan/upstream/base_url.hpp"
#include "coinfan/upstream/retry_policy.hpp"
#include "coinfan/upstream/token_bucket.hpp"
#include "upstream/error_mapping.hpp"
#include "upstream/request_check.hpp"
#include "upstream/tls.hpp"
#include "upstream/tls_stream.hpp"

namespace coinfan::upstream {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using error_code = boost::system::error_code;
using Strand = asio::strand<asio::any_io_executor>;
using HttpRequest = http::request<http::string_body>;

// Results as tuples and no per-operation cancellation slot: a call is aborted by closing or
// cancelling what it waits on (CallControl), which works the same for every operation.
auto as_result() {
  return asio::bind_cancellation_slot(asio::cancellation_slot(),
                                      asio::as_tuple(asio::use_awaitable));
}

// What the caller of one send() can do to it: cancel. Lives as long as the call; strand only.
struct CallControl {
  bool cancelled = false;
  std::function<void()> abort;  // closes or cancels whatever the call is waiting on now
  std::optional<Result<Response>> result;

  void cancel() {
    if (cancelled) return;
    cancelled = true;
    if (abort) std::exchange(abort, nullptr)();
  }
};

// Arms CallControl::abort for the duration of one wait.
class AbortScope {
 public:
  template <typename F>
  AbortScope(CallControl& control, F&& abort) : control_(control) {
    control_.abort = std::forward<F>(abort);
  }
  ~AbortScope() { control_.abort = nullptr; }
  AbortScope(const AbortScope&) = delete;
  AbortScope& operator=(const AbortScope&) = delete;

 private:
  CallControl& control_;
};

Error cancelled_error() { return make_error(ErrorCode::cancelled, "cancelled by the caller"); }

// What a call tells the circuit breaker about the gateway.
enum class Health { success, failure, neutral };

// The outcome of one attempt and what it means for retrying.
struct Attempt {
  Attempt(Result<Response> r, Health h, bool is_transient = false)
      : result(std::move(r)), health(h), transient(is_transient) {}
  Result<Response> result;
  Health health;
  bool transient;      // worth another attempt (for an idempotent request)
  bool stale = false;  // failed on a reused connection before any byte of response
  std::optional<milliseconds> retry_after;
};

struct Connection {
  Connection(const Strand& strand, ssl::context* tls) {
    if (tls != nullptr) {
      secure.emplace(strand, tls->native_handle());
    } else {
      plain.emplace(strand);
    }
  }
  beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }
  void close() { tcp().close(); }

  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> secure;
  beast::flat_buffer buffer;
  SteadyClock::time_point idle_since{};
};

// A call parked until a resource is handed to it, its deadline passes or it is cancelled.
struct Waiter {
  explicit Waiter(const Strand& strand) : timer(strand) {}
  asio::steady_timer timer;
  bool woken = false;                  // set by whoever hands over the resource
  std::unique_ptr<Connection> handed;  // pool only: a connection passed on directly
};

enum class WaitOutcome { woken, timed_out, cancelled };

void wake(Waiter& waiter) {
  waiter.woken = true;
  waiter.timer.cancel();
}

}  // namespace

class Client::Impl : public std::enable_shared_from_this<Client::Impl> {
 public:
  Impl(const asio::any_io_executor& executor, Options options, BaseUrl url,
       std::unique_ptr<ssl::context> tls)
      : strand_(asio::make_strand(executor)),
        options_(std::move(options)),
        url_(std::move(url)),
        tls_(std::move(tls)),
        user_agent_(options_.user_agent.empty() ? std::string("coinfan/") + COINFAN_VERSION
                                                : options_.user_agent),
        breaker_(options_.breaker_failures, options_.breaker_cooldown),
        bucket_(options_.rate_limit_rps, options_.rate_limit_burst, SteadyClock::now()),
        sweep_timer_(strand_),
        rng_(std::random_device{}()) {}

  static asio::awaitable<void> run_call(std::shared_ptr<Impl> self,
                                        std::shared_ptr<CallControl> control, Request request) {
    try {
      auto result = co_await self->call(*control, std::move(request));
      control->result.emplace(std::move(result));
    } catch (...) {
      control->result.emplace(
          make_error(ErrorCode::internal, "unexpected failure inside the upstream client"));
    }
  }

  void shutdown() {
    closed_ = true;
    sweep_timer_.cancel();
    for (auto& conn : idle_) conn->close();
    open_ -= idle_.size();
    idle_.clear();
    publish_pool();
  }

  Stats stats() const;
  BreakerState breaker_state() const {
    const auto state = static_cast<BreakerState>(breaker_mirror_.load(std::memory_order_relaxed));
    if (state == BreakerState::open &&
        clock_now().time_since_epoch().count() >= reopens_at_.load(std::memory_order_relaxed)) {
      return BreakerState::half_open;
    }
    return state;
  }

  const Strand& strand() const { return strand_; }
  const Options& options() const { return options_; }

  // Counts a call refused before it reached the strand (already cancelled).
  void count_early_cancel() {
    counters_.requests.fetch_add(1, std::memory_order_relaxed);
    counters_.errors[static_cast<std::size_t>(ErrorCode::cancelled)].fetch_add(
        1, std::memory_order_relaxed);
  }

 private:
  struct Counters {
    std::atomic<std::uint64_t> requests{0}, attempts{0}, retries{0}, responses{0};
    std::array<std::atomic<std::uint64_t>, 5> by_class{};
    std::array<std::atomic<std::uint64_t>, kErrorCodeCount> errors{};
    std::atomic<std::uint64_t> handshakes{0}, opened{0}, reused{0}, open{0}, idle{0}, in_flight{0};
    std::array<std::atomic<std::uint64_t>, kLatencyBucketsMs.size() + 1> latency{};
    std::atomic<std::uint64_t> latency_count{0}, latency_sum_us{0};
  };

  // Holds one unit of the pool's capacity: a connection, or the right to open one. Returns the
  // connection to the pool only when told it is reusable; otherwise closes it.
  class ConnectionLease {
   public:
    explicit ConnectionLease(Impl& impl) : impl_(impl) {}
    ~ConnectionLease() {
      if (!counted_) return;
      if (conn_ && keep_) {
        impl_.return_connection(std::move(conn_));
      } else {
        impl_.discard_connection(std::move(conn_));
      }
    }
    ConnectionLease(const ConnectionLease&) = delete;
    ConnectionLease& operator=(const ConnectionLease&) = delete;

    void adopt(std::unique_ptr<Connection> conn) {
      conn_ = std::move(conn);
      counted_ = true;
      reused_ = true;
    }
    void adopt_permit() {
      counted_ = true;
      reused_ = false;
    }
    Connection& create(const Strand& strand, ssl::context* tls) {
      conn_ = std::make_unique<Connection>(strand, tls);
      return *conn_;
    }
    Connection* get() { return conn_.get(); }
    bool reused() const { return reused_; }
    void keep_alive(bool keep) { keep_ = keep; }

   private:
    Impl& impl_;
    std::unique_ptr<Connection> conn_;
    bool counted_ = false;
    bool reused_ = false;
    bool keep_ = false;
  };

  // Holds a concurrency slot; hands it to the next waiter on release.
  class SlotLease {
   public:
    explicit SlotLease(Impl& impl) : impl_(impl) {}
    ~SlotLease() {
      if (held_) impl_.release_slot();
    }
    SlotLease(const SlotLease&) = delete;
    SlotLease& operator=(const SlotLease&) = delete;
    void hold() { held_ = true; }

   private:
    Impl& impl_;
    bool held_ = false;
  };

  // Reports to the breaker once per admitted call; neutral unless told otherwise.
  class BreakerReport {
   public:
    BreakerReport(Impl& impl, CircuitBreaker::Ticket ticket) : impl_(impl), ticket_(ticket) {}
    ~BreakerReport() {
      switch (health_) {
        case Health::success:
          impl_.breaker_.on_success(ticket_);
          break;
        case Health::failure:
          impl_.breaker_.on_failure(ticket_, impl_.clock_now());
          break;
        case Health::neutral:
          impl_.breaker_.on_neutral(ticket_);
          break;
      }
      impl_.publish_breaker();
    }
    BreakerReport(const BreakerReport&) = delete;
    BreakerReport& operator=(const BreakerReport&) = delete;
    void set(Health health) { health_ = health; }

   private:
    Impl& impl_;
    CircuitBreaker::Ticket ticket_;
    Health health_ = Health::neutral;
  };

  SteadyClock::time_point clock_now() const {
    return options_.hooks.now ? options_.hooks.now() : SteadyClock::now();
  }

  double jitter() {
    if (options_.hooks.jitter) return options_.hooks.jitter();
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  }

  void publish_breaker() {
    const auto now = clock_now();
    const BreakerState state = breaker_.state(now);
    const auto previous =
        static_cast<BreakerState>(breaker_mirror_.exchange(static_cast<int>(state), std::memory_order_relaxed));
    reopens_at_.store(breaker_.reopens_at().time_since_epoch().count(), std::memory_order_relaxed);
    if (previous != state) log_breaker(previous, state, now);
  }

  // The name of the gateway in log lines.
  std::string_view log_name() const {
    return options_.name.empty() ? std::string_view(endpoint_) : std::string_view(options_.name);
  }

  // The breaker's transitions as an operator sees them: opened, closed again, and (throttled)
  // the failed probes in between. Strand only.
  void log_breaker(BreakerState previous, BreakerState state, SteadyClock::time_point now) {
    const auto open_for_ms = [&] {
      return static_cast<std::int64_t>(std::chrono::duration_cast<milliseconds>(now - opened_at_).count());
    };
    if (previous == BreakerState::closed) {
      opened_at_ = now;
      probe_log_.reset();
      log::warn("circuit opened", {{"gateway", log_name()},
                                   {"failures", static_cast<std::uint64_t>(breaker_.consecutive_failures())},
                                   {"cooldown_ms", static_cast<std::int64_t>(options_.breaker_cooldown.count())}});
    } else if (state == BreakerState::closed) {
      log::warn("circuit closed", {{"gateway", log_name()}, {"open_for_ms", open_for_ms()}});
    } else if (previous == BreakerState::half_open && state == BreakerState::open) {
      if (const auto held_back = probe_log_.admit(now)) {
        log::warn("circuit still open", {{"gateway", log_name()},
                                         {"failed_probes", *held_back + 1},
                                         {"open_for_ms", open_for_ms()}});
      }
    }
  }

  void publish_pool() {
    counters_.open.store(open_, std::memory_order_relaxed);
    counters_.idle.store(idle_.size(), std::memory_order_relaxed);
  }

  // --- one send(): metrics around execute() -------------------------------------------------

  asio::awaitable<Result<Response>> call(CallControl& control, Request request) {
    const auto started = SteadyClock::now();
    counters_.requests.fetch_add(1, std::memory_order_relaxed);
    counters_.in_flight.fetch_add(1, std::memory_order_relaxed);
    struct InFlight {
      std::atomic<std::uint64_t>& gauge;
      ~InFlight() { gauge.fetch_sub(1, std::memory_order_relaxed); }
    } in_flight{counters_.in_flight};
    Result<Response> result = co_await execute(control, std::move(request), started);
    record_outcome(result, SteadyClock::now() - started);
    if (!result.ok()) co_return without_endpoint(std::move(result).error());
    co_return result;
  }

  // Callers may show an error's detail to API clients: the gateway's host and port stay in the
  // service log only.
  // A dead gateway does not flood the log: at most one "upstream call failed" line a minute,
  // saying how many failures it held back since the previous one.
  Error without_endpoint(Error error) {
    const std::string& endpoint = endpoint_;
    if (error.detail.find(endpoint) == std::string::npos) return error;
    if (error.code != ErrorCode::circuit_open && error.code != ErrorCode::cancelled) {
      if (const auto held_back = failure_log_.admit(clock_now())) {
        log::warn("upstream call failed", {{"gateway", log_name()},
                                           {"endpoint", std::string_view(endpoint)},
                                           {"code", to_string(error.code)},
                                           {"detail", std::string_view(error.detail)},
                                           {"suppressed", *held_back}});
      }
    }
    for (const std::string& form : {" (" + endpoint + ")", " for " + endpoint, endpoint}) {
      for (auto at = error.detail.find(form); at != std::string::npos; at = error.detail.find(form, at)) {
        error.detail.erase(at, form.size());
      }
    }
    return error;
  }

  void record_outcome(const Result<Response>& result, SteadyClock::duration elapsed) {
    if (result.ok()) {
      counters_.responses.fetch_add(1, std::memory_order_relaxed);
      const unsigned cls = result->status / 100;
      if (cls >= 1 && cls <= 5) counters_.by_class[cls - 1].fetch_add(1, std::memory_order_relaxed);
    } else {
      counters_.errors[static_cast<std::size_t>(result.error().code)].fetch_add(
          1, std::memory_order_relaxed);
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    const auto ms = static_cast<std::uint64_t>(std::max<long long>(0, us / 1000));
    std::size_t bucket = 0;
    while (bucket < kLatencyBucketsMs.size() && ms > kLatencyBucketsMs[bucket]) ++bucket;
    counters_.latency[bucket].fetch_add(1, std::memory_order_relaxed);
    counters_.latency_count.fetch_add(1, std::memory_order_relaxed);
    counters_.latency_sum_us.fetch_add(static_cast<std::uint64_t>(std::max<long long>(0, us)),
                                       std::memory_order_relaxed);
  }

  // --- breaker, slot, attempts, retries ------------------------------------------------------

  asio::awaitable<Result<Response>> execute(CallControl& control, Request request,
                                            SteadyClock::time_point started) {
    if (control.cancelled) co_return cancelled_error();
    if (auto rejected = check_request(request)) co_return std::move(*rejected);
    const milliseconds timeout = request.timeout.count() > 0 ? request.timeout : options_.timeout;
    const SteadyClock::time_point deadline = started + timeout;
    const HttpRequest message = build_message(request);

    // Fail fast while the gateway is known to be down.
    const CircuitBreaker::Ticket ticket = breaker_.admit(clock_now());
    publish_breaker();
    if (!ticket.admitted) {
      co_return make_error(ErrorCode::circuit_open,
                           "circuit breaker open for " + url_.endpoint() + " after " +
                               std::to_string(breaker_.consecutive_failures()) +
                               " consecutive failures");
    }
    BreakerReport report(*this, ticket);

    // Bound the calls in flight against this gateway; the wait counts against the deadline.
    SlotLease slot(*this);
    if (auto failed = co_await acquire_slot(slot, deadline, timeout, control)) {
      co_return std::move(*failed);
    }
    if (control.cancelled) co_return cancelled_error();  // handed a slot just as it gave up

    unsigned retries_done = 0;
    bool stale_retry_used = false;
    bool force_new = false;
    for (;;) {
      Attempt attempt = co_await run_attempt(control, message, deadline, timeout, force_new);
      force_new = false;
      if (control.cancelled) co_return cancelled_error();

      // A pooled connection the server had already dropped: one immediate retry on a new one.
      if (attempt.stale && request.idempotent && !stale_retry_used &&
          SteadyClock::now() < deadline) {
        stale_retry_used = true;
        force_new = true;
        counters_.retries.fetch_add(1, std::memory_order_relaxed);
        continue;
      }

      const auto remaining =
          std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
      RetryInput input;
      input.idempotent = request.idempotent;
      input.retries_done = retries_done;
      input.max_retries = options_.retries;
      input.transient = attempt.transient;
      input.retry_after = attempt.retry_after;
      input.remaining = remaining;
      input.unit_random = jitter();
      input.base = options_.retry_base_delay;
      input.cap = options_.retry_max_delay;
      const std::optional<milliseconds> delay = next_retry_delay(input);
      if (!delay) {
        report.set(attempt.health);
        co_return std::move(attempt.result);
      }

      ++retries_done;
      counters_.retries.fetch_add(1, std::memory_order_relaxed);
      if (options_.hooks.on_retry) options_.hooks.on_retry(retries_done, *delay);
      if (delay->count() > 0) {
        asio::steady_timer timer(strand_, *delay);
        AbortScope scope(control, [&timer] { timer.cancel(); });
        co_await timer.async_wait(as_result());
      }
      if (control.cancelled) co_return cancelled_error();
    }
  }

  HttpRequest build_message(const Request& request) const {
    HttpRequest message;
    message.method(http::string_to_verb(request.method));
    message.target(url_.base_path + request.target);
    message.version(11);
    message.set(http::field::host, url_.authority());
    bool has_user_agent = false;
    for (const auto& [name, value] : request.headers) {
      has_user_agent = has_user_agent || ascii::iequals(name, "user-agent");
      message.insert(name, value);
    }
    if (!has_user_agent) message.set(http::field::user_agent, user_agent_);
    message.body() = request.body;
    message.prepare_payload();
    message.keep_alive(true);
    return message;
  }

  Error deadline_error(milliseconds timeout, std::string_view during) const {
    return make_error(ErrorCode::timeout, "request deadline of " + std::to_string(timeout.count()) +
                                              " ms passed " + std::string(during) + " (" +
                                              url_.endpoint() + ")");
  }

  // --- waiting for a handed-over resource ----------------------------------------------------

  asio::awaitable<WaitOutcome> wait_in(std::deque<Waiter*>& queue, Waiter& waiter,
                                       SteadyClock::time_point deadline, CallControl& control) {
    queue.push_back(&waiter);
    waiter.timer.expires_at(deadline);
    if (!control.cancelled) {
      AbortScope scope(control, [&waiter] { waiter.timer.cancel(); });
      co_await waiter.timer.async_wait(as_result());
    }
    if (waiter.woken) co_return WaitOutcome::woken;
    std::erase(queue, &waiter);
    co_return control.cancelled ? WaitOutcome::cancelled : WaitOutcome::timed_out;
  }

  asio::awaitable<std::optional<Error>> acquire_slot(SlotLease& lease,
                                                     SteadyClock::time_point deadline,
                                                     milliseconds timeout, CallControl& control) {
    if (options_.max_concurrency == 0 || slots_used_ < options_.max_concurrency) {
      ++slots_used_;
      lease.hold();
      co_return std::nullopt;
    }
    Waiter waiter(strand_);
    switch (co_await wait_in(slot_waiters_, waiter, deadline, control)) {
      case WaitOutcome::woken:
        lease.hold();  // the releasing call handed its slot over
        co_return std::nullopt;
      case WaitOutcome::cancelled:
        co_return cancelled_error();
      case WaitOutcome::timed_out:
        break;
    }
    co_return deadline_error(timeout, "waiting for a concurrency slot (max_concurrency " +
                                          std::to_string(options_.max_concurrency) + ")");
  }

  void release_slot() {
    if (!slot_waiters_.empty()) {
      Waiter* next = slot_waiters_.front();
      slot_waiters_.pop_front();
      wake(*next);
      return;
    }
    --slots_used_;
  }

  // --- the pool ------------------------------------------------------------------------------

  // An idle connection is worth reusing when it has not expired, holds no unread bytes and the
  // peer has not closed it (nothing readable on the socket).
  bool still_usable(Connection& conn) const {
    if (clock_now() - conn.idle_since >= options_.idle_timeout) return false;
    if (conn.buffer.size() != 0) return false;
    auto& socket = conn.tcp().socket();
    if (!socket.is_open()) return false;
    pollfd probe{socket.native_handle(), POLLIN, 0};
    return ::poll(&probe, 1, 0) == 0;
  }

  asio::awaitable<std::optional<Error>> acquire_connection(ConnectionLease& lease, bool force_new,
                                                           SteadyClock::time_point deadline,
                                                           milliseconds timeout,
                                                           CallControl& control) {
    if (!force_new) {
      while (!idle_.empty()) {
        std::unique_ptr<Connection> conn = std::move(idle_.back());
        idle_.pop_back();
        if (still_usable(*conn)) {
          publish_pool();
          lease.adopt(std::move(conn));
          co_return std::nullopt;
        }
        conn->close();
        --open_;
      }
      publish_pool();
    } else if (open_ >= options_.max_connections && !idle_.empty()) {
      // Make room for the fresh connection by dropping the oldest idle one.
      idle_.front()->close();
      idle_.erase(idle_.begin());
      --open_;
      publish_pool();
    }
    if (open_ < options_.max_connections) {
      ++open_;
      publish_pool();
      lease.adopt_permit();
      co_return std::nullopt;
    }
    Waiter waiter(strand_);
    switch (co_await wait_in(pool_waiters_, waiter, deadline, control)) {
      case WaitOutcome::woken:
        if (waiter.handed && !force_new) {
          lease.adopt(std::move(waiter.handed));
        } else {
          if (waiter.handed) waiter.handed->close();  // its capacity becomes our permit
          lease.adopt_permit();
        }
        co_return std::nullopt;
      case WaitOutcome::cancelled:
        co_return cancelled_error();
      case WaitOutcome::timed_out:
        break;
    }
    co_return deadline_error(timeout, "waiting for a pooled connection (max_connections " +
                                          std::to_string(options_.max_connections) + ")");
  }

  void return_connection(std::unique_ptr<Connection> conn) {
    conn->tcp().expires_never();
    if (!pool_waiters_.empty()) {
      Waiter* next = pool_waiters_.front();
      pool_waiters_.pop_front();
      next->handed = std::move(conn);
      wake(*next);
      return;
    }
    if (closed_) {
      discard_connection(std::move(conn));
      return;
    }
    conn->idle_since = clock_now();
    idle_.push_back(std::move(conn));
    publish_pool();
    schedule_sweep();
  }

  void discard_connection(std::unique_ptr<Connection> conn) {
    if (conn) conn->close();
    --open_;
    wake_for_capacity();
    publish_pool();
  }

  void wake_for_capacity() {
    while (open_ < options_.max_connections && !pool_waiters_.empty()) {
      Waiter* next = pool_waiters_.front();
      pool_waiters_.pop_front();
      ++open_;  // counted on the waiter's behalf: it holds a permit when it wakes
      wake(*next);
    }
  }

  void schedule_sweep() {
    if (sweep_pending_ || idle_.empty() || closed_) return;
    sweep_pending_ = true;
    sweep_timer_.expires_after(options_.idle_timeout);
    sweep_timer_.async_wait([weak = weak_from_this()](const error_code& ec) {
      if (auto self = weak.lock()) self->sweep(ec);
    });
  }

  void sweep(const error_code& ec) {
    sweep_pending_ = false;
    if (ec == asio::error::operation_aborted || closed_) return;
    const auto now = clock_now();
    std::erase_if(idle_, [&](const std::unique_ptr<Connection>& conn) {
      if (now - conn->idle_since < options_.idle_timeout) return false;
      conn->close();
      --open_;
      return true;
    });
    wake_for_capacity();
    publish_pool();
    schedule_sweep();
  }

  // --- one attempt: connection, token, exchange ------------------------------------------------

  // Waits `wait` on the strand; false when the call was cancelled first.
  template <typename Duration>
  asio::awaitable<bool> pause(Duration wait, CallControl& control) {
    asio::steady_timer timer(strand_, wait);
    {
      AbortScope scope(control, [&timer] { timer.cancel(); });
      if (!control.cancelled) co_await timer.async_wait(as_result());
    }
    co_return !control.cancelled;
  }

  asio::awaitable<Attempt> run_attempt(CallControl& control, const HttpRequest& message,
                                       SteadyClock::time_point deadline, milliseconds timeout,
                                       bool force_new) {
    ConnectionLease lease(*this);
    if (auto failed = co_await acquire_connection(lease, force_new, deadline, timeout, control)) {
      co_return Attempt(std::move(*failed), Health::neutral);
    }
    if (lease.reused()) {
      counters_.reused.fetch_add(1, std::memory_order_relaxed);
    } else {
      Connection& conn = lease.create(strand_, tls_.get());
      counters_.opened.fetch_add(1, std::memory_order_relaxed);
      if (auto failed = co_await open_connection(conn, deadline, timeout, control)) {
        co_return std::move(*failed);
      }
    }

    // The rate limit applies to what the gateway sees: requests, right before they are sent.
    if (!bucket_.unlimited()) {
      const auto now = SteadyClock::now();
      if (now >= deadline) {
        lease.keep_alive(true);  // opened but unused: still good for the next call
        co_return Attempt(deadline_error(timeout, "before sending"), Health::neutral);
      }
      const auto wait = bucket_.reserve(now, deadline - now);
      if (!wait) {
        lease.keep_alive(true);
        co_return Attempt(
            make_error(ErrorCode::rate_limited, "local rate limit for " + url_.endpoint() +
                                                    ": no token before the request deadline"),
            Health::neutral);
      }
      if (*wait > SteadyClock::duration::zero() && !co_await pause(*wait, control)) {
        bucket_.refund();
        co_return Attempt(cancelled_error(), Health::neutral);
      }
    }

    // The budget shared with other replicas: wait for this call's turn within the deadline.
    if (options_.shared_budget) {
      while (true) {
        auto asking = options_.shared_budget();
        const std::optional<std::chrono::microseconds> wait = co_await std::move(asking);
        if (control.cancelled) {
          bucket_.refund();
          co_return Attempt(cancelled_error(), Health::neutral);
        }
        if (!wait || *wait <= std::chrono::microseconds::zero()) break;
        if (SteadyClock::now() + *wait >= deadline) {
          lease.keep_alive(true);
          bucket_.refund();
          co_return Attempt(make_error(ErrorCode::rate_limited, "shared rate limit for " + url_.endpoint() +
                                                                    ": no turn before the request deadline"),
                            Health::neutral);
        }
        if (!co_await pause(*wait, control)) {
          bucket_.refund();
          co_return Attempt(cancelled_error(), Health::neutral);
        }
      }
    }

    counters_.attempts.fetch_add(1, std::memory_order_relaxed);
    Connection& conn = *lease.get();
    if (conn.secure) {
      co_return co_await exchange(*conn.secure, conn, lease, message, deadline, timeout, control);
    }
    co_return co_await exchange(*conn.plain, conn, lease, message, deadline, timeout, control);
  }

  // A failed I/O step: cancelled, which deadline fired, or what the error means.
  Attempt io_failure(Phase phase, const error_code& ec, SteadyClock::time_point step_deadline,
                     SteadyClock::time_point deadline, milliseconds step_timeout,
                     milliseconds timeout, const CallControl& control) const {
    if (control.cancelled) return Attempt(cancelled_error(), Health::neutral);
    if (ec == beast::error::timeout) {
      if (step_deadline < deadline) {
        return Attempt(
            make_error(ErrorCode::timeout, std::string(to_string(phase)) + " timed out after " +
                                               std::to_string(step_timeout.count()) + " ms (" +
                                               url_.endpoint() + ")"),
            Health::failure, /*is_transient=*/true);
      }
      return Attempt(deadline_error(timeout, "during " + std::string(to_string(phase))),
                     Health::failure);
    }
    Error error = map_io_error(phase, ec, url_.endpoint());
    switch (error.code) {
      case ErrorCode::unreachable:
        return Attempt(std::move(error), Health::failure, /*is_transient=*/true);
      case ErrorCode::response_too_large:
        return Attempt(std::move(error), Health::success);  // it answered, just too much
      case ErrorCode::cancelled:
        return Attempt(std::move(error), Health::neutral);
      default:
        return Attempt(std::move(error), Health::failure);
    }
  }

  asio::awaitable<std::optional<Attempt>> open_connection(Connection& conn,
                                                          SteadyClock::time_point deadline,
                                                          milliseconds timeout,
                                                          CallControl& control) {
    // Resolve (an IP literal needs none).
    std::vector<tcp::endpoint> endpoints;
    if (url_.host_is_ip) {
      error_code ec;
      const auto address = asio::ip::make_address(url_.host, ec);
      if (ec) {
        co_return Attempt(make_error(ErrorCode::invalid_argument, "base_url host is not an IP"),
                          Health::neutral);
      }
      endpoints.emplace_back(address, url_.port);
    } else {
      auto resolved = co_await resolve(deadline, timeout, control);
      if (!resolved.ok()) {
        const bool transient = resolved.error().code != ErrorCode::cancelled;
        const Health health =
            resolved.error().code == ErrorCode::cancelled ? Health::neutral : Health::failure;
        co_return Attempt(std::move(resolved).error(), health, transient);
      }
      endpoints = std::move(resolved.value());
    }

    // Connect.
    beast::tcp_stream& tcp = conn.tcp();
    const auto connect_deadline = SteadyClock::now() + options_.connect_timeout;
    tcp.expires_at(std::min(connect_deadline, deadline));
    {
      AbortScope scope(control, [&tcp] { tcp.close(); });
      if (control.cancelled) co_return Attempt(cancelled_error(), Health::neutral);
      [[maybe_unused]] auto [ec, endpoint] = co_await tcp.async_connect(endpoints, as_result());
      if (ec) {
        co_return io_failure(Phase::connect, ec, connect_deadline, deadline,
                             options_.connect_timeout, timeout, control);
      }
    }
    error_code ignored;
    tcp.socket().set_option(tcp::no_delay(true), ignored);
    if (!conn.secure) {
      tcp.expires_never();
      co_return std::nullopt;
    }

    // TLS handshake: SNI for host names, and the certificate must name the host (or IP).
    SSL* handle = conn.secure->native_handle();
    if (handle == nullptr || !expect_peer(handle, url_.host, url_.host_is_ip)) {
      co_return Attempt(make_error(ErrorCode::tls_error,
                                   "cannot set the expected host name for " + url_.endpoint()),
                        Health::neutral);
    }
    counters_.handshakes.fetch_add(1, std::memory_order_relaxed);
    const auto handshake_deadline = SteadyClock::now() + options_.handshake_timeout;
    tcp.expires_at(std::min(handshake_deadline, deadline));
    {
      AbortScope scope(control, [&tcp] { tcp.close(); });
      if (control.cancelled) co_return Attempt(cancelled_error(), Health::neutral);
      [[maybe_unused]] auto [ec, unused] = co_await conn.secure->async_handshake(as_result());
      if (ec) {
        const auto refusal = certificate_refusal(handle);
        if (!control.cancelled && ec != beast::error::timeout && refusal) {
          co_return Attempt(make_error(ErrorCode::tls_error, "certificate verification failed (" +
                                                                 url_.endpoint() + "): " + *refusal),
                            Health::failure);
        }
        co_return io_failure(Phase::handshake, ec, handshake_deadline, deadline,
                             options_.handshake_timeout, timeout, control);
      }
    }
    tcp.expires_never();
    co_return std::nullopt;
  }

  // Name resolution cannot be interrupted (getaddrinfo runs on a helper thread), so the call
  // waits on a timer that the resolver's completion, the deadline or a cancel ends, and leaves
  // a late resolver behind if it must.
  asio::awaitable<Result<std::vector<tcp::endpoint>>> resolve(SteadyClock::time_point deadline,
                                                              milliseconds timeout,
                                                              CallControl& control) {
    struct Pending {
      explicit Pending(const Strand& strand) : resolver(strand), timer(strand) {}
      tcp::resolver resolver;
      asio::steady_timer timer;
      bool done = false;
      error_code ec;
      std::vector<tcp::endpoint> endpoints;
    };
    auto pending = std::make_shared<Pending>(strand_);
    const auto step_deadline = SteadyClock::now() + options_.resolve_timeout;
    pending->timer.expires_at(std::min(step_deadline, deadline));
    pending->resolver.async_resolve(
        url_.host, std::to_string(url_.port), tcp::resolver::numeric_service,
        [pending](const error_code& ec, const tcp::resolver::results_type& results) {
          pending->done = true;
          pending->ec = ec;
          for (const auto& entry : results) pending->endpoints.push_back(entry.endpoint());
          pending->timer.cancel();
        });
    {
      AbortScope scope(control, [pending] { pending->timer.cancel(); });
      if (!control.cancelled) co_await pending->timer.async_wait(as_result());
    }
    if (!pending->done) {
      pending->resolver.cancel();
      if (control.cancelled) co_return cancelled_error();
      if (step_deadline < deadline) {
        co_return make_error(ErrorCode::timeout,
                             "resolve timed out after " +
                                 std::to_string(options_.resolve_timeout.count()) + " ms (" +
                                 url_.endpoint() + ")");
      }
      co_return deadline_error(timeout, "during resolve");
    }
    if (control.cancelled) co_return cancelled_error();
    if (pending->ec || pending->endpoints.empty()) {
      co_return map_io_error(
          Phase::resolve, pending->ec ? pending->ec : make_error_code(asio::error::host_not_found),
          url_.endpoint());
    }
    co_return std::move(pending->endpoints);
  }

  template <typename Stream>
  asio::awaitable<Attempt> exchange(Stream& stream, Connection& conn, ConnectionLease& lease,
                                    const HttpRequest& message, SteadyClock::time_point deadline,
                                    milliseconds timeout, CallControl& control) {
    beast::tcp_stream& tcp = conn.tcp();
    const bool reused = lease.reused();
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_response_bytes);
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        options_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    if (message.method() == http::verb::head) parser.skip(true);

    tcp.expires_at(deadline);
    {
      AbortScope scope(control, [&tcp] { tcp.close(); });
      if (control.cancelled) co_return Attempt(cancelled_error(), Health::neutral);
      [[maybe_unused]] auto [write_ec, written] =
          co_await http::async_write(stream, message, as_result());
      if (write_ec) {
        Attempt failed =
            io_failure(Phase::write, write_ec, deadline, deadline, timeout, timeout, control);
        failed.stale = reused && !control.cancelled && write_ec != beast::error::timeout;
        co_return failed;
      }
      [[maybe_unused]] auto [read_ec, read] =
          co_await http::async_read(stream, conn.buffer, parser, as_result());
      if (read_ec) {
        Attempt failed =
            io_failure(Phase::read, read_ec, deadline, deadline, timeout, timeout, control);
        failed.stale = reused && !control.cancelled && read_ec != beast::error::timeout &&
                       !parser.got_some() && conn.buffer.size() == 0;
        co_return failed;
      }
    }
    tcp.expires_never();
    if (control.cancelled) co_return Attempt(cancelled_error(), Health::neutral);

    auto& header = parser.get();
    const bool keep = header.keep_alive() && conn.buffer.size() == 0;
    // An idle connection should cost little: drop the read buffer's capacity and TLS's buffers.
    conn.buffer.shrink_to_fit();
    if (conn.secure) conn.secure->release_idle();
    lease.keep_alive(keep);

    Response response;
    response.status = header.result_int();
    response.headers.reserve(static_cast<std::size_t>(std::distance(header.begin(), header.end())));
    for (const auto& field : header) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(parser.get().body());

    std::optional<milliseconds> retry_after;
    if (honours_retry_after(response.status)) {
      if (const auto it = header.find(http::field::retry_after); it != header.end()) {
        retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
      }
    }
    const unsigned status = response.status;
    Attempt out(std::move(response), status >= 500 ? Health::failure : Health::success,
                is_retryable_status(status));
    out.retry_after = retry_after;
    co_return out;
  }

  Strand strand_;
  const Options options_;
  const BaseUrl url_;
  const std::string endpoint_ = url_.endpoint();
  const std::unique_ptr<ssl::context> tls_;
  const std::string user_agent_;

  CircuitBreaker breaker_;
  TokenBucket bucket_;

  std::size_t slots_used_ = 0;
  std::deque<Waiter*> slot_waiters_;

  std::vector<std::unique_ptr<Connection>> idle_;  // back = most recently used
  std::size_t open_ = 0;                           // idle + leased + being opened
  std::deque<Waiter*> pool_waiters_;
  asio::steady_timer sweep_timer_;
  bool sweep_pending_ = false;
  bool closed_ = false;

  std::mt19937_64 rng_;
  Counters counters_;
  std::atomic<int> breaker_mirror_{static_cast<int>(BreakerState::closed)};
  std::atomic<SteadyClock::rep> reopens_at_{0};
  // Log lines (strand only): when the circuit last opened, and the throttles.
  SteadyClock::time_point opened_at_{};
  log::Throttle probe_log_{log::repeat_window};
  log::Throttle failure_log_{log::repeat_window};
};

Stats Client::Impl::stats() const {
  Stats out;
  const auto load = [](const std::atomic<std::uint64_t>& value) {
    return value.load(std::memory_order_relaxed);
  };
  out.requests = load(counters_.requests);
  out.attempts = load(counters_.attempts);
  out.retries = load(counters_.retries);
  out.responses = load(counters_.responses);
  for (std::size_t i = 0; i < out.responses_by_class.size(); ++i) {
    out.responses_by_class[i] = load(counters_.by_class[i]);
  }
  for (std::size_t i = 0; i < out.errors.size(); ++i) out.errors[i] = load(counters_.errors[i]);
  out.tls_handshakes = load(counters_.handshakes);
  out.connections_opened = load(counters_.opened);
  out.connections_reused = load(counters_.reused);
  out.connections_open = load(counters_.open);
  out.connections_idle = load(counters_.idle);
  out.in_flight = load(counters_.in_flight);
  for (std::size_t i = 0; i < out.latency_buckets.size(); ++i) {
    out.latency_buckets[i] = load(counters_.latency[i]);
  }
  out.latency_count = load(counters_.latency_count);
  out.latency_sum_us = load(counters_.latency_sum_us);
  return out;
}

// --- Client ------------------------------------------------------------------------------------

namespace {

std::optional<Error> check_options(const Options& options) {
  const auto bad = [](std::string what) {
    return make_error(ErrorCode::invalid_argument, "upstream options: " + what);
  };
  if (options.timeout.count() <= 0) return bad("timeout must be positive");
  if (options.resolve_timeout.count() <= 0 || options.connect_timeout.count() <= 0 ||
      options.handshake_timeout.count() <= 0) {
    return bad("resolve, connect and handshake timeouts must be positive");
  }
  if (options.idle_timeout.count() <= 0) return bad("idle_timeout must be positive");
  if (options.max_connections == 0) return bad("max_connections must be at least 1");
  if (options.max_response_bytes == 0) return bad("max_response_bytes must be at least 1");
  if (options.max_header_bytes < 1024) return bad("max_header_bytes must be at least 1024");
  if (!(options.rate_limit_rps >= 0.0) || !std::isfinite(options.rate_limit_rps)) {
    return bad("rate_limit_rps must be a finite number >= 0");
  }
  if (!(options.rate_limit_burst >= 0.0) || !std::isfinite(options.rate_limit_burst)) {
    return bad("rate_limit_burst must be a finite number >= 0");
  }
  if (options.retry_base_delay.count() < 0 || options.retry_max_delay.count() < 0 ||
      options.breaker_cooldown.count() < 0) {
    return bad("delays must not be negative");
  }
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<Client>> Client::create(asio::any_io_executor executor, Options options) {
  if (auto bad = check_options(options)) return std::move(*bad);
  auto url = parse_base_url(options.base_url);
  if (!url.ok()) return std::move(url).error();
  std::unique_ptr<ssl::context> tls;
  if (url->tls) {
    auto context = make_tls_client_context(options.ca_file);
    if (!context.ok()) return std::move(context).error();
    tls = std::move(context.value());
  } else if (!options.ca_file.empty()) {
    return make_error(ErrorCode::invalid_argument, "ca_file is set but base_url is not https://");
  }
  auto impl =
      std::make_shared<Impl>(executor, std::move(options), std::move(url.value()), std::move(tls));
  return std::shared_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() {
  asio::dispatch(impl_->strand(), [impl = impl_] { impl->shutdown(); });
}

asio::awaitable<Result<Response>> Client::send(Request request) {
  std::shared_ptr<Impl> impl = impl_;
  auto control = std::make_shared<CallControl>();

  // Forward the caller's cancellation to the strand, where it closes what the call waits on.
  asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    impl->count_early_cancel();
    co_return cancelled_error();
  }
  if (asio::cancellation_slot slot = state.slot(); slot.is_connected()) {
    slot.assign([control, strand = impl->strand()](asio::cancellation_type type) {
      if (type == asio::cancellation_type::none) return;
      asio::dispatch(strand, [control] { control->cancel(); });
    });
  }
  co_await asio::co_spawn(
      impl->strand(), Impl::run_call(impl, control, std::move(request)),
      asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
  if (!control->result) co_return make_error(ErrorCode::internal, "upstream call left no result");
  co_return std::move(*control->result);
}

Stats Client::stats() const { return impl_->stats(); }

BreakerState Client::breaker_state() const { return impl_->breaker_state(); }

const Options& Client::options() const { return impl_->options(); }

}  // namespace coinfan::upstream
