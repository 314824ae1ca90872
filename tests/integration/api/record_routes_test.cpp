// GET /v1/records and the record lookups over real HTTP on loopback, against two simulated
// CCPayment v2 accounts (137 transfers involving the user, 122 swaps of which 61 are the
// user's, times interleaved and sometimes equal across accounts) through the real adapters.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "api/record_routes.hpp"
#include "coinfan/gateways/gateway.hpp"
#include "coinfan/http/server.hpp"
#include "coinfan/records/service.hpp"
#include "coinfan/sim/simulator.hpp"
#include "gateways/ccpayment_v2/simulator.hpp"
#include "support/http_test_client.hpp"
#include "gateways/ccpayment_v2/record_id.hpp"
#include "gateways/providers.hpp"

namespace coinfan::records::records_api_test {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using gateways::ccpayment_v2::time_from_record_id;
using sim::Fault;

const std::string alice = "user-alice-1001";
const std::string bob = "user-bob-2002";
const std::chrono::sys_seconds history_start = std::chrono::sys_days{std::chrono::year{2025} / 3 / 1};

std::string rfc3339(std::chrono::sys_seconds time) {
  return format_rfc3339_utc(std::chrono::time_point_cast<std::chrono::milliseconds>(time));
}

struct HttpAnswer {
  unsigned status = 0;
  std::string content_type;
  json::value body;
};

std::string text(const json::value& value) { return value.is_string() ? std::string(value.as_string()) : std::string(); }

// What the API must list: taken from the simulators' own stores.
struct ExpectedRecord {
  std::string gateway;
  std::string kind;
  std::string id;
  std::optional<std::chrono::sys_seconds> time;
};

bool newer_first(const ExpectedRecord& a, const ExpectedRecord& b) {
  if (a.time != b.time) {
    if (!a.time) return true;
    if (!b.time) return false;
    return *a.time > *b.time;
  }
  if (a.id != b.id) return a.id > b.id;
  if (a.gateway != b.gateway) return a.gateway < b.gateway;
  return a.kind == "transfer" && b.kind == "swap";
}

std::string key_of(const ExpectedRecord& r) { return r.gateway + "/" + r.kind + "/" + r.id; }
std::string key_of(const json::value& record) {
  return text(record.at("gateway")) + "/" + text(record.at("kind")) + "/" + text(record.at("id"));
}

struct ExpectedFilter {
  std::optional<std::string> user;
  bool transfers = true;
  bool swaps = true;
  std::optional<std::chrono::sys_seconds> since;  // inclusive
  std::optional<std::chrono::sys_seconds> until;  // exclusive
  std::set<std::string> gateways;                 // empty: all
};

ExpectedFilter all_of_user(std::string user) {
  ExpectedFilter filter;
  filter.user = std::move(user);
  return filter;
}

// Two (or more) simulated CCPayment v2 accounts and a gateway without records, the real
// adapters, the records service and the HTTP server, all on loopback and one io_context.
class RecordsRig {
 public:
  RecordsRig() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 3; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  // Everything runs on the one io_context, as in the service: nothing can hold work on an
  // io_context that is already gone. It is stopped first and destroyed last.
  ~RecordsRig() {
    if (server_) {
      server_->begin_drain();
      server_->close_all();
    }
    for (auto& account : accounts_) account.simulator->stop();
    if (cloud_) cloud_->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    server_.reset();
    router_.reset();
    service_.reset();
    gateways_.clear();
    accounts_.clear();
    cloud_.reset();
  }

  sim::CcpaymentV2Provider& add_account(std::string id, std::string app_id, std::chrono::milliseconds timeout = 5000ms) {
    auto account = sim::demo_ccpayment_v2_account();
    account.app_id = std::move(app_id);
    account.app_secret = "secret-of-" + id;
    auto provider = std::make_shared<sim::CcpaymentV2Provider>(account);
    Account entry{id, provider, sim::Simulator::start(io_, provider), timeout};
    accounts_.push_back(std::move(entry));
    return *provider;
  }

