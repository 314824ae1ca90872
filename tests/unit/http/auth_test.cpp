// API key checks: who may read, who may write.

#include <gtest/gtest.h>

#include "coinfan/core/hash.hpp"
#include "coinfan/http/auth.hpp"

namespace coinfan::http {
namespace {

config::ApiKey key(std::string name, std::string_view secret, std::vector<std::string> scopes) {
  return {std::move(name), *hash::sha256_hex(secret), std::move(scopes)};
}

Request with_header(std::string name, std::string value) {
  Request request;
  request.headers.emplace_back(std::move(name), std::move(value));
  return request;
}

TEST(ApiKeyAuth, ReadsAreOpenWhenNoKeyIsConfigured) {
  ApiKeyAuth auth({});
  EXPECT_FALSE(auth.check(Request{}, Scope::read));
}

TEST(ApiKeyAuth, WritesNeedAKeyEvenWhenNoneIsConfigured) {
  ApiKeyAuth auth({});
  auto refusal = auth.check(Request{}, Scope::write);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 401u);
}

TEST(ApiKeyAuth, BearerAndHeaderKeysAreAccepted) {
  ApiKeyAuth auth({key("dash", "s3cret-read", {"read"})});
  EXPECT_FALSE(auth.check(with_header("Authorization", "Bearer s3cret-read"), Scope::read));
  EXPECT_FALSE(auth.check(with_header("X-Api-Key", "s3cret-read"), Scope::read));
  auto missing = auth.check(Request{}, Scope::read);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401u);
  EXPECT_TRUE(find_header(missing->headers, "WWW-Authenticate"));
  auto wrong = auth.check(with_header("Authorization", "Bearer nope"), Scope::read);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401u);
  EXPECT_EQ(wrong->body.find("nope"), std::string::npos);
}

TEST(ApiKeyAuth, MissingScopeIsForbidden) {
  ApiKeyAuth auth({key("dash", "r", {"read"}), key("payouts", "w", {"read", "write"})});
  auto refusal = auth.check(with_header("X-Api-Key", "r"), Scope::write);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
  EXPECT_FALSE(auth.check(with_header("X-Api-Key", "w"), Scope::write));
}

TEST(ApiKeyAuth, SessionNamesTheKeyAndItsEffectiveScopes) {
  ApiKeyAuth auth({key("dash", "r", {"read"}), key("payouts", "w", {"read", "write"})});
  auto reader = auth.session(with_header("X-Api-Key", "r"));
  ASSERT_TRUE(std::holds_alternative<SessionInfo>(reader));
  EXPECT_EQ(std::get<SessionInfo>(reader).key, "dash");
  EXPECT_TRUE(std::get<SessionInfo>(reader).read);
  EXPECT_FALSE(std::get<SessionInfo>(reader).write);
  EXPECT_TRUE(std::get<SessionInfo>(reader).keys_required);
  auto payouts = auth.session(with_header("Authorization", "Bearer w"));
  ASSERT_TRUE(std::holds_alternative<SessionInfo>(payouts));
  EXPECT_TRUE(std::get<SessionInfo>(payouts).write);
  // No key where reads need one, and a wrong key: 401.
  auto none = auth.session(Request{});
  ASSERT_TRUE(std::holds_alternative<Response>(none));
  EXPECT_EQ(std::get<Response>(none).status, 401u);
  auto wrong = auth.session(with_header("X-Api-Key", "nope"));
  ASSERT_TRUE(std::holds_alternative<Response>(wrong));
  EXPECT_EQ(std::get<Response>(wrong).status, 401u);
}

TEST(ApiKeyAuth, SessionWithOpenReadsStillRejectsAWrongKey) {
  ApiKeyAuth auth({key("demo", "w", {"read", "write"})}, true);
  auto anonymous = auth.session(Request{});
  ASSERT_TRUE(std::holds_alternative<SessionInfo>(anonymous));
  EXPECT_FALSE(std::get<SessionInfo>(anonymous).key);
  EXPECT_TRUE(std::get<SessionInfo>(anonymous).read);
  EXPECT_FALSE(std::get<SessionInfo>(anonymous).write);
  EXPECT_FALSE(std::get<SessionInfo>(anonymous).keys_required);
  auto writer = auth.session(with_header("X-Api-Key", "w"));
  ASSERT_TRUE(std::holds_alternative<SessionInfo>(writer));
  EXPECT_TRUE(std::get<SessionInfo>(writer).write);
  auto wrong = auth.session(with_header("X-Api-Key", "nope"));
  ASSERT_TRUE(std::holds_alternative<Response>(wrong));
  EXPECT_EQ(std::get<Response>(wrong).status, 401u);
}

// A keep-alive connection's memo: the key it presented last is remembered so its next request
// skips the hash, and the memo never lets anything else through.
Request on_connection(CallerMemo& memo, std::string value) {
  Request request = with_header("Authorization", "Bearer " + std::move(value));
  request.caller_memo = &memo;
  return request;
}

TEST(ApiKeyAuth, AConnectionRemembersTheKeyItPresentedAndNothingElse) {
  ApiKeyAuth auth({key("dash", "r", {"read"}), key("payouts", "w", {"read", "write"})});
  CallerMemo memo;
  EXPECT_FALSE(auth.check(on_connection(memo, "r"), Scope::read));
  EXPECT_EQ(memo.presented, "r");
  EXPECT_NE(memo.auth, 0u);
  EXPECT_FALSE(auth.check(on_connection(memo, "r"), Scope::read));
  // The remembered key keeps its own scopes.
  auto refusal = auth.check(on_connection(memo, "r"), Scope::write);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 403u);
  // Another key on the same connection is checked on its own: a wrong one stays wrong and is
  // not remembered, a valid one replaces the memo.
  auto wrong = auth.check(on_connection(memo, "rr"), Scope::read);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401u);
  EXPECT_EQ(memo.presented, "r");
  EXPECT_FALSE(auth.check(on_connection(memo, "w"), Scope::write));
  EXPECT_EQ(memo.presented, "w");
  EXPECT_EQ(auth.key_name(on_connection(memo, "w")), "payouts");
}

TEST(ApiKeyAuth, ARevokedKeyFailsOnAConnectionThatRememberedIt) {
  CallerMemo memo;
  {
    ApiKeyAuth before({key("dash", "r", {"read"})});
    EXPECT_FALSE(before.check(on_connection(memo, "r"), Scope::read));
  }
  // A reload makes a new key set; the same index now names another key.
  ApiKeyAuth after({key("other", "x", {"read"})});
  auto refusal = after.check(on_connection(memo, "r"), Scope::read);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 401u);
  EXPECT_FALSE(after.check(on_connection(memo, "x"), Scope::read));
}

TEST(ApiKeyAuth, ForgettingWipesTheRememberedKey) {
  ApiKeyAuth auth({key("dash", "s3cret-read-key", {"read"})});
  CallerMemo memo;
  EXPECT_FALSE(auth.check(on_connection(memo, "s3cret-read-key"), Scope::read));
  memo.forget();
  EXPECT_TRUE(memo.presented.empty());
  EXPECT_EQ(memo.auth, 0u);
  EXPECT_FALSE(auth.check(on_connection(memo, "s3cret-read-key"), Scope::read));
}

}  // namespace
}  // namespace coinfan::http
