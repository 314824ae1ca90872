#include "coinfan/shared/credentials.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/hash.hpp"
#include "gateways/common/credential_share.hpp"
#include "shared/scripts.hpp"

namespace coinfan::shared {

namespace {

namespace asio = boost::asio;
using gateways::IssuedCredential;

// The stored form: "<expiry in ms since the epoch> <credential>".
std::string stored_form(const IssuedCredential& credential) {
  const auto expiry = std::chrono::duration_cast<std::chrono::milliseconds>(credential.expires_at.time_since_epoch());
  return std::to_string(expiry.count()) + " " + credential.value;
}

std::optional<IssuedCredential> parse_stored(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space + 1 == text.size()) return std::nullopt;
  const auto expiry = ascii::parse_unsigned<std::int64_t>(text.substr(0, space));
  if (!expiry) return std::nullopt;
  return IssuedCredential{std::string(text.substr(space + 1)),
                          gateways::CredentialClock::time_point(std::chrono::milliseconds(*expiry))};
}

// A Redis error reply, named by its first word only ("WRONGTYPE", "OOM", ...): the rest could
// in principle quote what was sent.
Error unexpected_reply(std::string_view step, const RedisValue& reply) {
  std::string detail = "redis credential share: unexpected reply to " + std::string(step);
  if (reply.is_error()) detail += " (" + reply.text.substr(0, reply.text.find(' ')) + ")";
  return make_error(ErrorCode::bad_response, std::move(detail));
}

class RedisCredentialShare final : public gateways::CredentialShare {
 public:
  RedisCredentialShare(std::shared_ptr<RedisClient> redis, std::string credential_key, std::string lease_key,
                       CredentialCallReport report)
      : redis_(std::move(redis)),
        credential_key_(std::move(credential_key)),
        lease_key_(std::move(lease_key)),
        report_(std::move(report)) {}

  asio::awaitable<Result<std::optional<IssuedCredential>>> load() override {
    auto getting = redis_->command({"GET", credential_key_});
    auto reply = co_await std::move(getting);
    if (!reply) co_return reported(std::move(reply).error());
    if (reply->type == RedisValue::Type::nil) co_return answered(std::optional<IssuedCredential>());
    // A value this replica cannot read is treated as none: renewing replaces it.
    if (reply->type == RedisValue::Type::string) co_return answered(parse_stored(reply->text));
    co_return reported(unexpected_reply("GET", *reply));
  }

  asio::awaitable<Result<bool>> discard(std::string refused) override {
    // The stored form holds the expiry too: delete only the exact value that was read.
    auto loading = load();
    auto current = co_await std::move(loading);
    if (!current) co_return std::move(current).error();
    if (!*current || (*current)->value != refused) co_return false;
    auto deleting = redis_->command({"EVAL", delete_if_equal_script, "1", credential_key_, stored_form(**current)});
    auto reply = co_await std::move(deleting);
    co_return integer_flag("EVAL", std::move(reply));
  }

  asio::awaitable<Result<std::optional<std::string>>> claim(std::chrono::milliseconds ttl) override {
    auto bytes = hash::random_bytes(16);
    if (!bytes) co_return reported(std::move(bytes).error());
    std::string token = hash::to_hex_lower(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
    const auto px = std::to_string(std::max<std::int64_t>(1, ttl.count()));
    auto setting = redis_->command({"SET", lease_key_, token, "NX", "PX", px});
    auto reply = co_await std::move(setting);
    if (!reply) co_return reported(std::move(reply).error());
    if (reply->type == RedisValue::Type::nil) co_return answered(std::optional<std::string>());
    if (reply->type == RedisValue::Type::status && reply->text == "OK") co_return answered(std::optional(std::move(token)));
    co_return reported(unexpected_reply("SET NX", *reply));
  }

  asio::awaitable<Result<bool>> publish(IssuedCredential credential, std::chrono::milliseconds lifetime,
                                        std::string lease) override {
    const auto px = std::to_string(std::max<std::int64_t>(1, lifetime.count()));
    auto storing = redis_->pipeline({{"SET", credential_key_, stored_form(credential), "PX", px},
                                     {"EVAL", delete_if_equal_script, "1", lease_key_, std::move(lease)}});
    auto replies = co_await std::move(storing);
    if (!replies) co_return reported(std::move(replies).error());
    const auto& stored = (*replies)[0];
    if (stored.type != RedisValue::Type::status || stored.text != "OK") co_return reported(unexpected_reply("SET", stored));
    co_return integer_flag("EVAL", std::move((*replies)[1]));
  }

  asio::awaitable<Result<bool>> release(std::string lease) override {
    auto deleting = redis_->command({"EVAL", delete_if_equal_script, "1", lease_key_, std::move(lease)});
    auto reply = co_await std::move(deleting);
    co_return integer_flag("EVAL", std::move(reply));
  }

 private:
  template <typename T>
  Result<T> answered(T value) {
    if (report_) report_(nullptr);
    return value;
  }

  Error reported(Error error) {
    if (report_) report_(&error);
    return error;
  }

  Result<bool> integer_flag(std::string_view step, Result<RedisValue> reply) {
    if (!reply) return reported(std::move(reply).error());
    if (reply->type != RedisValue::Type::integer) return reported(unexpected_reply(step, *reply));
    return answered(reply->integer == 1);
  }

  std::shared_ptr<RedisClient> redis_;
  std::string credential_key_;
  std::string lease_key_;
  CredentialCallReport report_;
};

}  // namespace

SharedCredentials::SharedCredentials(std::shared_ptr<RedisClient> redis, std::string key_prefix)
    : redis_(std::move(redis)), key_prefix_(std::move(key_prefix)) {}

std::shared_ptr<gateways::CredentialShare> SharedCredentials::account(std::string gateway_id,
                                                                      CredentialCallReport report) const {
  return std::make_shared<RedisCredentialShare>(redis_, credential_key(gateway_id), lease_key(gateway_id),
                                                std::move(report));
}

std::string SharedCredentials::credential_key(const std::string& gateway_id) const {
  return key_prefix_ + "cred:" + gateway_id;
}

std::string SharedCredentials::lease_key(const std::string& gateway_id) const {
  return key_prefix_ + "cred-lease:" + gateway_id;
}

}  // namespace coinfan::shared
