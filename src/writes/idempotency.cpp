#include "coinfan/writes/idempotency.hpp"

namespace coinfan::writes {

std::string_view to_string(WriteKind kind) noexcept {
  switch (kind) {
    case WriteKind::transfer: return "transfer";
    case WriteKind::swap: return "swap";
  }
  return "unknown";
}

std::string order_key(std::string_view gateway, WriteKind kind, std::string_view order_id) {
  // Gateway ids and order ids hold no NUL: the separator cannot occur inside either.
  std::string key(gateway);
  key += '\0';
  key += to_string(kind);
  key += '\0';
  key += order_id;
  return key;
}

namespace {
void append_field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
}
}  // namespace

std::string fingerprint(const TransferIntent& intent) {
  std::string out = "transfer;";
  append_field(out, intent.from_user_id);
  append_field(out, intent.to_user_id);
  append_field(out, std::to_string(intent.coin_id));
  append_field(out, intent.amount.to_string());
  append_field(out, intent.remark);
  return out;
}

std::string fingerprint(const SwapIntent& intent) {
  std::string out = "swap;";
  append_field(out, intent.user_id);
  append_field(out, std::to_string(intent.coin_id_in));
  append_field(out, intent.amount_in.to_string());
  append_field(out, std::to_string(intent.coin_id_out));
  append_field(out, intent.extra_fee_rate);
  append_field(out, intent.amount_out_minimum);
  return out;
}

bool same_request(const TransferIntent& intent, const TransferRecord& record) {
  return record.from_user_id == intent.from_user_id && record.to_user_id == intent.to_user_id &&
         record.coin_id == std::to_string(intent.coin_id) && record.amount == intent.amount &&
         record.remark == intent.remark;
}

bool same_request(const SwapIntent& intent, const SwapRecord& record) {
  return record.user_id == intent.user_id && record.coin_id_in == std::to_string(intent.coin_id_in) &&
         record.coin_id_out == std::to_string(intent.coin_id_out) && record.amount_in == intent.amount_in;
}

SendFailure classify_send_failure(const Error& error) noexcept {
  switch (error.code) {
    case ErrorCode::circuit_open:
    case ErrorCode::invalid_argument:
    case ErrorCode::not_found:
    case ErrorCode::internal:
      return SendFailure::not_sent;
    case ErrorCode::rate_limited:
      // The provider's own limit (11004) or the local token bucket: nothing was carried out.
      return error.provider_code.empty() ? SendFailure::not_sent : SendFailure::refused;
    case ErrorCode::provider_error:
    case ErrorCode::auth_failed:
      if (error.provider_code == "11011" || error.provider_code == "11007") return SendFailure::duplicate_order;
      // 11002 is the provider's internal error: whether it carried the order out is not said.
      if (error.provider_code == "11002" || error.provider_code.empty()) return SendFailure::answer_lost;
      return SendFailure::refused;
    case ErrorCode::timeout:
    case ErrorCode::cancelled:
    case ErrorCode::unreachable:
    case ErrorCode::tls_error:
    case ErrorCode::http_status:
    case ErrorCode::bad_response:
    case ErrorCode::bad_signature:
    case ErrorCode::response_too_large:
      return SendFailure::answer_lost;
  }
  return SendFailure::answer_lost;
}

OrderLedger::OrderLedger(Limits limits) : limits_(limits) {}

OrderLedger::Decision OrderLedger::begin(const std::string& key, const std::string& fingerprint, LedgerTime now) {
  expire(now);
  Decision decision;
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    Entry entry;
    entry.fingerprint = fingerprint;
    entry.flight = next_flight_++;
    entry.order = finished_.end();
    decision.flight = *entry.flight;
    entries_.emplace(key, std::move(entry));
    return decision;
  }
  const Entry& entry = it->second;
  if (entry.fingerprint != fingerprint) {
    decision.action = Decision::Action::conflict;
    return decision;
  }
  if (entry.flight) {
    decision.action = Decision::Action::join;
    decision.flight = *entry.flight;
    return decision;
  }
  decision.action = Decision::Action::replay;
  decision.record_json = entry.success.record_json;
  decision.record_id = entry.success.record_id;
  return decision;
}

void OrderLedger::finish(const std::string& key, FlightNumber flight, std::optional<Success> success, LedgerTime now) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.flight != flight) return;
  if (!success) {
    entries_.erase(it);
    return;
  }
  Entry& entry = it->second;
  entry.flight.reset();
  entry.success = std::move(*success);
  entry.finished_at = now;
  entry.order = finished_.insert(finished_.end(), key);
  while (finished_.size() > limits_.max_entries) {
    entries_.erase(finished_.front());
    finished_.pop_front();
  }
}

void OrderLedger::expire(LedgerTime now) {
  while (!finished_.empty()) {
    auto it = entries_.find(finished_.front());
    if (it != entries_.end() && now - it->second.finished_at < limits_.keep) break;
    if (it != entries_.end()) entries_.erase(it);
    finished_.pop_front();
  }
}

std::optional<Verdict> Resolution::record(LookupOutcome outcome) {
  ++done_;
  switch (outcome) {
    case LookupOutcome::found_same: return Verdict::executed;
    case LookupOutcome::found_different: return Verdict::conflict;
    case LookupOutcome::not_found: latest_answer_ = outcome; break;
    case LookupOutcome::failed: break;
  }
  if (done_ < lookups_) return std::nullopt;
  return latest_answer_ ? Verdict::not_executed : Verdict::unknown;
}

}  // namespace coinfan::writes