  void add_gateway_without_records() { cloud_ = sim::Simulator::start(io_, gateways::cryptocloud::type); }

  void start() {
    RecordsOptions options;
    options.cursor_key = "records-api-test-key";
    for (auto& account : accounts_) {
      auto config = account.simulator->gateway_config(account.id);
      config.timeout = account.timeout;
      config.retries = 0;  // every injected fault costs exactly one call
      add_gateway(config);
      options.timeouts[account.id] = account.timeout;
    }
    if (cloud_) add_gateway(cloud_->gateway_config("cloud"));
    service_ = make_records_service(gateways_, io_.get_executor(), std::move(options));
    router_ = std::make_shared<http::Router>();
    api::add_record_routes(*router_, service_);
    server_ = std::make_unique<http::Server>(io_, http::ServerOptions{}, router_);
    server_->start();
  }

  HttpAnswer get(const std::string& target) {
    testing::RawConnection connection(server_->port());
    connection.send(testing::get_request(target, "Connection: close\r\n"));
    auto response = connection.read_response();
    HttpAnswer answer;
    if (!response) {
      ADD_FAILURE() << "no response to " << target;
      return answer;
    }
    answer.status = response->result_int();
    answer.content_type = std::string((*response)[boost::beast::http::field::content_type]);
    boost::system::error_code ec;
    answer.body = json::parse(response->body(), ec);
    EXPECT_FALSE(ec) << response->body();
    return answer;
  }

  sim::Simulator& simulator(std::size_t index) { return *accounts_.at(index).simulator; }
  sim::CcpaymentV2Provider& provider(std::size_t index) { return *accounts_.at(index).provider; }

  std::vector<ExpectedRecord> expected(const ExpectedFilter& filter) const {
    std::vector<ExpectedRecord> out;
    auto in_window = [&](std::chrono::sys_seconds time) {
      return (!filter.since || time >= *filter.since) && (!filter.until || time < *filter.until);
    };
    for (const auto& account : accounts_) {
      if (!filter.gateways.empty() && !filter.gateways.contains(account.id)) continue;
      if (filter.transfers) {
        for (const auto& r : account.provider->transfer_records()) {
          if (filter.user && r.from_user_id != *filter.user && r.to_user_id != *filter.user) continue;
          const auto time = time_from_record_id(r.record_id);
          if (time && !in_window(*time)) continue;
          out.push_back({account.id, "transfer", r.record_id, time});
        }
      }
      if (filter.swaps) {
        for (const auto& r : account.provider->swap_records()) {
          if (filter.user && r.user_id != *filter.user) continue;
          if (!in_window(r.created_at)) continue;
          out.push_back({account.id, "swap", r.record_id, r.created_at});
        }
      }
    }
    std::stable_sort(out.begin(), out.end(), newer_first);
    return out;
  }

 private:
  struct Account {
    std::string id;
    std::shared_ptr<sim::CcpaymentV2Provider> provider;
    std::unique_ptr<sim::Simulator> simulator;
    std::chrono::milliseconds timeout{5000};
  };

