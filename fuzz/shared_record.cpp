// What one replica reads of another's through Redis (aggregate/shared_record.hpp): the store is
// not trusted to hold only our records. Byte 0 chooses what the rest is: a record, a balance
// call's value or a coin list. Whatever decodes must encode to text that decodes to the same
// thing (amounts exact), and nothing may crash or hang.

#include <string>

#include "coinfan/aggregate/shared_record.hpp"
#include "fuzz_support.hpp"

using namespace coinfan;
using namespace coinfan::aggregate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const auto record = decode_record(text);
      if (!record) break;
      FUZZ_CHECK(!record->by.empty());
      const auto again = decode_record(encode_record(*record));
      FUZZ_CHECK(again.has_value());
      FUZZ_CHECK(again->by == record->by && again->epoch == record->epoch &&
                 again->completed_at == record->completed_at && again->latency_ms == record->latency_ms &&
                 again->good == record->good && again->payload == record->payload &&
                 again->error.code == record->error.code && again->error.detail == record->error.detail);
      break;
    }
    case 1: {
      const auto balances = decode_balances(text);
      if (!balances) break;
      const auto again = decode_balances(encode_balances(balances->balances, balances->prices, balances->price_error));
      FUZZ_CHECK(again.ok());
      FUZZ_CHECK(again->balances == balances->balances);
      FUZZ_CHECK(again->prices == balances->prices);
      FUZZ_CHECK(again->price_error.has_value() == balances->price_error.has_value());
      break;
    }
    default: {
      const auto coins = decode_coins(text);
      if (!coins) break;
      const auto again = decode_coins(encode_coins(*coins));
      FUZZ_CHECK(again.ok());
      FUZZ_CHECK(*again == *coins);
      break;
    }
  }
  return 0;
}
