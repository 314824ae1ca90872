// JSON of records and record pages as the API sends them.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "coinfan/records/render.hpp"
#include "gateways/ccpayment_v2/record_id.hpp"

namespace coinfan::records {
namespace {

namespace json = boost::json;
using gateways::ccpayment_v2::time_from_record_id;

Decimal dec(std::string_view text) { return Decimal::parse(text).value(); }

TransferRecord sample_transfer() {
  TransferRecord r;
  r.gateway = "ccp-a";
  r.record_id = "20240322033752177101843242313728";
  r.order_id = "order-1";
  r.coin_id = "1329";
  r.asset = "MATIC";
  r.amount = dec("0.002000");
  r.from_user_id = "user-alice-1001";
  r.to_user_id = "user-bob-2002";
  r.remark = "rent";
  r.raw_status = "Success";
  r.status = RecordStatus::success;
  r.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(*time_from_record_id(r.record_id));
  return r;
}

SwapRecord sample_swap() {
  SwapRecord r;
  r.gateway = "ccp-b";
  r.record_id = "20240722021342166923068583059456";
  r.order_id = "1721614421267";
  r.user_id = "user-swap1";
  r.coin_id_in = "1280";
  r.asset_in = "USDT";
  r.amount_in = dec("1.000000000000000000000000");
  r.coin_id_out = "1329";
  r.asset_out = "MATIC";
  r.amount_out = dec("1.8174262160994585");
  r.net_amount_out = dec("1.634953704442886400000000");
  r.fee = dec("0.182472511656572100000000");
  r.fee_rate = dec("0.1004016064257028");
  r.swap_rate = dec("1.817426216099458500000000");
  r.raw_status = "Processing";
  r.status = RecordStatus::processing;
  r.created_at = time_from_unix_seconds(1721614422);
  return r;
}

TEST(RecordRender, TransferFields) {
  const auto value = json::parse(render_record(sample_transfer())).as_object();
  EXPECT_EQ(value.at("gateway"), "ccp-a");
  EXPECT_EQ(value.at("kind"), "transfer");
  EXPECT_EQ(value.at("id"), "20240322033752177101843242313728");
  EXPECT_EQ(value.at("order_id"), "order-1");
  EXPECT_EQ(value.at("status"), "success");
  EXPECT_EQ(value.at("provider_status"), "Success");
  EXPECT_EQ(value.at("created_at"), "2024-03-22T03:37:52.000Z");
  EXPECT_EQ(value.at("asset"), "MATIC");
  EXPECT_EQ(value.at("coin_id"), "1329");
  EXPECT_EQ(value.at("amount"), "0.002");
  EXPECT_EQ(value.at("from_user_id"), "user-alice-1001");
  EXPECT_EQ(value.at("to_user_id"), "user-bob-2002");
  EXPECT_EQ(value.at("remark"), "rent");
}

TEST(RecordRender, TransferWithoutTimeHasNullCreatedAt) {
  auto record = sample_transfer();
  record.record_id = "NOPREFIX";
  record.created_at.reset();
  const auto value = json::parse(render_record(record)).as_object();
  EXPECT_TRUE(value.at("created_at").is_null());
}

TEST(RecordRender, SwapFieldsAreExactDecimals) {
  const auto value = json::parse(render_record(sample_swap())).as_object();
  EXPECT_EQ(value.at("kind"), "swap");
  EXPECT_EQ(value.at("status"), "processing");
  EXPECT_EQ(value.at("user_id"), "user-swap1");
  EXPECT_EQ(value.at("asset_in"), "USDT");
  EXPECT_EQ(value.at("amount_in"), "1");
  EXPECT_EQ(value.at("asset_out"), "MATIC");
  EXPECT_EQ(value.at("amount_out"), "1.8174262160994585");
  EXPECT_EQ(value.at("net_amount_out"), "1.6349537044428864");
  EXPECT_EQ(value.at("fee"), "0.1824725116565721");
  EXPECT_EQ(value.at("fee_rate"), "0.1004016064257028");
  EXPECT_EQ(value.at("swap_rate"), "1.8174262160994585");
  EXPECT_EQ(value.at("extra_fee"), "0");
  EXPECT_EQ(value.at("created_at"), "2024-07-22T02:13:42.000Z");
  EXPECT_TRUE(value.at("arrived_at").is_null());
  EXPECT_TRUE(value.at("amount_out_minimum").is_null());
}

TEST(RecordRender, PageListsRecordsCursorAndGatewayStatuses) {
  RecordPageView page;
  page.records.push_back(MergedRecord{sample_transfer(), 0, std::nullopt});
  page.records.push_back(MergedRecord{sample_swap(), 1, std::nullopt});
  page.complete = false;
  page.as_of = TimePointMs{std::chrono::milliseconds{1740787200123}};
  page.gateways.push_back(aggregate::live_status("ccp-a", "ccpayment-v2", 12, std::nullopt));
  Error error = make_error(ErrorCode::provider_error, "provider says no");
  error.provider_code = "11002";
  page.gateways.push_back(aggregate::live_status("ccp-b", "ccpayment-v2", 40, error));

  auto value = json::parse(render_record_page(page)).as_object();
  EXPECT_EQ(value.at("records").as_array().size(), 2u);
  EXPECT_TRUE(value.at("next_cursor").is_null());
  EXPECT_EQ(value.at("complete"), false);
  EXPECT_EQ(value.at("as_of"), "2025-03-01T00:00:00.123Z");
  const auto& ok = value.at("gateways").as_array()[0].as_object();
  EXPECT_EQ(ok.at("status"), "ok");
  EXPECT_EQ(ok.at("latency_ms"), 12);
  EXPECT_EQ(ok.at("cached"), false);
  EXPECT_EQ(ok.at("age_ms"), 0);
  EXPECT_FALSE(ok.contains("error"));
  const auto& failed = value.at("gateways").as_array()[1].as_object();
  EXPECT_EQ(failed.at("status"), "error");
  EXPECT_TRUE(failed.at("age_ms").is_null());
  EXPECT_EQ(failed.at("error").at("code"), "provider_error");
  EXPECT_EQ(failed.at("error").at("provider_code"), "11002");

  page.next_cursor = "abc";
  value = json::parse(render_record_page(page)).as_object();
  EXPECT_EQ(value.at("next_cursor"), "abc");
}

}  // namespace
}  // namespace coinfan::records
