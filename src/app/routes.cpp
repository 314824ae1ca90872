#include "app/routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>

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

void add_session_route(http::Router& router, std::shared_ptr<const http::ApiKeyAuth> auth) {
  router.add("GET", "/v1/session", http::sync_handler([auth](const http::Request& request) {
               if (!request.query.empty()) {
                 return http::problem(400, "invalid_argument", "GET /v1/session takes no query parameters");
               }
               auto session = auth->session(request);
               if (auto* refused = std::get_if<http::Response>(&session)) return std::move(*refused);
               const auto& info = std::get<http::SessionInfo>(session);
               boost::json::array scopes;
               if (info.read) scopes.emplace_back("read");
               if (info.write) scopes.emplace_back("write");
               boost::json::object body;
               body["key"] = info.key ? boost::json::value(*info.key) : boost::json::value(nullptr);
               body["scopes"] = std::move(scopes);
               body["keys_required"] = info.keys_required;
               auto response = http::json_response(200, boost::json::serialize(body));
               response.set_header("Cache-Control", "no-store");
               return response;
             }));
}

namespace {

// The page reads only this origin's API; nothing inline, nothing from elsewhere.
constexpr std::string_view dashboard_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view content_type_of(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

http::Handler file_handler(const EmbeddedFile& file) {
  auto body = std::make_shared<const std::string>(file.content);
  const std::string type(content_type_of(file.name));
  return http::sync_handler([body, type](const http::Request&) {
    http::Response response;
    response.content_type = type;
    response.shared_body = body;
    // Revalidated on every load: a new binary serves a new page at once.
    response.set_header("Cache-Control", "no-cache");
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("Content-Security-Policy", std::string(dashboard_policy));
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("X-Frame-Options", "DENY");
    return response;
  });
}

}  // namespace

void add_dashboard_routes(http::Router& router) {
  for (std::size_t i = 0; i < dashboard_file_count; ++i) {
    const EmbeddedFile& file = dashboard_files[i];
    if (file.name == "index.html") {
      router.add("GET", "/", file_handler(file));
    } else {
      router.add("GET", "/dashboard/" + std::string(file.name), file_handler(file));
    }
  }
}

}  // namespace coinfan::app
