#include "gateways/ccpayment_v2/responses.hpp"

#include <utility>

#include "coinfan/core/assets.hpp"
#include "coinfan/core/json.hpp"
#include "gateways/ccpayment_v2/record_id.hpp"
#include "gateways/common/responses.hpp"

namespace coinfan::gateways::ccpayment_v2 {
namespace {

namespace json = boost::json;

constexpr std::string_view provider = "CCPayment v2";

// Parses the body, checks the envelope and hands `data` (an object) to `read`.
template <typename Read>
auto with_data(std::string_view body, Read&& read) {
  return with_coded_data(provider, success_code, error_for_code, body, std::forward<Read>(read));
}

// A list member: an array, or null for "none" (Go encodes an empty slice as null).
Result<const json::array*> list_member(const json::object& object, std::string_view key,
                                       std::string_view where) {
  static const json::array empty;
  const auto* value = object.if_contains(key);
  if (value == nullptr) {
    return malformed(provider,
                     std::string(where) + ": field '" + std::string(key) + "' is missing");
  }
  if (value->is_null()) return &empty;
  if (!value->is_array()) {
    return malformed(provider,
                     std::string(where) + ": field '" + std::string(key) + "' is not an array");
  }
  return &value->get_array();
}

std::string next_id_of(const json::object& data) {
  return std::string(string_field(data, "nextId").value_or(""));
}

Result<Balance> balance_from(std::string_view gateway_id, const json::object& item,
                             std::string where) {
  FieldReader fields(provider, std::move(where), item);
  Balance balance;
  balance.gateway = std::string(gateway_id);
  balance.raw_asset = fields.id("coinId");
  balance.asset = normalise_asset(fields.text("coinSymbol"));
  // "available": "" is what the provider sends for a coin without funds.
  balance.available = fields.amount("available", true);
  balance.total = balance.available;
  if (!fields.ok()) return fields.take_error();
  return balance;
}

Result<Coin> coin_from(std::string_view gateway_id, const json::object& item, std::string where) {
  FieldReader fields(provider, where, item);
  Coin coin;
  coin.gateway = std::string(gateway_id);
  coin.coin_id = fields.id("coinId");
  coin.asset = normalise_asset(fields.text("symbol"));
  coin.name = fields.optional_text("coinFullName");
  coin.status = fields.optional_text("status");
  coin.logo = fields.optional_text("logoUrl");
  if (!fields.ok()) return fields.take_error();

  const auto* networks = item.if_contains("networks");
  if (networks == nullptr || networks->is_null()) return coin;
  if (!networks->is_object())
    return malformed(provider, where + ": field 'networks' is not an object");
  for (const auto& [key, value] : networks->get_object()) {
    const std::string network_where = where + ".networks." + std::string(key);
    if (!value.is_object()) return malformed(provider, network_where + " is not an object");
    FieldReader net(provider, network_where, value.get_object());
    CoinNetwork network;
    network.chain = net.optional_text("chain");
    if (network.chain.empty()) network.chain = std::string(key);
    network.name = net.optional_text("chainFullName");
    network.contract = net.optional_text("contract");
    network.precision = net.optional_integer("precision");
    network.can_deposit = net.flag("canDeposit");
    network.can_withdraw = net.flag("canWithdraw");
    network.memo_required = net.flag("isSupportMemo");
    network.min_deposit = net.optional_amount("minimumDepositAmount");
    network.min_withdraw = net.optional_amount("minimumWithdrawAmount");
    network.max_withdraw = net.optional_amount("maximumWithdrawAmount");
    if (!net.ok()) return net.take_error();
    coin.networks.push_back(std::move(network));
  }
  return coin;
}

Result<TransferRecord> transfer_from(std::string_view gateway_id, const json::object& item,
                                     std::string where) {
  FieldReader fields(provider, std::move(where), item);
  TransferRecord record;
  record.gateway = std::string(gateway_id);
  record.record_id = fields.text("recordId");
  record.order_id = fields.optional_text("orderId");
  record.coin_id = fields.id("coinId");
  record.asset = normalise_asset(fields.optional_text("coinSymbol"));
  record.amount = fields.amount("amount");
  record.from_user_id = fields.optional_text("fromUserId");
  record.to_user_id = fields.optional_text("toUserId");
  record.remark = fields.optional_text("remark");
  record.raw_status = fields.text("status");
  if (!fields.ok()) return fields.take_error();
  record.status = normalise_record_status(record.raw_status);
  if (const auto created = time_from_record_id(record.record_id)) record.created_at = *created;
  return record;
}

Result<SwapRecord> swap_from(std::string_view gateway_id, const json::object& item,
                             std::string where) {
  FieldReader fields(provider, std::move(where), item);
  SwapRecord record;
  record.gateway = std::string(gateway_id);
  record.record_id = fields.text("recordId");
  record.order_id = fields.optional_text("orderId");
  record.user_id = fields.optional_text("userId");
  record.coin_id_in = fields.id("coinIdIn");
  record.asset_in = normalise_asset(fields.optional_text("coinInSymbol"));
  record.amount_in = fields.amount("amountIn");
  record.coin_id_out = fields.id("coinIdOut");
  record.asset_out = normalise_asset(fields.optional_text("coinOutSymbol"));
  record.amount_out = fields.amount("amountOut");
  record.net_amount_out = fields.amount_or_zero("netAmountOut");
  record.fee = fields.amount_or_zero("fee");
  record.fee_rate = fields.amount_or_zero("feeRate");
  record.extra_fee = fields.amount_or_zero("extraFee");
  record.extra_fee_rate = fields.amount_or_zero("extraFeeRate");
  record.swap_rate = fields.amount_or_zero("swapRate");
  record.amount_out_minimum = fields.optional_amount("amountOutMinimum");
  record.raw_status = fields.text("status");
  const auto created_at = fields.optional_integer("createdAt");
  const auto arrived_at = fields.optional_integer("arrivedAt");
  if (!fields.ok()) return fields.take_error();
  record.status = normalise_record_status(record.raw_status);
  if (created_at) record.created_at = time_from_unix_seconds(*created_at);
  if (!record.created_at) {
    if (const auto created = time_from_record_id(record.record_id)) record.created_at = *created;
  }
  if (arrived_at) record.arrived_at = time_from_unix_seconds(*arrived_at);
  return record;
}

// The amounts shared by estimate and userSwap.
Result<SwapQuote> quote_from(const json::object& data) {
  FieldReader fields(provider, "data", data);
  SwapQuote quote;
  quote.coin_id_in = fields.id("coinIdIn");
  quote.amount_in = fields.amount("amountIn");
  quote.coin_id_out = fields.id("coinIdOut");
  quote.amount_out = fields.amount("amountOut");
  quote.net_amount_out = fields.amount("netAmountOut");
  quote.fee = fields.amount_or_zero("fee");
  quote.fee_rate = fields.amount_or_zero("feeRate");
  quote.extra_fee = fields.amount_or_zero("extraFee");
  quote.swap_rate = fields.amount_or_zero("swapRate");
  if (!fields.ok()) return fields.take_error();
  return quote;
}

// data.<key> as the single object it should be; the getCoin table calls `coin` an array, so a
// one-element array is accepted too.
Result<const json::object*> single_object(const json::object& data, std::string_view key) {
  const auto* value = data.if_contains(key);
  if (value != nullptr && value->is_object()) return &value->get_object();
  if (value != nullptr && value->is_array() && value->get_array().size() == 1 &&
      value->get_array()[0].is_object()) {
    return &value->get_array()[0].get_object();
  }
  return malformed(provider, "field 'data." + std::string(key) + "' is missing or not an object");
}


// Reads one provider object into T; `where` names it in errors ("data.records[3]").
template <typename T>
using ItemReader = Result<T> (*)(std::string_view gateway_id, const json::object& item, std::string where);

// Every element of the list member data.<key>, each an object read by `read`.
template <typename T>
Result<std::vector<T>> list_of(std::string_view gateway_id, const json::object& data, std::string_view key,
                               ItemReader<T> read) {
  auto list = list_member(data, key, "data");
  if (!list) return std::move(list).error();
  std::vector<T> out;
  out.reserve((*list)->size());
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const std::string where = "data." + std::string(key) + "[" + std::to_string(i) + "]";
    const auto& item = (**list)[i];
    if (!item.is_object()) return malformed(provider, where + " is not an object");
    auto value = read(gateway_id, item.get_object(), where);
    if (!value) return std::move(value).error();
    out.push_back(std::move(value).value());
  }
  return out;
}

// A page: data.records read by `read`, and data.nextId.
template <typename Page, typename T>
Result<Page> page_of(std::string_view gateway_id, const json::object& data, ItemReader<T> read) {
  auto records = list_of<T>(gateway_id, data, "records", read);
  if (!records) return std::move(records).error();
  return Page{std::move(records).value(), next_id_of(data)};
}

// The object member data.<key>, read by `read`.
template <typename T>
Result<T> member_of(std::string_view gateway_id, const json::object& data, std::string_view key,
                    ItemReader<T> read) {
  const std::string where = "data." + std::string(key);
  const auto* object = object_field(data, key);
  if (object == nullptr) return malformed(provider, "field '" + where + "' is missing or not an object");
  return read(gateway_id, *object, where);
}

}  // namespace