  void add_gateway(const config::GatewayConfig& config) {
    auto gateway = gateways::make_gateway(config, gateways::GatewayEnvironment{io_.get_executor()});
    ASSERT_TRUE(gateway.ok()) << gateway.error().detail;
    gateways_.push_back(std::move(*gateway));
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::vector<Account> accounts_;
  std::unique_ptr<sim::Simulator> cloud_;
  std::vector<std::shared_ptr<gateways::Gateway>> gateways_;
  std::shared_ptr<RecordsService> service_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
};

// Account "ccp-a": 70 transfers and 64 swaps one minute apart; "ccp-b": 67 transfers and 58
// swaps 45 s apart, ending at the same instant (so every third minute both have a record in
// the same second). Transfers alternate alice -> bob and bob -> alice; swaps alternate users.
void seed_two_accounts(RecordsRig& rig) {
  auto& a = rig.add_account("ccp-a", "202501010000000000000000000000aaa");
  auto& b = rig.add_account("ccp-b", "202501010000000000000000000000bbb");
  sim::CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.first_at = history_start;
  spec.transfers = 70;
  spec.swaps = 64;
  spec.spacing = 60s;
  spec.order_prefix = "a";
  a.seed_history(spec);
  spec.transfers = 67;
  spec.swaps = 58;
  spec.spacing = 45s;
  spec.first_at = history_start + 133 * 60s - 124 * 45s;
  spec.order_prefix = "b";
  b.seed_history(spec);
}

struct Walk {
  std::vector<json::value> records;
  std::vector<json::value> pages;
};

// Follows next_cursor from `query` (no cursor) to the end.
Walk walk(RecordsRig& rig, const std::string& query, std::size_t max_pages = 1000) {
  Walk out;
  std::optional<std::string> cursor;
  for (std::size_t n = 0; n < max_pages; ++n) {
    auto answer = rig.get("/v1/records?" + query + (cursor ? "&cursor=" + *cursor : std::string()));
    EXPECT_EQ(answer.status, 200u) << json::serialize(answer.body);
    if (answer.status != 200) break;
    for (const auto& record : answer.body.at("records").as_array()) out.records.push_back(record);
    out.pages.push_back(answer.body);
    const auto& next = answer.body.at("next_cursor");
    if (next.is_null()) return out;
    cursor = text(next);
  }
  ADD_FAILURE() << "walk did not end";
  return out;
}

std::vector<std::string> keys(const std::vector<json::value>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(key_of(r));
  return out;
}

std::vector<std::string> keys(const std::vector<ExpectedRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(key_of(r));
  return out;
}

const json::object& gateway_status(const json::value& page, std::string_view id) {
  for (const auto& entry : page.at("gateways").as_array()) {
    if (text(entry.at("id")) == id) return entry.as_object();
  }
  static const json::object none;
  ADD_FAILURE() << "no status for " << id;
  return none;
}

TEST(RecordsApi, WalkAtLimitSevenYieldsEveryRecordOnceInOrder) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  const auto expected = rig.expected(all_of_user(alice));
  std::size_t transfers = 0, swaps = 0;
  for (const auto& r : expected) (r.kind == "transfer" ? transfers : swaps)++;
  ASSERT_EQ(transfers, 137u);
  ASSERT_EQ(swaps, 61u);

