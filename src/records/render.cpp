#include "coinfan/records/render.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "coinfan/aggregate/gateway_status.hpp"

namespace coinfan::records {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<TimePointMs>& time) {
  if (!time) return nullptr;
  return json::value(format_rfc3339_utc(*time));
}

json::value decimal_or_null(const std::optional<Decimal>& value) {
  if (!value) return nullptr;
  return json::value(value->to_string());
}

// The members every record starts with, in the order the API shows them.
template <typename R>
json::object record_head(const R& r, std::string_view kind, std::size_t members) {
  json::object out;
  out.reserve(members);
  out["gateway"] = r.gateway;
  out["kind"] = kind;
  out["id"] = r.record_id;
  out["order_id"] = r.order_id;
  out["status"] = to_string(r.status);
  out["provider_status"] = r.raw_status;
  out["created_at"] = time_or_null(r.created_at);
  return out;
}

json::object transfer_json(const TransferRecord& r) {
  json::object out = record_head(r, "transfer", 13);
  out["asset"] = r.asset;
  out["coin_id"] = r.coin_id;
  out["amount"] = r.amount.to_string();
  out["from_user_id"] = r.from_user_id;
  out["to_user_id"] = r.to_user_id;
  out["remark"] = r.remark;
  return out;
}

json::object swap_json(const SwapRecord& r) {
  json::object out = record_head(r, "swap", 22);
  out["arrived_at"] = time_or_null(r.arrived_at);
  out["user_id"] = r.user_id;
  out["asset_in"] = r.asset_in;
  out["coin_id_in"] = r.coin_id_in;
  out["amount_in"] = r.amount_in.to_string();
  out["asset_out"] = r.asset_out;
  out["coin_id_out"] = r.coin_id_out;
  out["amount_out"] = r.amount_out.to_string();
  out["net_amount_out"] = r.net_amount_out.to_string();
  out["fee"] = r.fee.to_string();
  out["fee_rate"] = r.fee_rate.to_string();
  out["extra_fee"] = r.extra_fee.to_string();
  out["extra_fee_rate"] = r.extra_fee_rate.to_string();
  out["swap_rate"] = r.swap_rate.to_string();
  out["amount_out_minimum"] = decimal_or_null(r.amount_out_minimum);
  return out;
}

json::object record_json(const Record& record) {
  if (const auto* transfer = std::get_if<TransferRecord>(&record)) return transfer_json(*transfer);
  return swap_json(std::get<SwapRecord>(record));
}

}  // namespace

std::string render_record(const Record& record) { return json::serialize(record_json(record)); }

std::string render_record_page(const RecordPageView& page) {
  json::object out;
  out.reserve(5);
  json::array records;
  records.reserve(page.records.size());
  for (const auto& merged : page.records) records.push_back(record_json(merged.record));
  out["records"] = std::move(records);
  if (page.next_cursor) {
    out["next_cursor"] = *page.next_cursor;
  } else {
    out["next_cursor"] = nullptr;
  }
  out["complete"] = page.complete;
  out["as_of"] = format_rfc3339_utc(page.as_of);
  out["gateways"] = aggregate::gateway_statuses_json(page.gateways);
  return json::serialize(out);
}

}  // namespace coinfan::records
