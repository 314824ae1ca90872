#include "coinfan/records/render.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "coinfan/http/message.hpp"

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

json::object error_json(const Error& error) {
  json::object out;
  out["code"] = to_string(error.code);
  out["detail"] = error.detail;
  if (!error.provider_code.empty()) out["provider_code"] = error.provider_code;
  if (!error.provider_message.empty()) out["provider_message"] = error.provider_message;
  return out;
}

json::object transfer_json(const TransferRecord& r) {
  json::object out;
  out.reserve(13);
  out["gateway"] = r.gateway;
  out["kind"] = "transfer";
  out["id"] = r.record_id;
  out["order_id"] = r.order_id;
  out["status"] = to_string(r.status);
  out["provider_status"] = r.raw_status;
  out["created_at"] = time_or_null(r.created_at);
  out["asset"] = r.asset;
  out["coin_id"] = r.coin_id;
  out["amount"] = r.amount.to_string();
  out["from_user_id"] = r.from_user_id;
  out["to_user_id"] = r.to_user_id;
  out["remark"] = r.remark;
  return out;
}

json::object swap_json(const SwapRecord& r) {
  json::object out;
  out.reserve(22);
  out["gateway"] = r.gateway;
  out["kind"] = "swap";
  out["id"] = r.record_id;
  out["order_id"] = r.order_id;
  out["status"] = to_string(r.status);
  out["provider_status"] = r.raw_status;
  out["created_at"] = time_or_null(r.created_at);
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

json::array statuses_json(const std::vector<GatewayRecordStatus>& gateways) {
  json::array out;
  out.reserve(gateways.size());
  for (const auto& gateway : gateways) {
    json::object entry;
    entry.reserve(7);
    entry["id"] = gateway.id;
    entry["type"] = gateway.type;
    entry["status"] = gateway.error ? "error" : "ok";
    entry["latency_ms"] = gateway.latency_ms;
    entry["cached"] = false;
    if (gateway.error) {
      entry["age_ms"] = nullptr;
      entry["error"] = error_json(*gateway.error);
    } else {
      entry["age_ms"] = 0;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

json::object problem_json(unsigned status, std::string_view code, std::string_view detail) {
  json::object out;
  out["type"] = "urn:coinfan:problem:" + std::string(code);
  out["title"] = http::status_title(status);
  out["status"] = status;
  out["detail"] = detail;
  out["code"] = code;
  return out;
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
  out["gateways"] = statuses_json(page.gateways);
  return json::serialize(out);
}

std::string render_records_failed(std::string_view detail, TimePointMs as_of,
                                  const std::vector<GatewayRecordStatus>& gateways) {
  auto out = problem_json(502, all_gateways_failed_code, detail);
  out["as_of"] = format_rfc3339_utc(as_of);
  out["gateways"] = statuses_json(gateways);
  return json::serialize(out);
}

std::string render_lookup_failed(unsigned status, std::string_view gateway, const Error& error) {
  auto out = problem_json(status, to_string(error.code), error.detail);
  out["gateway"] = gateway;
  if (!error.provider_code.empty()) out["provider_code"] = error.provider_code;
  if (!error.provider_message.empty()) out["provider_message"] = error.provider_message;
  return json::serialize(out);
}

}  // namespace coinfan::records
