#include "coinfan/shared/calls.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include "shared/scripts.hpp"
#include "shared/token.hpp"

namespace coinfan::shared {

namespace asio = boost::asio;
using aggregate::SharedRecord;
using aggregate::SharedWant;
using Millis = std::chrono::milliseconds;

namespace {

// A failed record outlives its waiters' next look, no more.
constexpr Millis keep_failed{2000};
constexpr Millis first_poll{5};
constexpr Millis max_poll{20};

std::optional<std::uint64_t> epoch_of(const RedisValue& value) {
  if (value.type == RedisValue::Type::nil) return 0;
  std::uint64_t epoch = 0;
  const auto& text = value.text;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (value.type != RedisValue::Type::string || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return epoch;
}

// A stored record this look may use: ours to read, and not older than the name's epoch.
std::optional<SharedRecord> usable(const RedisValue& value, std::uint64_t epoch) {
  if (value.type != RedisValue::Type::string) return std::nullopt;
  auto record = aggregate::decode_record(value.text);
  if (!record || record->epoch < epoch) return std::nullopt;
  return record;
}

}  // namespace

RedisSharedCalls::RedisSharedCalls(std::shared_ptr<RedisClient> redis, std::string key_prefix, Millis keep_good,
                                   RedisAvailability availability)
    : redis_(std::move(redis)),
      key_prefix_(std::move(key_prefix)),
      keep_good_(std::max(keep_good, Millis(1000))),
      availability_(std::move(availability)),
      replica_(random_token_prefix()) {}

std::string RedisSharedCalls::key(const std::string& name, const char* part) const {
  return key_prefix_ + "call:" + name + ":" + part;
}

std::string RedisSharedCalls::new_token() { return replica_ + "-" + std::to_string(next_token_++); }

void RedisSharedCalls::answered() {
  if (availability_.on_answer) availability_.on_answer();
}

void RedisSharedCalls::failed(const Error& error) {
  ++fallbacks_;
  if (availability_.on_failure) availability_.on_failure(error);
}

SharedCallStats RedisSharedCalls::stats() const { return {decisions_.load(), fallbacks_.load()}; }

asio::awaitable<SharedRecord> RedisSharedCalls::run(std::string name, SharedWant want, Call call) {
  auto self = shared_from_this();  // alive for the whole call
  const std::string token = new_token();
  const std::string good_key = key(name, "good");
  const std::string fail_key = key(name, "fail");
  const std::string lease_key = key(name, "lease");
  const std::string epoch_key = key(name, "epoch");
  const std::string lease_ms = std::to_string(std::max<Millis::rep>(1, want.lease.count()));
  const auto give_up_at = std::chrono::steady_clock::now() + want.lease;

  // This replica calls alone: the gateway's answer is its own.
  auto alone = [&]() -> asio::awaitable<SharedRecord> {
    auto calling = call();
    SharedRecord record = co_await std::move(calling);
    record.by = token;
    co_return record;
  };

  std::string awaited;  // the lease token whose record we wait for
  Millis poll = first_poll;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    auto looking = redis_->pipeline({{"GET", good_key},
                                     {"GET", fail_key},
                                     {"GET", epoch_key},
                                     {"SET", lease_key, token, "NX", "PX", lease_ms},
                                     {"GET", lease_key}});
    auto replies = co_await std::move(looking);
    if (!replies || replies->size() != 5) {
      failed(replies ? make_error(ErrorCode::bad_response, "redis: unexpected pipeline reply") : replies.error());
      auto calling = alone();
      co_return co_await std::move(calling);
    }
    answered();
    const auto epoch = epoch_of((*replies)[2]);
    if (!epoch) {
      failed(make_error(ErrorCode::bad_response, "redis: the epoch of " + name + " is not a number"));
      auto calling = alone();
      co_return co_await std::move(calling);
    }
    const auto good = usable((*replies)[0], *epoch);
    const auto fail = usable((*replies)[1], *epoch);
    const bool leading = (*replies)[3].type == RedisValue::Type::status;

    std::optional<SharedRecord> found;
    if (!awaited.empty() && good && good->by == awaited) found = good;
    if (!found && !awaited.empty() && fail && fail->by == awaited) found = fail;
    if (!found && good && good->completed_at >= want.since) found = good;
    if (found) {
      ++decisions_;
      if (leading) {
        auto releasing = redis_->command({"EVAL", delete_if_equal_script, "1", lease_key, token});
        (void)co_await std::move(releasing);
      }
      co_return std::move(*found);
    }

    if (leading) {
      ++decisions_;
      auto calling = call();
      SharedRecord record = co_await std::move(calling);
      record.by = token;
      record.epoch = *epoch;
      auto storing = redis_->pipeline(
          {{"SET", record.good ? good_key : fail_key, aggregate::encode_record(record), "PX",
            std::to_string((record.good ? keep_good_ : keep_failed).count())},
           {"EVAL", delete_if_equal_script, "1", lease_key, token}});
      auto stored = co_await std::move(storing);
      if (!stored) failed(stored.error());
      co_return record;
    }

    // Someone else calls: wait for that holder's record (a new holder when it changed hands).
    const auto& holder = (*replies)[4];
    if (holder.type == RedisValue::Type::string) awaited = holder.text;
    if (std::chrono::steady_clock::now() + poll >= give_up_at) {
      // The lease outlived its own bound (a stuck holder): call rather than wait on.
      auto calling = alone();
      co_return co_await std::move(calling);
    }
    timer.expires_after(poll);
    co_await timer.async_wait(asio::use_awaitable);
    poll = std::min(poll * 2, max_poll);
  }
}

asio::awaitable<void> RedisSharedCalls::forget(std::string name) {
  auto self = shared_from_this();
  auto forgetting = redis_->pipeline({{"INCR", key(name, "epoch")}, {"DEL", key(name, "good"), key(name, "fail")}});
  auto replies = co_await std::move(forgetting);
  if (!replies) {
    failed(replies.error());
  } else {
    answered();
  }
}

}  // namespace coinfan::shared
