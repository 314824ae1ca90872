// The records cursor: exact round trips, binding to its query, and rejection of every token
// that was not issued unchanged by the same key (tampering, truncation, garbage).

#include <gtest/gtest.h>

#include <cctype>
#include <random>

#include "coinfan/core/hash.hpp"
#include "coinfan/records/cursor.hpp"

namespace coinfan::records {
namespace {

Cursor sample_cursor() {
  Cursor cursor;
  for (std::size_t i = 0; i < cursor.fingerprint.size(); ++i) cursor.fingerprint[i] = static_cast<std::uint8_t>(i * 17);
  SourceCursor first{{"ccp-a", SourceKind::transfer_from}, {}};
  SourceCursor second{{"ccp-a", SourceKind::transfer_to}, {"20250301000500170000000000104729", 13, false, 1740787500000, "2025030100070017"}};
  SourceCursor third{{"ccp-b", SourceKind::swap}, {"", 0, true, std::nullopt, "NOPREFIX-1"}};
  SourceCursor negative{{"g", SourceKind::swap}, {"x", 19, false, -5, ""}};
  cursor.sources = {first, second, third, negative};
  return cursor;
}

TEST(CursorCodec, RoundTripsEveryField) {
  const CursorCodec codec("k1");
  const auto cursor = sample_cursor();
  const auto token = codec.encode(cursor);
  auto decoded = codec.decode(token);
  ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
  EXPECT_EQ(*decoded, cursor);
  // URL-safe as is: no escaping needed in a query string.
  for (const char c : token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  }
}

TEST(CursorCodec, EmptySourceListRoundTrips) {
  const CursorCodec codec("k1");
  Cursor cursor;
  auto decoded = codec.decode(codec.encode(cursor));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, cursor);
}

TEST(CursorCodec, AnyChangedCharacterIsRejected) {
  const CursorCodec codec("k1");
  const auto token = codec.encode(sample_cursor());
  const std::string replacements = "AQgw-_9z";
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (const char r : replacements) {
      if (token[i] == r) continue;
      std::string tampered = token;
      tampered[i] = r;
      auto decoded = codec.decode(tampered);
      ASSERT_FALSE(decoded.ok()) << "position " << i << " -> " << r;
      EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument);
    }
  }
}

TEST(CursorCodec, TruncatedOrExtendedTokensAreRejected) {
  const CursorCodec codec("k1");
  const auto token = codec.encode(sample_cursor());
  for (std::size_t n = 0; n < token.size(); ++n) EXPECT_FALSE(codec.decode(token.substr(0, n)).ok()) << n;
  EXPECT_FALSE(codec.decode(token + "A").ok());
  EXPECT_FALSE(codec.decode(token + "AA").ok());
  EXPECT_FALSE(codec.decode(token + "=").ok());
  EXPECT_FALSE(codec.decode("A" + token).ok());
}

TEST(CursorCodec, AnotherKeyIsRejected) {
  const auto token = CursorCodec("k1").encode(sample_cursor());
  EXPECT_FALSE(CursorCodec("k2").decode(token).ok());
  EXPECT_FALSE(CursorCodec::with_random_key().decode(token).ok());
  // Two random keys differ: cursors do not survive a restart.
  const auto a = CursorCodec::with_random_key();
  EXPECT_FALSE(CursorCodec::with_random_key().decode(a.encode(sample_cursor())).ok());
}

TEST(CursorCodec, GarbageNeverDecodes) {
  const CursorCodec codec("k1");
  std::mt19937_64 random(42);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=% \x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 200, 'A');
    for (auto& c : text) c = alphabet[random() % alphabet.size()];
    EXPECT_FALSE(codec.decode(text).ok()) << text;
  }
  EXPECT_FALSE(codec.decode("").ok());
  EXPECT_FALSE(codec.decode(std::string(max_cursor_chars + 4, 'A')).ok());
}