  const auto result = walk(rig, "user_id=" + alice + "&limit=7");
  EXPECT_EQ(keys(result.records), keys(expected));
  ASSERT_EQ(result.pages.size(), (198u + 6) / 7);
  for (std::size_t i = 0; i < result.pages.size(); ++i) {
    const auto& page = result.pages[i];
    EXPECT_EQ(page.at("complete"), true);
    EXPECT_EQ(page.at("records").as_array().size(), i + 1 < result.pages.size() ? 7u : 198u % 7);
    EXPECT_EQ(page.at("next_cursor").is_null(), i + 1 == result.pages.size());
    for (const auto* id : {"ccp-a", "ccp-b"}) {
      const auto& status = gateway_status(page, id);
      EXPECT_EQ(status.at("status"), "ok");
      EXPECT_EQ(status.at("type"), "ccpayment-v2");
      EXPECT_EQ(status.at("cached"), false);
    }
  }
  // Times are newest first on every page and across pages.
  std::string previous;
  for (const auto& record : result.records) {
    const auto created = text(record.at("created_at"));
    if (!previous.empty()) {
      EXPECT_LE(created, previous);
    }
    previous = created;
  }
}

TEST(RecordsApi, RecordsAreNormalised) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  const auto page = rig.get("/v1/records?user_id=" + alice + "&limit=200");
  ASSERT_EQ(page.status, 200u);
  const auto transfers = rig.provider(0).transfer_records();
  const auto swaps = rig.provider(1).swap_records();
  bool saw_transfer = false, saw_swap = false;
  for (const auto& record : page.body.at("records").as_array()) {
    if (!saw_transfer && record.at("kind") == "transfer" && record.at("gateway") == "ccp-a") {
      const auto it = std::find_if(transfers.begin(), transfers.end(), [&](const auto& t) { return t.record_id == text(record.at("id")); });
      ASSERT_NE(it, transfers.end());
      EXPECT_EQ(text(record.at("order_id")), it->order_id);
      EXPECT_EQ(text(record.at("amount")), it->amount.to_string());
      EXPECT_EQ(text(record.at("asset")), "USDT");
      EXPECT_EQ(text(record.at("from_user_id")), it->from_user_id);
      EXPECT_EQ(text(record.at("to_user_id")), it->to_user_id);
      EXPECT_EQ(text(record.at("status")), "success");
      EXPECT_EQ(text(record.at("created_at")), rfc3339(it->created_at));
      saw_transfer = true;
    }
    if (!saw_swap && record.at("kind") == "swap" && record.at("gateway") == "ccp-b") {
      const auto it = std::find_if(swaps.begin(), swaps.end(), [&](const auto& s) { return s.record_id == text(record.at("id")); });
      ASSERT_NE(it, swaps.end());
      EXPECT_EQ(text(record.at("user_id")), alice);
      EXPECT_EQ(text(record.at("amount_in")), it->amount_in.to_string());
      EXPECT_EQ(text(record.at("amount_out")), it->amount_out.to_string());
      EXPECT_EQ(text(record.at("net_amount_out")), it->net_amount_out.to_string());
      EXPECT_EQ(text(record.at("fee")), it->fee.to_string());
      EXPECT_EQ(text(record.at("fee_rate")), it->fee_rate.to_string());
      EXPECT_EQ(text(record.at("swap_rate")), it->swap_rate.to_string());
      EXPECT_EQ(text(record.at("asset_in")), "USDT");
      EXPECT_EQ(text(record.at("asset_out")), "TRX");
      EXPECT_EQ(text(record.at("created_at")), rfc3339(it->created_at));
      saw_swap = true;
    }
  }
  EXPECT_TRUE(saw_transfer);
  EXPECT_TRUE(saw_swap);
}

TEST(RecordsApi, FiltersHoldAcrossPages) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  // Window ends on record times of ccp-b's swaps: since is inclusive, until exclusive.
  const auto b_swaps = rig.provider(1).swap_records();
  const auto since = b_swaps.at(10).created_at;
  const auto until = b_swaps.at(40).created_at;
  {
    // Swaps of one gateway in a window, everyone's (no user).
    const auto expected = rig.expected({std::nullopt, false, true, since, until, {"ccp-b"}});
    ASSERT_EQ(expected.size(), 30u);
    EXPECT_EQ(expected.back().id, b_swaps.at(10).record_id);
    const auto result = walk(rig, "kind=swap&gateway=ccp-b&since=" + rfc3339(since) + "&until=" + rfc3339(until) + "&limit=7");
    EXPECT_EQ(keys(result.records), keys(expected));
    EXPECT_GT(result.pages.size(), 1u);
    for (const auto& page : result.pages) {
      ASSERT_EQ(page.at("gateways").as_array().size(), 1u);
      EXPECT_EQ(gateway_status(page, "ccp-b").at("status"), "ok");
    }
  }
  {
    // Transfers only, both gateways, the user's, since the time of one of them.
    const auto from = rig.provider(0).transfer_records().at(15).created_at;
    const auto expected = rig.expected({alice, true, false, from, std::nullopt, {}});
    ASSERT_GT(expected.size(), 7u);
    EXPECT_EQ(expected.back().time, std::optional(from));
    const auto result = walk(rig, "kind=transfer&user_id=" + alice + "&since=" + rfc3339(from) + "&limit=7");
    EXPECT_EQ(keys(result.records), keys(expected));
    for (const auto& record : result.records) EXPECT_EQ(record.at("kind"), "transfer");
  }
  {
    // Bob's swaps only: user_id narrows swaps too.
    const auto expected = rig.expected({bob, false, true, std::nullopt, std::nullopt, {}});
    const auto result = walk(rig, "kind=swap&user_id=" + bob + "&limit=13");
    EXPECT_EQ(keys(result.records), keys(expected));
    EXPECT_EQ(expected.size(), 61u);
  }
}

