#pragma once
// The resumable cursor of GET /v1/records: where every source (one gateway's swaps, or its
// transfers from / to the user) stopped, bound to the query it was issued for and
// authenticated, so a tampered or foreign token is rejected instead of misread. Pure code.
//
// Token = base64url (RFC 4648 §5, no padding) of:
//   u8      version (1)
//   16 B    query fingerprint (query_fingerprint)
//   varint  number of sources
//   per source:
//     str     gateway id                        (varint length + bytes, at most 128)
//     u8      source kind (SourceKind)
//     u8      flags: 1 exhausted, 2 last_time present (other bits must be 0)
//     str     upstream nextId of the current page ("" = first page; at most 256)
//     varint  offset: records of that page already consumed
//     zigzag  last_time_ms (only with flag 2): sort time of the last consumed record
//     str     last_id: record id of the last consumed record ("" none; at most 256)
//   16 B    HMAC-SHA256(key, every byte above), truncated to 128 bits
// The token is authenticated, not encrypted: it reveals gateway ids and upstream record ids,
// which the caller sees in the records anyway.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/error.hpp"
#include "coinfan/records/query.hpp"

namespace coinfan::records {

// One upstream list a page is merged from.
enum class SourceKind : std::uint8_t {
  transfer_from = 0,  // getUserTransferRecordList with fromUserId = user_id
  transfer_to = 1,    // getUserTransferRecordList with toUserId = user_id
  swap = 2,           // getUserSwapRecordList (userId = user_id when given)
};

std::string_view to_string(SourceKind kind) noexcept;
RecordKind record_kind_of(SourceKind kind) noexcept;

struct SourceSpec {
  std::string gateway;
  SourceKind kind = SourceKind::swap;

  friend bool operator==(const SourceSpec&, const SourceSpec&) = default;
};

// Where one source stands. The default value is "at the very beginning".
struct SourcePosition {
  std::string page_id;      // upstream nextId that fetches the current page; "" first page
  std::uint32_t offset = 0; // records of the current page already consumed
  bool exhausted = false;   // every record of this source has been consumed
  std::optional<std::int64_t> last_time_ms;  // sort time of the last consumed record
  std::string last_id;                       // its record id; "" before the first

  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

struct SourceCursor {
  SourceSpec source;
  SourcePosition position;

  friend bool operator==(const SourceCursor&, const SourceCursor&) = default;
};

using Fingerprint = std::array<std::uint8_t, 16>;

struct Cursor {
  Fingerprint fingerprint{};
  std::vector<SourceCursor> sources;

  friend bool operator==(const Cursor&, const Cursor&) = default;
};

inline constexpr std::uint8_t cursor_version = 1;
inline constexpr std::size_t max_cursor_sources = 256;
inline constexpr std::size_t max_cursor_gateway_id = 128;
inline constexpr std::size_t max_cursor_record_id = 256;

// The sources of a query, in a fixed order: per gateway (query order) transfers from the user,
// transfers to the user (both when transfers are wanted), then swaps.
std::vector<SourceSpec> record_sources(const RecordQuery& query);

// SHA-256 (first 16 bytes) of an unambiguous encoding of the normalised filters (kinds,
// gateways, user id, since, until) and the source list. limit and cursor are not part of it.
Fingerprint query_fingerprint(const RecordQuery& query, const std::vector<SourceSpec>& sources);

// Encodes and authenticates cursors with one HMAC key.
class CursorCodec {
 public:
  // `key` must not be empty.
  explicit CursorCodec(std::string key);
  // 32 random bytes: cursors do not survive a restart of the process.
  static CursorCodec with_random_key();

  std::string encode(const Cursor& cursor) const;
  // invalid_argument for anything that is not a token this codec issued, unchanged: bad
  // base64url, wrong length, unknown version, failed authentication, malformed content.
  Result<Cursor> decode(std::string_view token) const;

 private:
  std::string key_;
};

// RFC 4648 §5 without padding. decode rejects padding, other characters and impossible lengths.
std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace coinfan::records
