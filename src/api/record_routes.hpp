#pragma once
// The record endpoints: GET /v1/records, GET /v1/gateways/{id}/transfers/{record_id},
// GET /v1/gateways/{id}/transfers (?order_id=), GET /v1/gateways/{id}/swaps/{record_id},
// GET /v1/gateways/{id}/swaps (?order_id=). Handlers parse, ask the service, map the answer.

#include <memory>

#include "api/representation.hpp"
#include "coinfan/http/router.hpp"
#include "coinfan/records/service.hpp"

namespace coinfan::api {

// `service` is kept alive by the routes.
void add_record_routes(http::Router& router, std::shared_ptr<records::RecordsService> service,
                     std::shared_ptr<Representations> representations = nullptr);

}  // namespace coinfan::api
