#pragma once
// The read endpoints over the merged views: GET /v1/balances, /v1/prices, /v1/coins and
// /v1/gateways. Handlers only parse the query, ask the views and hand over their bytes.

#include <memory>

#include "coinfan/aggregate/views.hpp"
#include "coinfan/http/message.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::api {

// `views` is kept alive by the routes.
void add_view_routes(http::Router& router, std::shared_ptr<aggregate::Views> views);

// The HTTP response for a view answer: the cached bytes are shared, not copied; answers from
// the cache carry `Age` (whole seconds since the oldest data in them was fetched).
http::Response to_response(const aggregate::ViewAnswer& answer);

}  // namespace coinfan::api
