// The request target as the server splits it (path, '?', query), the router over the service's
// real /v1/ route table, and the API's query parsers (views, records, record lookups).

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "api/record_query.hpp"
#include "api/routes.hpp"
#include "api/view_query.hpp"
#include "coinfan/core/query_string.hpp"
#include "coinfan/http/router.hpp"
#include "fuzz_support.hpp"

using namespace coinfan;

namespace {

const http::Router& api_router() {
  static const auto router = [] {
    auto built = std::make_unique<http::Router>();
    // The handlers are never called here: only the route table is used.
    api::add_api_routes(*built, nullptr, nullptr, nullptr);
    return built;
  }();
  return *router;
}

const std::vector<std::string> known_gateways = {"ccp-legacy", "ccp-main", "cloud", "kuna", "trubit"};
const std::vector<records::RecordGatewayInfo> record_gateways = {
    {"ccp-main", "ccpayment-v2", true}, {"ccp-two", "ccpayment-v2", true}, {"cloud", "cryptocloud", false}};

bool sorted_unique(const std::vector<std::string>& items) {
  return std::is_sorted(items.begin(), items.end()) &&
         std::adjacent_find(items.begin(), items.end()) == items.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string target(fuzz::as_text(data, size));
  const auto question = target.find('?');
  const std::string_view raw_path = std::string_view(target).substr(0, question);
  const std::string query = question == std::string::npos ? std::string() : target.substr(question + 1);

  // The query parsers see every query, whatever the path.
  if (auto view = api::parse_view_query(query, known_gateways)) {
    FUZZ_CHECK(sorted_unique(view->gateways) && sorted_unique(view->assets));
    for (const auto& g : view->gateways) {
      FUZZ_CHECK(std::find(known_gateways.begin(), known_gateways.end(), g) != known_gateways.end());
    }
    for (const auto& a : view->assets) FUZZ_CHECK(!a.empty() && a.size() <= 32);
  }
  (void)api::parse_view_query(query, known_gateways, false);
  if (auto records = api::parse_record_query(query, record_gateways)) {
    FUZZ_CHECK(!records->kinds.empty());
    FUZZ_CHECK(!records->gateways.empty());
    FUZZ_CHECK(records->limit >= 1);
    for (const auto& g : records->gateways) FUZZ_CHECK(g == "ccp-main" || g == "ccp-two");
  }
  for (const bool with_id : {false, true}) {
    std::optional<std::string> record_id;
    if (with_id) record_id = std::string(raw_path.substr(raw_path.rfind('/') + 1));
    if (auto lookup = api::parse_record_lookup(query, record_id)) {
      FUZZ_CHECK(lookup->record_id.has_value() != lookup->order_id.has_value());
    }
  }

  if (!raw_path.starts_with('/')) return 0;
  (void)percent_decode(raw_path, false);
  const auto& router = api_router();
  const auto get = router.match("GET", raw_path);
  const auto head = router.match("HEAD", raw_path);
  FUZZ_CHECK(get.outcome == head.outcome);  // HEAD is served by the GET handler
  for (const char* method : {"POST", "DELETE", "PUT", "OPTIONS"}) {
    const auto match = router.match(method, raw_path);
    if (match.outcome == http::Router::Outcome::method_not_allowed) FUZZ_CHECK(!match.allow.empty());
    if (match.outcome == http::Router::Outcome::found) FUZZ_CHECK(match.handler != nullptr);
    // A path that exists for one method exists for all: never 404 for one and 200/405 for another.
    FUZZ_CHECK((match.outcome == http::Router::Outcome::not_found) ==
               (get.outcome == http::Router::Outcome::not_found));
  }
  if (get.outcome == http::Router::Outcome::found) {
    FUZZ_CHECK(get.handler != nullptr);
    for (const auto& [name, value] : get.params) FUZZ_CHECK(!value.empty());
    const auto id = get.params.find("record_id");
    if (id != get.params.end()) (void)api::parse_record_lookup(query, id->second);
  }
  return 0;
}