TEST(RecordsApi, TamperedOrForeignCursorIsRejected) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  const std::string query = "user_id=" + alice + "&limit=7";
  const auto first = rig.get("/v1/records?" + query);
  ASSERT_EQ(first.status, 200u);
  const auto cursor = text(first.body.at("next_cursor"));
  ASSERT_FALSE(cursor.empty());

  auto expect_rejected = [&](const std::string& target) {
    const auto answer = rig.get(target);
    EXPECT_EQ(answer.status, 400u) << target;
    EXPECT_EQ(answer.content_type, "application/problem+json");
    EXPECT_EQ(answer.body.at("code"), "invalid_cursor") << json::serialize(answer.body);
  };
  std::string tampered = cursor;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  expect_rejected("/v1/records?" + query + "&cursor=" + tampered);
  expect_rejected("/v1/records?" + query + "&cursor=" + cursor.substr(0, cursor.size() - 4));
  expect_rejected("/v1/records?" + query + "&cursor=not-a-cursor");
  // The same cursor with other filters.
  expect_rejected("/v1/records?kind=swap&user_id=" + alice + "&limit=7&cursor=" + cursor);
  expect_rejected("/v1/records?user_id=" + bob + "&limit=7&cursor=" + cursor);
  expect_rejected("/v1/records?gateway=ccp-a&user_id=" + alice + "&limit=7&cursor=" + cursor);
  expect_rejected("/v1/records?user_id=" + alice + "&since=2025-03-01T00:00:00Z&limit=7&cursor=" + cursor);
  // The page size is not a filter: resuming with another limit is fine.
  const auto resumed = rig.get("/v1/records?user_id=" + alice + "&limit=20&cursor=" + cursor);
  EXPECT_EQ(resumed.status, 200u);
  EXPECT_EQ(resumed.body.at("records").as_array().size(), 20u);
  // Naming the default selection explicitly is the same query.
  const auto explicit_gateways = rig.get("/v1/records?kind=transfer,swap&gateway=ccp-b,ccp-a&user_id=" + alice + "&cursor=" + cursor);
  EXPECT_EQ(explicit_gateways.status, 200u);
}

TEST(RecordsApi, FailingAccountMidWalkIsReportedAndResumedWhereItStopped) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  const std::string query = "kind=swap&limit=7";
  const auto expected = rig.expected({std::nullopt, false, true, std::nullopt, std::nullopt, {}});
  ASSERT_EQ(expected.size(), 122u);

  std::vector<json::value> seen;
  std::optional<std::string> cursor;
  auto page = [&]() {
    auto answer = rig.get("/v1/records?" + query + (cursor ? "&cursor=" + *cursor : std::string()));
    EXPECT_EQ(answer.status, 200u) << json::serialize(answer.body);
    for (const auto& record : answer.body.at("records").as_array()) seen.push_back(record);
    cursor = answer.body.at("next_cursor").is_null() ? std::nullopt : std::optional(text(answer.body.at("next_cursor")));
    return answer;
  };
  for (int i = 0; i < 2; ++i) EXPECT_EQ(page().body.at("complete"), true);
  std::string last_b_before;
  for (const auto& record : seen) {
    if (record.at("gateway") == "ccp-b") last_b_before = text(record.at("id"));
  }
  ASSERT_FALSE(last_b_before.empty());

  // ccp-b fails: the walk goes on with ccp-a alone, each page marked incomplete.
  rig.simulator(1).inject(Fault::http_status_of(503).on("getUserSwapRecordList"));
  for (int i = 0; i < 3; ++i) {
    const auto answer = page();
    EXPECT_EQ(answer.body.at("complete"), false);
    EXPECT_EQ(answer.body.at("records").as_array().size(), 7u);
    for (const auto& record : answer.body.at("records").as_array()) EXPECT_EQ(record.at("gateway"), "ccp-a");
    const auto& failed = gateway_status(answer.body, "ccp-b");
    EXPECT_EQ(failed.at("status"), "error");
    EXPECT_EQ(failed.at("error").at("code"), "http_status");
    EXPECT_EQ(gateway_status(answer.body, "ccp-a").at("status"), "ok");
    ASSERT_TRUE(cursor);
  }
  rig.simulator(1).clear_faults();

  // ccp-b answers again: its next record is the one after the last it had shown.
  const std::size_t before_resume = seen.size();
  const auto resumed = page();
  EXPECT_EQ(resumed.body.at("complete"), true);
  std::vector<std::string> b_order;
  for (const auto& r : expected) {
    if (r.gateway == "ccp-b") b_order.push_back(r.id);
  }
  const auto last_index = std::find(b_order.begin(), b_order.end(), last_b_before) - b_order.begin();
  std::string first_b_after;
  for (std::size_t i = before_resume; i < seen.size() && first_b_after.empty(); ++i) {
    if (seen[i].at("gateway") == "ccp-b") first_b_after = text(seen[i].at("id"));
  }
  ASSERT_LT(static_cast<std::size_t>(last_index + 1), b_order.size());
  EXPECT_EQ(first_b_after, b_order[static_cast<std::size_t>(last_index + 1)]);

  while (cursor) page();
  auto walked = keys(seen);
  std::multiset<std::string> counted(walked.begin(), walked.end());
  for (const auto& key : keys(expected)) EXPECT_EQ(counted.count(key), 1u) << key;
  EXPECT_EQ(walked.size(), expected.size());
}