Error error_for_code(std::int64_t code, std::string_view message) {
  const std::string code_text = std::to_string(code);
  switch (code) {
    case 11004:
      return provider_failure(ErrorCode::rate_limited, provider, code_text, message);
    case 11005: {
      Error error = provider_failure(ErrorCode::auth_failed, provider, code_text, message);
      error.detail += " (signature rejected: check app_id and app_secret)";
      return error;
    }
    case 11006: {
      Error error = provider_failure(ErrorCode::auth_failed, provider, code_text, message);
      error.detail += " (request expired: check this host's clock)";
      return error;
    }
    default:
      return provider_failure(ErrorCode::provider_error, provider, code_text, message);
  }
}

Result<std::vector<Balance>> parse_app_coin_asset_list(std::string_view gateway_id,
                                                       std::string_view body) {
  return with_data(body, [&](const json::object& data) { return list_of<Balance>(gateway_id, data, "assets", balance_from); });
}

Result<Balance> parse_app_coin_asset(std::string_view gateway_id, std::string_view body) {
  return with_data(body, [&](const json::object& data) { return member_of<Balance>(gateway_id, data, "asset", balance_from); });
}

Result<std::vector<Coin>> parse_coin_list(std::string_view gateway_id, std::string_view body) {
  return with_data(body, [&](const json::object& data) { return list_of<Coin>(gateway_id, data, "coins", coin_from); });
}

