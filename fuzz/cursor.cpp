// The record cursor codec. Byte 0 chooses the mode:
//   0  the rest is a token as a caller would send it;
//   1  the rest is a token body: it is given its valid tag, so the content parser behind the
//      authentication is reached (as with a leaked key), then one bit of the token is flipped;
//   2  the rest describes a Cursor, which must survive encode -> decode unchanged.
// Decoded cursors re-encode to the very token they came from (one encoding per cursor).

#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "coinfan/core/base64url.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/records/cursor.hpp"
#include "fuzz_support.hpp"

using namespace coinfan;
using namespace coinfan::records;

namespace {

const std::string key = "fuzz-cursor-key-0123456789abcdef";

std::string signed_token(std::string body) {
  const auto hex = hash::hmac_sha256_hex(key, body);
  FUZZ_CHECK(hex.ok());
  for (std::size_t i = 0; i < 32; i += 2) body.push_back(static_cast<char>(std::stoi(hex->substr(i, 2), nullptr, 16)));
  return coinfan::base64url_encode(body);
}

void check_decoded(const CursorCodec& codec, const std::string& token) {
  const auto cursor = codec.decode(token);
  if (!cursor) return;
  FUZZ_CHECK(cursor->sources.size() <= max_cursor_sources);
  for (const auto& source : cursor->sources) {
    FUZZ_CHECK(source.source.gateway.size() <= max_cursor_gateway_id);
    FUZZ_CHECK(source.position.page_id.size() <= max_cursor_record_id);
    FUZZ_CHECK(source.position.last_id.size() <= max_cursor_record_id);
  }
  FUZZ_CHECK(codec.encode(*cursor) == token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const CursorCodec codec(key);
  const auto rest = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      check_decoded(codec, std::string(rest));
      break;
    case 1: {
      if (rest.empty()) break;
      // The last byte picks the bit to flip; the body is everything before it.
      const auto body = rest.substr(0, rest.size() - 1);
      const auto token = signed_token(std::string(body));
      check_decoded(codec, token);
      const auto original = coinfan::base64url_decode(token);
      std::string tampered = token;
      const auto bit = static_cast<unsigned char>(rest.back()) + 256u * (body.size() % 7);
      tampered[(bit / 6) % tampered.size()] ^= static_cast<char>(1u << (bit % 6));
      if (codec.decode(tampered)) {
        // Only a change that decodes to the same bytes may be accepted.
        FUZZ_CHECK(coinfan::base64url_decode(tampered) == original);
      }
      break;
    }
    default: {
      FuzzedDataProvider in(data + 1, size - 1);
      Cursor cursor;
      for (auto& b : cursor.fingerprint) b = in.ConsumeIntegral<std::uint8_t>();
      const auto count = in.ConsumeIntegralInRange<std::size_t>(0, 8);
      for (std::size_t i = 0; i < count; ++i) {
        SourceCursor source;
        source.source.gateway = in.ConsumeRandomLengthString(max_cursor_gateway_id);
        source.source.kind = static_cast<SourceKind>(in.ConsumeIntegralInRange<int>(0, 2));
        source.position.page_id = in.ConsumeRandomLengthString(max_cursor_record_id);
        source.position.offset = in.ConsumeIntegralInRange<std::uint32_t>(0, 1u << 20);
        source.position.exhausted = in.ConsumeBool();
        if (in.ConsumeBool()) source.position.last_time_ms = in.ConsumeIntegral<std::int64_t>();
        source.position.last_id = in.ConsumeRandomLengthString(max_cursor_record_id);
        cursor.sources.push_back(std::move(source));
      }
      const auto token = codec.encode(cursor);
      const auto back = codec.decode(token);
      FUZZ_CHECK(back.ok() && *back == cursor);
      FUZZ_CHECK(!CursorCodec("another-key").decode(token));
      break;
    }
  }
  return 0;
}