TEST(RecordsApi, WholeAccountFailingForAPageIsPickedUpLater) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  const std::string query = "user_id=" + alice + "&limit=7";
  const auto expected = rig.expected(all_of_user(alice));
  std::vector<json::value> seen;
  std::optional<std::string> cursor;
  auto page = [&]() {
    auto answer = rig.get("/v1/records?" + query + (cursor ? "&cursor=" + *cursor : std::string()));
    EXPECT_EQ(answer.status, 200u) << json::serialize(answer.body);
    for (const auto& record : answer.body.at("records").as_array()) seen.push_back(record);
    cursor = answer.body.at("next_cursor").is_null() ? std::nullopt : std::optional(text(answer.body.at("next_cursor")));
    return answer;
  };
  for (int i = 0; i < 4; ++i) page();
  // Every call to ccp-b (its transfers both ways and its swaps) loses its connection.
  rig.simulator(1).inject(Fault::drop_connection().before_handling());
  const auto failed = page();
  EXPECT_EQ(failed.body.at("complete"), false);
  EXPECT_EQ(gateway_status(failed.body, "ccp-b").at("status"), "error");
  for (const auto& record : failed.body.at("records").as_array()) EXPECT_EQ(record.at("gateway"), "ccp-a");
  rig.simulator(1).clear_faults();
  while (cursor) {
    const auto answer = page();
    EXPECT_EQ(answer.body.at("complete"), true);
  }
  auto walked = keys(seen);
  std::multiset<std::string> counted(walked.begin(), walked.end());
  for (const auto& key : keys(expected)) EXPECT_EQ(counted.count(key), 1u) << key;
  EXPECT_EQ(walked.size(), expected.size());
}

TEST(RecordsApi, EveryGatewayFailingIs502WithTheirErrors) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.start();
  rig.simulator(0).inject(Fault::http_status_of(503).on("getUserSwapRecordList"));
  rig.simulator(1).inject(Fault::provider_error_of("11002", "internal error").on("getUserSwapRecordList"));
  const auto answer = rig.get("/v1/records?kind=swap");
  EXPECT_EQ(answer.status, 502u);
  EXPECT_EQ(answer.content_type, "application/problem+json");
  EXPECT_EQ(answer.body.at("code"), "all_gateways_failed");
  EXPECT_EQ(gateway_status(answer.body, "ccp-a").at("error").at("code"), "http_status");
  EXPECT_EQ(gateway_status(answer.body, "ccp-b").at("error").at("code"), "provider_error");
  EXPECT_EQ(gateway_status(answer.body, "ccp-b").at("error").at("provider_code"), "11002");
}