Result<Coin> parse_coin(std::string_view gateway_id, std::string_view body) {
  return with_data(body, [&](const json::object& data) -> Result<Coin> {
    auto coin = single_object(data, "coin");
    if (!coin) return std::move(coin).error();
    return coin_from(gateway_id, **coin, "data.coin");
  });
}

Result<std::vector<Price>> parse_coin_usdt_prices(std::string_view gateway_id,
                                                  std::string_view body,
                                                  const CoinSymbols& symbols) {
  return with_data(body, [&](const json::object& data) -> Result<std::vector<Price>> {
    const auto* prices = object_field(data, "prices");
    if (prices == nullptr) {
      return malformed(provider, "field 'data.prices' is missing or not an object");
    }
    std::vector<Price> out;
    out.reserve(prices->size());
    for (const auto& [key, value] : *prices) {
      const std::string coin_id(key);
      auto usd = decimal_value(value, "data.prices." + coin_id, true);
      if (!usd) return at(provider, std::move(usd).error());
      if (usd->is_negative()) {
        return malformed(provider, "field 'data.prices." + coin_id + "' is negative");
      }
      if (usd->is_zero()) continue;
      const auto symbol = symbols.find(coin_id);
      out.push_back(Price{symbol == symbols.end() ? std::string() : normalise_asset(symbol->second),
                          std::move(usd).value(), std::string(gateway_id), "USDT", coin_id, std::nullopt, false});
    }
    return out;
  });
}

Result<TransferResult> parse_user_transfer(std::string_view body) {
  return with_data(body, [&](const json::object& data) -> Result<TransferResult> {
    FieldReader fields(provider, "data", data);
    TransferResult result{fields.text("recordId")};
    if (!fields.ok()) return fields.take_error();
    if (result.record_id.empty()) return malformed(provider, "data: field 'recordId' is empty");
    return result;
  });
}

Result<TransferRecord> parse_transfer_record(std::string_view gateway_id, std::string_view body) {
  return with_data(body, [&](const json::object& data) {
    return member_of<TransferRecord>(gateway_id, data, "record", transfer_from);
  });
}

Result<TransferRecordPage> parse_transfer_record_list(std::string_view gateway_id,
                                                      std::string_view body) {
  return with_data(body, [&](const json::object& data) {
    return page_of<TransferRecordPage, TransferRecord>(gateway_id, data, transfer_from);
  });
}

Result<SwapQuote> parse_estimate(std::string_view body) {
  return with_data(body, [&](const json::object& data) { return quote_from(data); });
}

Result<SwapResult> parse_user_swap(std::string_view body) {
  return with_data(body, [&](const json::object& data) -> Result<SwapResult> {
    FieldReader fields(provider, "data", data);
    SwapResult result;
    result.record_id = fields.text("recordId");
    result.order_id = fields.optional_text("orderId");
    if (!fields.ok()) return fields.take_error();
    if (result.record_id.empty()) return malformed(provider, "data: field 'recordId' is empty");
    auto quote = quote_from(data);
    if (!quote) return std::move(quote).error();
    result.quote = std::move(quote).value();
    return result;
  });
}

Result<SwapRecord> parse_swap_record(std::string_view gateway_id, std::string_view body) {
  return with_data(body, [&](const json::object& data) { return member_of<SwapRecord>(gateway_id, data, "record", swap_from); });
}

Result<SwapRecordPage> parse_swap_record_list(std::string_view gateway_id, std::string_view body) {
  return with_data(body, [&](const json::object& data) {
    return page_of<SwapRecordPage, SwapRecord>(gateway_id, data, swap_from);
  });
}

Result<RescanResult> parse_rescan_lost_transaction(std::string_view body) {
  return with_data(body, [&](const json::object& data) -> Result<RescanResult> {
    FieldReader fields(provider, "data", data);
    RescanResult result{fields.optional_text("description")};
    if (!fields.ok()) return fields.take_error();
    return result;
  });
}

}  // namespace coinfan::gateways::ccpayment_v2
