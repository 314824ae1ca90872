#pragma once
// The operational endpoints every instance serves: health, readiness and the API description.

#include "coinfan/http/router.hpp"

namespace coinfan::http {
class Server;
}

namespace coinfan::app {

// `server` must outlive the router: readiness reads its draining state.
void add_operational_routes(http::Router& router, const http::Server& server);

// The OpenAPI document, embedded at build time.
extern const char* const openapi_yaml;

}  // namespace coinfan::app