TEST(RecordsApi, SlowGatewayIsCutAtItsOwnTimeout) {
  RecordsRig rig;
  auto& a = rig.add_account("ccp-a", "202501010000000000000000000000aaa");
  rig.add_account("ccp-slow", "202501010000000000000000000000ccc", 300ms);
  sim::CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.first_at = history_start;
  spec.transfers = 4;
  spec.swaps = 10;
  a.seed_history(spec);
  rig.start();
  rig.simulator(1).inject(Fault::latency_of(5000ms).on("getUserSwapRecordList"));
  const auto started = std::chrono::steady_clock::now();
  const auto answer = rig.get("/v1/records?kind=swap");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(answer.status, 200u);
  EXPECT_LT(elapsed, 3000ms);
  EXPECT_EQ(answer.body.at("records").as_array().size(), 10u);
  EXPECT_EQ(answer.body.at("complete"), false);
  const auto& slow = gateway_status(answer.body, "ccp-slow");
  EXPECT_EQ(slow.at("error").at("code"), "timeout");
  EXPECT_FALSE(answer.body.at("next_cursor").is_null());  // the slow one can be resumed
  rig.simulator(1).clear_faults();
}

TEST(RecordsApi, RecordWithoutTimePrefixIsReturnedOnceAfterItsUpstreamPredecessor) {
  RecordsRig rig;
  auto& a = rig.add_account("ccp-a", "202501010000000000000000000000aaa");
  sim::CcpaymentV2HistorySpec spec;
  spec.users = {alice, bob};
  spec.first_at = history_start;
  spec.transfers = 30;
  spec.swaps = 0;
  a.seed_history(spec);
  sim::CcpaymentV2TransferRecord odd;
  odd.record_id = "X-NOPREFIX-0001";
  odd.order_id = "odd-order-1";
  odd.from_user_id = alice;
  odd.to_user_id = bob;
  odd.coin_id = 1280;
  odd.amount = Decimal::from_int(3);
  odd.created_at = history_start + 6min + 30s;  // between the seeded 6th and 7th transfer
  a.add_transfer_record(odd);
  rig.start();

  for (const int limit : {1, 3, 50}) {
    const auto result = walk(rig, "kind=transfer&user_id=" + alice + "&limit=" + std::to_string(limit));
    ASSERT_EQ(result.records.size(), 31u);
    std::size_t position = result.records.size();
    for (std::size_t i = 0; i < result.records.size(); ++i) {
      if (result.records[i].at("id") == "X-NOPREFIX-0001") {
        EXPECT_EQ(position, result.records.size()) << "listed twice";
        position = i;
      }
    }
    ASSERT_LT(position, result.records.size());
    ASSERT_GT(position, 0u);
    EXPECT_TRUE(result.records[position].at("created_at").is_null());
    // Its upstream predecessor in the same list (alice's outgoing transfers) comes right before.
    EXPECT_EQ(text(result.records[position - 1].at("created_at")), rfc3339(history_start + 8min));
    EXPECT_EQ(text(result.records[position + 1].at("created_at")), rfc3339(history_start + 7min));
  }
}

