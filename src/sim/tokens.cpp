#include "sim/tokens.hpp"

#include "sim/sim_util.hpp"

namespace coinfan::sim {

std::string TokenStore::unique_id(std::size_t random_bytes) {
  return detail::random_hex(random_bytes) + std::to_string(++counter_);
}

void TokenStore::issue(std::string token, TimePoint expires_at, TimePoint now) {
  if (tokens_.size() >= max_kept) {
    std::erase_if(tokens_, [&](const auto& entry) { return entry.second <= now; });
  }
  tokens_[std::move(token)] = expires_at;
  ++issued_;
}

void TokenStore::accept(std::string token, TimePoint expires_at) { tokens_[std::move(token)] = expires_at; }

TokenStore::Status TokenStore::check(std::string_view token, TimePoint now) const {
  const auto found = tokens_.find(std::string(token));
  if (found == tokens_.end()) return Status::unknown;
  return found->second <= now ? Status::expired : Status::valid;
}

void TokenStore::expire_all() {
  for (auto& entry : tokens_) entry.second = TimePoint::min();
}

}  // namespace coinfan::sim
