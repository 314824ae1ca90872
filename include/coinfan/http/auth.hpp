#pragma once
// Caller authentication by API key: `Authorization: Bearer <key>` or `X-Api-Key: <key>`,
// checked against the SHA-256 of each configured key. Reads need scope `read` once any key is
// configured; writes always need scope `write`.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::http {

enum class Scope { read, write };

// What a caller may do with what it presents (GET /v1/session).
struct SessionInfo {
  std::optional<std::string> key;   // the configured name of the presented key
  bool read = false;                // reads would be let through
  bool write = false;               // writes would be let through
  bool keys_required = false;       // reads need a key
};

class ApiKeyAuth {
 public:
  // `open_reads`: reads need no key even when keys are configured (the demo's write key).
  explicit ApiKeyAuth(std::vector<config::ApiKey> keys, bool open_reads = false);

  // nullopt when the request may proceed; otherwise the 401/403 problem to answer.
  std::optional<Response> check(const Request& request, Scope scope) const;
  // The configured name of the key the request presents, when it is a valid one.
  std::optional<std::string> key_name(const Request& request) const;
  // The caller's session; a presented key that matches none is a 401 even where reads are
  // open (a caller that sends a key wants to know it works).
  std::variant<SessionInfo, Response> session(const Request& request) const;
  // The handler, behind check(). A write's handler sees the key's name in api_key_name.
  Handler protect(Scope scope, Handler handler) const;

 private:
  // The configured key `presented` is, through the request's connection memo when it knows it.
  const config::ApiKey* match(const Request& request, std::string_view presented) const;
  const config::ApiKey* match(std::string_view presented) const;

  std::vector<config::ApiKey> keys_;
  std::vector<std::optional<hash::Sha256Digest>> digests_;  // keys_[i]'s, decoded
  bool open_reads_ = false;
  std::uint64_t generation_ = 0;  // names this key set in a connection's CallerMemo
};

}  // namespace coinfan::http
