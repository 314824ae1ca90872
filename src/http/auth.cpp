#include "coinfan/http/auth.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/hash.hpp"

namespace coinfan::http {

namespace {

std::optional<std::string_view> presented_key(const Request& request) {
  if (auto header = request.header("Authorization")) {
    std::string_view value = *header;
    constexpr std::string_view bearer = "Bearer ";
    if (value.size() > bearer.size() && ascii::iequals(value.substr(0, bearer.size()), bearer)) {
      return value.substr(bearer.size());
    }
  }
  if (auto header = request.header("X-Api-Key"); header && !header->empty()) return header;
  return std::nullopt;
}

Response unauthorized(std::string_view detail) {
  auto response = problem(401, "unauthorized", detail);
  response.set_header("WWW-Authenticate", "Bearer");
  return response;
}

std::uint64_t next_generation() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

ApiKeyAuth::ApiKeyAuth(std::vector<config::ApiKey> keys, bool open_reads)
    : keys_(std::move(keys)), open_reads_(open_reads), generation_(next_generation()) {
  // Decoded once; a configured digest that is not 64 hex digits matches nothing.
  for (const auto& key : keys_) digests_.push_back(hash::sha256_from_hex(key.sha256_hex));
}

const config::ApiKey* ApiKeyAuth::match(std::string_view presented) const {
  const auto digest = hash::sha256(presented);
  if (!digest) return nullptr;
  const std::string_view presented_digest(reinterpret_cast<const char*>(digest->data()), digest->size());
  const config::ApiKey* found = nullptr;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    // Every configured key is compared, in constant time, so timing says nothing about which.
    if (!digests_[i]) continue;
    const std::string_view configured(reinterpret_cast<const char*>(digests_[i]->data()), digests_[i]->size());
    if (hash::constant_time_equal(presented_digest, configured) && found == nullptr) found = &keys_[i];
  }
  return found;
}

const config::ApiKey* ApiKeyAuth::match(const Request& request, std::string_view presented) const {
  CallerMemo* memo = request.caller_memo;
  if (memo != nullptr && memo->auth == generation_ && memo->key < keys_.size() &&
      hash::constant_time_equal(presented, memo->presented)) {
    return &keys_[memo->key];
  }
  const config::ApiKey* found = match(presented);
  if (found != nullptr && memo != nullptr) {
    memo->forget();
    memo->auth = generation_;
    memo->presented.assign(presented);
    memo->key = static_cast<std::size_t>(found - keys_.data());
  }
  return found;
}

std::optional<std::string> ApiKeyAuth::key_name(const Request& request) const {
  const auto key = presented_key(request);
  if (!key) return std::nullopt;
  const auto* found = match(request, *key);
  if (found == nullptr) return std::nullopt;
  return found->name;
}

std::optional<Response> ApiKeyAuth::check(const Request& request, Scope scope) const {
  if (scope == Scope::read && (keys_.empty() || open_reads_)) return std::nullopt;
  const auto key = presented_key(request);
  if (!key) {
    return unauthorized(scope == Scope::write && keys_.empty()
                            ? "writes need an API key with scope write, and none is configured"
                            : "an API key is required (Authorization: Bearer <key> or X-Api-Key)");
  }
  const config::ApiKey* match = this->match(request, *key);
  if (match == nullptr) return unauthorized("the API key is not valid");
  const std::string_view needed = scope == Scope::write ? "write" : "read";
  if (std::find(match->scopes.begin(), match->scopes.end(), needed) == match->scopes.end()) {
    return problem(403, "forbidden", "the API key lacks scope " + std::string(needed));
  }
  return std::nullopt;
}

std::variant<SessionInfo, Response> ApiKeyAuth::session(const Request& request) const {
  SessionInfo info;
  info.keys_required = !keys_.empty() && !open_reads_;
  if (const auto key = presented_key(request)) {
    const config::ApiKey* found = match(request, *key);
    if (found == nullptr) return unauthorized("the API key is not valid");
    info.key = found->name;
  }
  info.read = !check(request, Scope::read).has_value();
  info.write = !check(request, Scope::write).has_value();
  if (!info.read) return *check(request, Scope::read);
  return info;
}

namespace {
// A named coroutine: everything it needs is a parameter, so nothing dangles across co_await.
boost::asio::awaitable<Response> guarded(std::shared_ptr<const ApiKeyAuth> auth, Scope scope,
                                         std::shared_ptr<const Handler> handler, const Request& request) {
  if (auto refusal = auth->check(request, scope)) co_return std::move(*refusal);
  if (scope == Scope::write) {
    // Writes are rare and audited by key name: a copy of the request carries it.
    Request named = request;
    named.api_key_name = auth->key_name(request).value_or("");
    co_return co_await (*handler)(named);
  }
  co_return co_await (*handler)(request);
}
}  // namespace

Handler ApiKeyAuth::protect(Scope scope, Handler handler) const {
  auto auth = std::make_shared<const ApiKeyAuth>(*this);
  auto inner = std::make_shared<const Handler>(std::move(handler));
  return [auth, scope, inner](const Request& request) { return guarded(auth, scope, inner, request); };
}

}  // namespace coinfan::http
