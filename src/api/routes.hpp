#pragma once
// Every /v1/ route of the API: the views (balances, prices, coins, gateways), the records
// (list and lookups) and the writes. app/ wires them next to its operational routes.

#include <memory>

#include "api/representation.hpp"
#include "coinfan/aggregate/views.hpp"
#include "coinfan/http/router.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/writes/service.hpp"

namespace coinfan::api {

void add_api_routes(http::Router& router, std::shared_ptr<aggregate::Views> views,
                    std::shared_ptr<records::RecordsService> records,
                    std::shared_ptr<writes::WriteService> writes,
                    std::shared_ptr<Representations> representations = nullptr);

}  // namespace coinfan::api
