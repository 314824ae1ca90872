#include "app/routes.hpp"

#include "coinfan/http/server.hpp"

namespace coinfan::app {

void add_operational_routes(http::Router& router, const http::Server& server) {
  router.add("GET", "/healthz", http::sync_handler([](const http::Request&) {
               return http::json_response(200, R"({"status":"ok"})");
             }));
  router.add("GET", "/readyz", http::sync_handler([&server](const http::Request&) {
               if (server.draining()) {
                 auto response = http::problem(503, "draining", "the service is shutting down");
                 response.close_connection = true;
                 return response;
               }
               return http::json_response(200, R"({"status":"ready"})");
             }));
  router.add("GET", "/openapi.yaml", http::sync_handler([](const http::Request&) {
               http::Response response;
               response.content_type = "application/yaml";
               response.shared_body = std::make_shared<const std::string>(openapi_yaml);
               return response;
             }));
}

}  // namespace coinfan::app
