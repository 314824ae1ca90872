#pragma once
// The read endpoints over the merged views: GET /v1/balances, /v1/prices, /v1/coins and
// /v1/gateways. Handlers only parse the query, ask the views and map the answer to HTTP.

#include <memory>

#include "coinfan/aggregate/views.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::api {

// `views` is kept alive by the routes.
void add_view_routes(http::Router& router, std::shared_ptr<aggregate::Views> views);

}  // namespace coinfan::api
