#include "coinfan/writes/render.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace coinfan::writes {

namespace json = boost::json;

std::string render_quote(std::string_view gateway, const SwapQuote& quote, std::string_view asset_in,
                         std::string_view asset_out) {
  json::object out;
  out.reserve(12);
  out["gateway"] = gateway;
  out["coin_id_in"] = quote.coin_id_in;
  out["asset_in"] = asset_in;
  out["amount_in"] = quote.amount_in.to_string();
  out["coin_id_out"] = quote.coin_id_out;
  out["asset_out"] = asset_out;
  out["amount_out"] = quote.amount_out.to_string();
  out["net_amount_out"] = quote.net_amount_out.to_string();
  out["swap_rate"] = quote.swap_rate.to_string();
  out["fee"] = quote.fee.to_string();
  out["fee_rate"] = quote.fee_rate.to_string();
  out["extra_fee"] = quote.extra_fee.to_string();
  return json::serialize(out);
}

std::string render_rescan(std::string_view gateway, std::string_view chain, std::string_view tx_id,
                          std::string_view description) {
  json::object out;
  out.reserve(4);
  out["gateway"] = gateway;
  out["chain"] = chain;
  out["tx_id"] = tx_id;
  out["description"] = description;
  return json::serialize(out);
}

}  // namespace coinfan::writes
