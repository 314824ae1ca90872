#include "api/routes.hpp"

#include <utility>

#include "api/record_routes.hpp"
#include "api/write_routes.hpp"
#include "api/view_routes.hpp"

namespace coinfan::api {

void add_api_routes(http::Router& router, std::shared_ptr<aggregate::Views> views,
                    std::shared_ptr<records::RecordsService> records,
                    std::shared_ptr<writes::WriteService> writes,
                    std::shared_ptr<Representations> representations) {
  if (!representations) representations = std::make_shared<Representations>();
  add_view_routes(router, std::move(views), representations);
  add_record_routes(router, std::move(records), std::move(representations));
  add_write_routes(router, std::move(writes));
}

}  // namespace coinfan::api
