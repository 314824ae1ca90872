#pragma once
// The write endpoints: POST /v1/gateways/{id}/transfers, /swaps/quote, /swaps and
// /deposits/rescan. Handlers check the content type, parse and validate the body
// (writes/input.hpp), ask the write service and map its answer (responses.hpp).

#include <memory>

#include "coinfan/http/router.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::api {

// `service` is kept alive by the routes.
void add_write_routes(http::Router& router, std::shared_ptr<writes::WriteService> service);

}  // namespace coinfan::api
