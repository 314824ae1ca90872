#include "coinfan/records/cursor.hpp"

#include <array>
#include <stdexcept>

#include "coinfan/core/base64url.hpp"
#include "coinfan/core/hash.hpp"

namespace coinfan::records {

namespace {

constexpr std::size_t tag_bytes = 16;
constexpr std::size_t fingerprint_bytes = 16;
constexpr std::uint8_t flag_exhausted = 1;
constexpr std::uint8_t flag_last_time = 2;
constexpr std::uint32_t max_offset = 1u << 20;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The first `count` bytes a lowercase hex digest names.
template <std::size_t N>
std::array<std::uint8_t, N> bytes_from_hex(std::string_view hex) {
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N && 2 * i + 1 < hex.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  }
  return out;
}

class Writer {
 public:
  void byte(std::uint8_t value) { bytes_.push_back(value); }
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      bytes_.push_back(static_cast<std::uint8_t>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    bytes_.push_back(static_cast<std::uint8_t>(value));
  }
  void zigzag(std::int64_t value) {
    varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
  }
  void text(std::string_view value) {
    varint(value.size());
    bytes_.insert(bytes_.end(), value.begin(), value.end());
  }
  void raw(std::span<const std::uint8_t> value) { bytes_.insert(bytes_.end(), value.begin(), value.end()); }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

// Reads the authenticated body; every method fails soft (ok() turns false) on malformed data.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool ok() const noexcept { return ok_; }
  bool at_end() const noexcept { return pos_ == bytes_.size(); }

