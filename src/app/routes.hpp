#pragma once
// The operational endpoints every instance serves: health, readiness and the API description;
// the caller's session under /v1/; and the built-in dashboard.

#include <cstddef>
#include <memory>
#include <string_view>

#include "coinfan/http/auth.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::http {
class Server;
}

namespace coinfan::app {

// `server` must outlive the router: readiness reads its draining state.
void add_operational_routes(http::Router& router, const http::Server& server);

// GET /v1/session: the presented key's name and effective scopes, and whether reads need a
// key (the dashboard asks before it shows a key form or the write actions).
void add_session_route(http::Router& router, std::shared_ptr<const http::ApiKeyAuth> auth);

// GET / (dashboard/index.html) and GET /dashboard/<file> for every other file of dashboard/,
// compiled in, under a strict Content-Security-Policy. Nothing when dashboard/ has no files.
void add_dashboard_routes(http::Router& router);

// The OpenAPI document, embedded at build time.
extern const char* const openapi_yaml;

// The files of dashboard/, embedded at build time.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};
extern const EmbeddedFile* const dashboard_files;
extern const std::size_t dashboard_file_count;

}  // namespace coinfan::app
