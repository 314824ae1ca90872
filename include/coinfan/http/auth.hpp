#pragma once
// Caller authentication by API key: `Authorization: Bearer <key>` or `X-Api-Key: <key>`,
// checked against the SHA-256 of each configured key. Reads need scope `read` once any key is
// configured; writes always need scope `write`.

#include <optional>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::http {

enum class Scope { read, write };

class ApiKeyAuth {
 public:
  explicit ApiKeyAuth(std::vector<config::ApiKey> keys);

  // nullopt when the request may proceed; otherwise the 401/403 problem to answer.
  std::optional<Response> check(const Request& request, Scope scope) const;
  // The handler, behind check().
  Handler protect(Scope scope, Handler handler) const;

 private:
  std::vector<config::ApiKey> keys_;
};

}  // namespace coinfan::http