// Authenticated but arbitrary bodies (as if the key had leaked): decoding stays defensive.
TEST(CursorCodec, AuthenticatedGarbageIsParsedSafely) {
  const std::string key = "k1";
  const CursorCodec codec(key);
  std::mt19937_64 random(7);
  int accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::uint8_t> body(1 + random() % 120);
    for (auto& b : body) b = static_cast<std::uint8_t>(random());
    body[0] = cursor_version;
    if (round % 3 == 0 && body.size() > 17) body[17] = static_cast<std::uint8_t>(random() % 4);  // plausible count
    const std::string_view message(reinterpret_cast<const char*>(body.data()), body.size());
    auto hex = hash::hmac_sha256_hex(key, message);
    ASSERT_TRUE(hex.ok());
    for (std::size_t i = 0; i < 16; ++i) body.push_back(static_cast<std::uint8_t>(std::stoi(hex->substr(2 * i, 2), nullptr, 16)));
    auto decoded = codec.decode(base64url_encode(body));
    if (decoded.ok()) {
      ++accepted;
      // Whatever was accepted encodes back to exactly the same bytes.
      EXPECT_EQ(codec.encode(*decoded), base64url_encode(body));
    } else {
      EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument);
    }
  }
  SUCCEED() << accepted << " accepted";
}

TEST(CursorCodec, UnknownVersionIsRejected) {
  const CursorCodec codec("k1");
  auto bytes = base64url_decode(codec.encode(sample_cursor()));
  ASSERT_TRUE(bytes);
  (*bytes)[0] = 2;
  auto decoded = codec.decode(base64url_encode(*bytes));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().detail.find("version"), std::string::npos);
}

TEST(Base64Url, RoundTripsAndRejectsNonCanonicalText) {
  std::mt19937 random(3);
  for (std::size_t n = 0; n < 40; ++n) {
    std::vector<std::uint8_t> bytes(n);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    const auto text = base64url_encode(bytes);
    EXPECT_EQ(text.find('='), std::string::npos);
    EXPECT_EQ(base64url_decode(text), std::optional<std::vector<std::uint8_t>>(bytes));
  }
  EXPECT_EQ(base64url_encode(std::vector<std::uint8_t>{0xfb, 0xff}), "-_8");
  EXPECT_FALSE(base64url_decode("-_9"));  // unused low bits set
  EXPECT_FALSE(base64url_decode("A"));    // impossible length
  EXPECT_FALSE(base64url_decode("AA=="));
  EXPECT_FALSE(base64url_decode("A+/A"));
}

RecordQuery query_of(std::vector<RecordKind> kinds, std::vector<std::string> gateways,
                     std::optional<std::string> user = std::nullopt) {
  RecordQuery query;
  query.kinds = std::move(kinds);
  query.gateways = std::move(gateways);
  query.user_id = std::move(user);
  return query;
}

TEST(RecordSources, TransfersInBothDirectionsThenSwapsPerGateway) {
  const auto sources = record_sources(query_of({RecordKind::transfer, RecordKind::swap}, {"a", "b"}, "user-1"));
  const std::vector<SourceSpec> expected = {{"a", SourceKind::transfer_from}, {"a", SourceKind::transfer_to},
                                            {"a", SourceKind::swap},          {"b", SourceKind::transfer_from},
                                            {"b", SourceKind::transfer_to},   {"b", SourceKind::swap}};
  EXPECT_EQ(sources, expected);
  EXPECT_EQ(record_sources(query_of({RecordKind::swap}, {"a"})), (std::vector<SourceSpec>{{"a", SourceKind::swap}}));
}

TEST(QueryFingerprint, DependsOnEveryFilterButNotOnLimitOrCursor) {
  auto base = query_of({RecordKind::transfer, RecordKind::swap}, {"a", "b"}, "user-alice");
  base.since = parse_rfc3339("2025-03-01T00:00:00Z");
  const auto fingerprint = [](const RecordQuery& q) { return query_fingerprint(q, record_sources(q)); };
  const auto reference = fingerprint(base);

  auto same = base;
  same.limit = 7;
  same.cursor = "whatever";
  EXPECT_EQ(fingerprint(same), reference);

  std::vector<RecordQuery> others(6, base);
  others[0].kinds = {RecordKind::swap};
  others[1].gateways = {"a"};
  others[2].user_id = "user-alice2";
  others[3].since = parse_rfc3339("2025-03-01T00:00:00.001Z");
  others[4].until = parse_rfc3339("2025-04-01T00:00:00Z");
  others[5].gateways = {"ab"};
  for (const auto& other : others) EXPECT_NE(fingerprint(other), reference);
  // Field boundaries cannot be shifted: gateways {"a","b"} vs {"ab"} above, user vs none.
  auto no_user = query_of({RecordKind::swap}, {"a"});
  auto user = query_of({RecordKind::swap}, {"a"}, "");
  EXPECT_NE(fingerprint(no_user), fingerprint(user));
}

}  // namespace
}  // namespace coinfan::records
