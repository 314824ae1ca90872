#pragma once
// What one replica tells the others about one gateway call (the views' shared tier,
// shared_calls.hpp), as one string in the shared store, and the codecs of the call values.
// Pure: no I/O.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/core/types.hpp"

namespace coinfan::aggregate {

using UnixMillis = std::int64_t;

// One call's outcome as the replicas share it.
struct SharedRecord {
  std::string by;                   // the lease token of the replica that made the call
  std::uint64_t epoch = 0;          // the name's epoch when the call began (forget() moves it on)
  UnixMillis completed_at = 0;      // wall clock, milliseconds since the epoch
  std::int64_t latency_ms = 0;      // of the upstream call
  bool good = false;                // `payload` is the call's value (else `error` says what failed)
  std::string payload;              // encode_balances / encode_coins
  Error error;                      // when !good
};

// "1|<completed_at>|<latency>|<g or e>|<by>|<epoch>|" then the payload (good) or the error as
// JSON. `by` holds no '|'.
std::string encode_record(const SharedRecord& record);
// nullopt for anything that is not such a record (the store is not trusted to hold only ours).
std::optional<SharedRecord> decode_record(std::string_view text);

// A balance call's value (gateways::BalanceSnapshot's fields).
struct SharedBalances {
  std::vector<Balance> balances;
  std::vector<Price> prices;
  std::optional<Error> price_error;
};

// The call values as JSON, amounts as their exact decimal strings. Decoding checks every field:
// bad_response for anything else.
std::string encode_balances(const std::vector<Balance>& balances, const std::vector<Price>& prices,
                            const std::optional<Error>& price_error);
Result<SharedBalances> decode_balances(std::string_view json);
std::string encode_coins(const std::vector<Coin>& coins);
Result<std::vector<Coin>> decode_coins(std::string_view json);

// What a request accepts of other replicas' outcomes.
struct SharedWant {
  UnixMillis since = 0;                  // a good record completed at or after this is reused
  std::chrono::milliseconds lease{5000};  // how long a lease taken here lasts (the call's deadline and then some)
};

}  // namespace coinfan::aggregate
