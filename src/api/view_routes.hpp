#pragma once
// The read endpoints over the merged views: GET /v1/balances, /v1/prices, /v1/coins and
// /v1/gateways. Handlers only parse the query, ask the views and map the answer to HTTP.

#include <memory>

#include "coinfan/aggregate/views.hpp"
#include "api/representation.hpp"
#include "coinfan/http/router.hpp"

namespace coinfan::api {

// `Cache-Control` of the cached views: private, fresh for `cache.fresh` (counted with the `Age`
// the answer carries), then usable while revalidating until `cache.stale`.
std::string view_cache_control(const config::CacheConfig& cache);

// `views` is kept alive by the routes. Answers are finished by `representations` (ETag, 304,
// gzip, Cache-Control); a new one when none is given.
void add_view_routes(http::Router& router, std::shared_ptr<aggregate::Views> views,
                     std::shared_ptr<Representations> representations = nullptr);

}  // namespace coinfan::api