TEST(RecordsApi, LookupsByRecordIdAndOrderId) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.add_gateway_without_records();
  rig.start();
  const auto transfer = rig.provider(0).transfer_records().at(3);
  const auto swap = rig.provider(1).swap_records().at(5);

  auto by_id = rig.get("/v1/gateways/ccp-a/transfers/" + transfer.record_id);
  ASSERT_EQ(by_id.status, 200u) << json::serialize(by_id.body);
  EXPECT_EQ(by_id.body.at("kind"), "transfer");
  EXPECT_EQ(by_id.body.at("gateway"), "ccp-a");
  EXPECT_EQ(text(by_id.body.at("order_id")), transfer.order_id);
  EXPECT_EQ(text(by_id.body.at("amount")), transfer.amount.to_string());
  EXPECT_EQ(text(by_id.body.at("created_at")), rfc3339(transfer.created_at));

  auto by_order = rig.get("/v1/gateways/ccp-a/transfers?order_id=" + transfer.order_id);
  ASSERT_EQ(by_order.status, 200u);
  EXPECT_EQ(text(by_order.body.at("id")), transfer.record_id);

  auto swap_by_id = rig.get("/v1/gateways/ccp-b/swaps/" + swap.record_id);
  ASSERT_EQ(swap_by_id.status, 200u);
  EXPECT_EQ(swap_by_id.body.at("kind"), "swap");
  EXPECT_EQ(text(swap_by_id.body.at("net_amount_out")), swap.net_amount_out.to_string());
  auto swap_by_order = rig.get("/v1/gateways/ccp-b/swaps?order_id=" + swap.order_id);
  ASSERT_EQ(swap_by_order.status, 200u);
  EXPECT_EQ(text(swap_by_order.body.at("id")), swap.record_id);

  // Not found: the record, the gateway, a gateway without records.
  auto missing = rig.get("/v1/gateways/ccp-a/transfers/20250301000000999");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body.at("code"), "not_found");
  // A swap id is not a transfer.
  EXPECT_EQ(rig.get("/v1/gateways/ccp-b/transfers/" + swap.record_id).status, 404u);
  EXPECT_EQ(rig.get("/v1/gateways/ccp-a/swaps?order_id=no-such-order").status, 404u);
  EXPECT_EQ(rig.get("/v1/gateways/nope/transfers/" + transfer.record_id).status, 404u);
  const auto cloud = rig.get("/v1/gateways/cloud/swaps/" + swap.record_id);
  EXPECT_EQ(cloud.status, 404u);
  EXPECT_NE(text(cloud.body.at("detail")).find("cryptocloud"), std::string::npos);
  // Bad input.
  EXPECT_EQ(rig.get("/v1/gateways/ccp-a/transfers").status, 400u);
  EXPECT_EQ(rig.get("/v1/gateways/ccp-a/transfers?order_id=ab").status, 400u);
  EXPECT_EQ(rig.get("/v1/gateways/ccp-a/swaps/" + swap.record_id + "?x=1").status, 400u);
  // Upstream failure: the gateway's error, named.
  rig.simulator(0).inject(Fault::http_status_of(503).on("getUserTransferRecord"));
  const auto failed = rig.get("/v1/gateways/ccp-a/transfers/" + transfer.record_id);
  EXPECT_EQ(failed.status, 502u);
  EXPECT_EQ(failed.body.at("code"), "http_status");
  EXPECT_EQ(failed.body.at("gateway"), "ccp-a");
}

TEST(RecordsApi, BadQueriesAre400) {
  RecordsRig rig;
  seed_two_accounts(rig);
  rig.add_gateway_without_records();
  rig.start();
  for (const std::string target :
       {"/v1/records?kind=transfer", "/v1/records?gateway=cloud", "/v1/records?gateway=nope", "/v1/records?limit=0",
        "/v1/records?limit=201", "/v1/records?since=yesterday", "/v1/records?since=2025-03-02T00:00:00Z&until=2025-03-01T00:00:00Z",
        "/v1/records?user_id=sysop1", "/v1/records?page=2", "/v1/records?cursor="}) {
    const auto answer = rig.get(target);
    EXPECT_EQ(answer.status, 400u) << target;
    EXPECT_EQ(answer.body.at("code"), "invalid_argument") << target;
  }
  // Without kind and user_id: swaps of every gateway that has records (cloud has none).
  const auto swaps = rig.get("/v1/records?limit=200");
  ASSERT_EQ(swaps.status, 200u);
  EXPECT_EQ(swaps.body.at("records").as_array().size(), 122u);
  EXPECT_TRUE(swaps.body.at("next_cursor").is_null());
  EXPECT_EQ(swaps.body.at("gateways").as_array().size(), 2u);
}

}  // namespace
}  // namespace coinfan::records::records_api_test