  std::uint8_t byte() {
    if (!ok_ || pos_ >= bytes_.size()) return fail<std::uint8_t>();
    return bytes_[pos_++];
  }
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = byte();
      if (!ok_) return 0;
      // The tenth byte may only carry the top bit of a 64-bit value.
      if (shift == 63 && b > 1) return fail<std::uint64_t>();
      value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        // Canonical form only: no redundant trailing zero groups.
        if (shift > 0 && b == 0) return fail<std::uint64_t>();
        return value;
      }
    }
    return fail<std::uint64_t>();
  }
  std::int64_t zigzag() {
    const std::uint64_t v = varint();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::string text(std::size_t max_length) {
    const std::uint64_t length = varint();
    if (!ok_ || length > max_length || length > bytes_.size() - pos_) return fail<std::string>();
    std::string out(reinterpret_cast<const char*>(bytes_.data() + pos_), static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return out;
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> raw() {
    std::array<std::uint8_t, N> out{};
    if (!ok_ || bytes_.size() - pos_ < N) return fail<std::array<std::uint8_t, N>>();
    for (std::size_t i = 0; i < N; ++i) out[i] = bytes_[pos_ + i];
    pos_ += N;
    return out;
  }

 private:
  template <typename T>
  T fail() {
    ok_ = false;
    return T{};
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::array<std::uint8_t, tag_bytes> tag_of(std::string_view key, std::span<const std::uint8_t> body) {
  auto hex = hash::hmac_sha256_hex(key, as_chars(body));
  // OpenSSL failing is not a caller's fault; an all-zero tag never verifies a real token.
  if (!hex) return {};
  return bytes_from_hex<tag_bytes>(*hex);
}

bool equal_tags(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

Error rejected(std::string detail) { return make_error(ErrorCode::invalid_argument, std::move(detail)); }

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

}  // namespace

std::string_view to_string(SourceKind kind) noexcept {
  constexpr std::array<std::string_view, 3> names = {"transfer_from", "transfer_to", "swap"};  // SourceKind values
  const auto index = static_cast<std::size_t>(kind);
  return index < names.size() ? names[index] : "swap";
}

RecordKind record_kind_of(SourceKind kind) noexcept {
  return kind == SourceKind::swap ? RecordKind::swap : RecordKind::transfer;
}

std::vector<SourceSpec> record_sources(const RecordQuery& query) {
  std::vector<SourceSpec> sources;
  for (const auto& gateway : query.gateways) {
    if (query.wants(RecordKind::transfer)) {
      sources.push_back({gateway, SourceKind::transfer_from});
      sources.push_back({gateway, SourceKind::transfer_to});
    }
    if (query.wants(RecordKind::swap)) sources.push_back({gateway, SourceKind::swap});
  }
  return sources;
}

Fingerprint query_fingerprint(const RecordQuery& query, const std::vector<SourceSpec>& sources) {
  // Length-prefixed fields: no value can be crafted to read as another field.
  std::string text = "coinfan-records-v1;";
  for (const auto kind : query.kinds) append_field(text, "k", to_string(kind));
  for (const auto& gateway : query.gateways) append_field(text, "g", gateway);
  append_field(text, "u", query.user_id ? "1" + *query.user_id : "0");
  append_field(text, "s", query.since ? std::to_string(query.since->time_since_epoch().count()) : "-");
  append_field(text, "t", query.until ? std::to_string(query.until->time_since_epoch().count()) : "-");
  for (const auto& source : sources) {
    append_field(text, "src", source.gateway);
    append_field(text, "sk", to_string(source.kind));
  }
  auto hex = hash::sha256_hex(text);
  if (!hex) return {};
  return bytes_from_hex<fingerprint_bytes>(*hex);
}

CursorCodec::CursorCodec(std::string key) : key_(std::move(key)) {
  if (key_.empty()) throw std::invalid_argument("cursor key must not be empty");
}

CursorCodec CursorCodec::with_random_key() {
  auto key = hash::random_bytes(32);
  if (!key) throw std::runtime_error("cannot draw a random cursor key");
  return CursorCodec(std::move(key).value());
}

std::string CursorCodec::encode(const Cursor& cursor) const {
  Writer out;
  out.byte(cursor_version);
  out.raw(cursor.fingerprint);
  out.varint(cursor.sources.size());
  for (const auto& source : cursor.sources) {
    const auto& position = source.position;
    out.text(source.source.gateway);
    out.byte(static_cast<std::uint8_t>(source.source.kind));
    std::uint8_t flags = 0;
    if (position.exhausted) flags |= flag_exhausted;
    if (position.last_time_ms) flags |= flag_last_time;
    out.byte(flags);
    out.text(position.page_id);
    out.varint(position.offset);
    if (position.last_time_ms) out.zigzag(*position.last_time_ms);
    out.text(position.last_id);
  }
  const auto tag = tag_of(key_, out.bytes());
  out.raw(tag);
  return base64url_encode(out.bytes());
}

Result<Cursor> CursorCodec::decode(std::string_view token) const {
  if (token.empty() || token.size() > max_cursor_chars) return rejected("cursor has an impossible length");
  const auto bytes = base64url_decode(token);
  if (!bytes) return rejected("cursor is not base64url");
  if (bytes->size() < 1 + fingerprint_bytes + 1 + tag_bytes) return rejected("cursor is truncated");
  if ((*bytes)[0] != cursor_version) return rejected("cursor version is not supported; start the walk again");
  const std::span<const std::uint8_t> all(*bytes);
  const auto body = all.first(all.size() - tag_bytes);
  const auto tag = tag_of(key_, body);
  if (!equal_tags(tag, all.last(tag_bytes))) {
    return rejected("cursor was not issued by this service instance or was modified; start the walk again");
  }

  // Authenticated from here on; still parsed defensively (a key may have leaked or a bug may
  // have written it).
  Reader in(body);
  Cursor cursor;
  in.byte();
  cursor.fingerprint = in.raw<fingerprint_bytes>();
  const auto count = in.varint();
  if (!in.ok() || count > max_cursor_sources) return rejected("cursor is malformed");
  for (std::uint64_t i = 0; i < count; ++i) {
    SourceCursor source;
    source.source.gateway = in.text(max_cursor_gateway_id);
    const auto kind = in.byte();
    const auto flags = in.byte();
    if (!in.ok() || kind > static_cast<std::uint8_t>(SourceKind::swap) ||
        (flags & ~(flag_exhausted | flag_last_time)) != 0) {
      return rejected("cursor is malformed");
    }
    source.source.kind = static_cast<SourceKind>(kind);
    source.position.exhausted = (flags & flag_exhausted) != 0;
    source.position.page_id = in.text(max_cursor_record_id);
    const auto offset = in.varint();
    if (offset > max_offset) return rejected("cursor is malformed");
    source.position.offset = static_cast<std::uint32_t>(offset);
    if (flags & flag_last_time) source.position.last_time_ms = in.zigzag();
    source.position.last_id = in.text(max_cursor_record_id);
    if (!in.ok()) return rejected("cursor is malformed");
    cursor.sources.push_back(std::move(source));
  }
  if (!in.ok() || !in.at_end()) return rejected("cursor is malformed");
  return cursor;
}

// Byte-vector views of the shared base64url coding.
std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  return coinfan::base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  auto decoded = coinfan::base64url_decode(text);
  if (!decoded) return std::nullopt;
  return std::vector<std::uint8_t>(decoded->begin(), decoded->end());
}

}  // namespace coinfan::records
