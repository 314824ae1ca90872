// The pieces of HTTP representation: Accept-Encoding and If-None-Match as RFC 9110 reads them,
// gzip that inflates back to the input, and Representations on plain responses.

#include "api/representation.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/gunzip.hpp"

namespace coinfan::api {
namespace {

TEST(AcceptsGzip, NamedWithoutOrWithNonZeroQualityOrByWildcard) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("GZIP"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip(" deflate ,  gzip ; q=1"));
}

TEST(AcceptsGzip, RefusedByZeroQualityOrAbsence) {
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("gzip; Q=0."));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  // An explicit refusal of gzip wins over a wildcard that would accept it.
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));
  EXPECT_FALSE(accepts_gzip("gzipx, xgzip"));
}

TEST(NoneMatch, ListsWildcardAndWeakComparison) {
  EXPECT_TRUE(none_match("\"abc\"", "\"abc\""));
  EXPECT_TRUE(none_match("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(none_match("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(none_match(" * ", "\"abc\""));
  EXPECT_FALSE(none_match("\"abd\"", "\"abc\""));
  EXPECT_FALSE(none_match("abc", "\"abc\""));
  EXPECT_FALSE(none_match("", "\"abc\""));
  EXPECT_FALSE(none_match("\"abc-gzip\"", "\"abc\""));
}

TEST(Gzip, InflatesBackToTheInput) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"asset\":\"USDT\",\"total\":\"" + std::to_string(i) + ".5\"},";
  const auto compressed = gzip(text);
  ASSERT_FALSE(compressed.empty());
  EXPECT_LT(compressed.size(), text.size() / 4);
  EXPECT_EQ(testing::gunzip(compressed), text);
  EXPECT_EQ(testing::gunzip(gzip("")), "");
}

http::Request get_with(std::vector<std::pair<std::string, std::string>> headers) {
  http::Request request;
  request.method = "GET";
  request.headers = std::move(headers);
  return request;
}

TEST(Representations, SmallBodiesAreNotCompressedButGetAnEtag) {
  Representations representations;
  auto response = http::json_response(200, R"({"status":"ok"})");
  representations.apply(get_with({{"Accept-Encoding", "gzip"}}), response, "private, no-cache");
  EXPECT_FALSE(http::find_header(response.headers, "Content-Encoding"));
  EXPECT_EQ(response.body, R"({"status":"ok"})");
  const auto etag = http::find_header(response.headers, "ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(etag->size(), 34u);  // 32 hex digits in quotes
  EXPECT_EQ(http::find_header(response.headers, "Cache-Control"), "private, no-cache");
  EXPECT_EQ(representations.stats().compressions, 0u);
}

TEST(Representations, ErrorsAndWritesAreLeftAlone) {
  Representations representations;
  auto problem = http::problem(502, "all_gateways_failed", std::string(4000, 'x'));
  representations.apply(get_with({{"Accept-Encoding", "gzip"}}), problem, "private, max-age=5");
  EXPECT_FALSE(http::find_header(problem.headers, "ETag"));
  EXPECT_FALSE(http::find_header(problem.headers, "Content-Encoding"));
  EXPECT_FALSE(http::find_header(problem.headers, "Cache-Control"));

  http::Request post = get_with({{"Accept-Encoding", "gzip"}});
  post.method = "POST";
  auto created = http::json_response(201, std::string(4000, ' ') + "{}");
  representations.apply(post, created, "");
  EXPECT_FALSE(http::find_header(created.headers, "ETag"));
  EXPECT_FALSE(http::find_header(created.headers, "Content-Encoding"));
}

TEST(Representations, AnUnsharedBodyIsCompressedPerAnswerAndMatchesItsOwnTag) {
  Representations representations;
  const std::string body = "[" + std::string(3000, ' ') + "]";
  auto first = http::json_response(200, body);
  representations.apply(get_with({{"Accept-Encoding", "gzip"}}), first, "");
  ASSERT_EQ(http::find_header(first.headers, "Content-Encoding"), "gzip");
  EXPECT_EQ(testing::gunzip(first.body_view()), body);
  const std::string gzip_tag(*http::find_header(first.headers, "ETag"));
  EXPECT_TRUE(gzip_tag.ends_with("-gzip\""));

  auto plain = http::json_response(200, body);
  representations.apply(get_with({{"If-None-Match", gzip_tag}}), plain, "");
  EXPECT_EQ(plain.status, 200u) << "the identity form has its own tag";
  auto again = http::json_response(200, body);
  representations.apply(get_with({{"Accept-Encoding", "gzip"}, {"If-None-Match", gzip_tag}}), again, "");
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body_view().empty());
  EXPECT_EQ(representations.stats().compressions, 1u) << "a 304 needs no compression";
  EXPECT_EQ(representations.stats().not_modified, 1u);
}

TEST(Representations, WithoutValidatorsThereIsNoTagAndNo304ButStillGzip) {
  Representations representations;
  const std::string body = "{" + std::string(3000, ' ') + "}";
  auto response = http::json_response(200, body);
  representations.apply(get_with({{"Accept-Encoding", "gzip"}, {"If-None-Match", "*"}}), response,
                        "private, no-cache", false);
  EXPECT_EQ(response.status, 200u);
  EXPECT_FALSE(http::find_header(response.headers, "ETag"));
  EXPECT_EQ(http::find_header(response.headers, "Content-Encoding"), "gzip");
  EXPECT_EQ(testing::gunzip(response.body_view()), body);
  EXPECT_EQ(representations.stats().not_modified, 0u);
}

// Bytes gzip cannot shrink much, so their gzip form is large too.
std::string incompressible(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  for (auto& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

http::Response shared_response(const std::shared_ptr<const std::string>& body) {
  http::Response response;
  response.shared_body = body;
  return response;
}

// An answer's headers as they go on the wire: `headers`, then its fixed head lines.
http::Headers wire_headers(const http::Response& response) {
  http::Headers out = response.headers;
  if (!response.fixed_head) return out;
  std::string_view lines = *response.fixed_head;
  while (!lines.empty()) {
    const auto end = lines.find("\r\n");
    EXPECT_NE(end, std::string_view::npos) << "a fixed head line must end with CRLF";
    if (end == std::string_view::npos) break;
    const auto line = lines.substr(0, end);
    const auto colon = line.find(": ");
    EXPECT_NE(colon, std::string_view::npos);
    if (colon == std::string_view::npos) break;
    out.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    lines.remove_prefix(end + 2);
  }
  return out;
}

TEST(Representations, ALargeCachedBodyGetsOneSealedFileFromItsSecondSend) {
  Representations representations;
  auto body = std::make_shared<const std::string>(incompressible(60000, 1));
  auto first = shared_response(body);
  representations.apply(get_with({}), first, "");
  EXPECT_FALSE(first.sealed) << "a body sent once costs no file";
  auto second = shared_response(body);
  representations.apply(get_with({}), second, "");
  ASSERT_TRUE(second.sealed);
  EXPECT_EQ(second.sealed->source(), body.get());
  EXPECT_EQ(second.sealed->size(), body->size());
  auto third = shared_response(body);
  representations.apply(get_with({}), third, "");
  EXPECT_EQ(third.sealed, second.sealed);
  EXPECT_EQ(representations.stats().sealed, 1u);

  // The gzip form has a file of its own, holding the compressed bytes the answer carries.
  for (int i = 0; i < 2; ++i) {
    auto zipped = shared_response(body);
    representations.apply(get_with({{"Accept-Encoding", "gzip"}}), zipped, "");
    ASSERT_EQ(http::find_header(wire_headers(zipped), "Content-Encoding"), "gzip");
    if (i == 0) continue;
    ASSERT_TRUE(zipped.sealed);
    EXPECT_EQ(zipped.sealed->source(), zipped.shared_body.get());
    std::string back(zipped.sealed->size(), '\0');
    ASSERT_EQ(::pread(zipped.sealed->fd(), back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
    EXPECT_EQ(testing::gunzip(back), *body);
  }
  EXPECT_EQ(representations.stats().sealed, 2u);
  EXPECT_EQ(representations.stats().compressions, 1u);
}

// Once every form of a cached body is made, answers take the one-lookup path (with its header
// lines made once): they must be the very answers the first full pass gave (headers, body,
// file), for both forms and for a 304.
TEST(Representations, AnswersFromKnownFormsEqualTheFirstFullAnswers) {
  for (const bool large : {false, true}) {
    Representations representations;
    auto body = std::make_shared<const std::string>(incompressible(large ? 60000 : 4000, 7));
    for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {}, {{"Accept-Encoding", "gzip"}}}) {
      std::vector<http::Response> answers;
      for (int i = 0; i < 4; ++i) {
        answers.push_back(shared_response(body));
        answers.back().headers.emplace_back("Age", "1");
        representations.apply(get_with(headers), answers.back(), "private, max-age=1");
      }
      // The first answer builds the forms, the second the file (when large); after that the
      // answers repeat the second exactly.
      EXPECT_FALSE(answers[0].fixed_head);
      for (int i = 2; i < 4; ++i) {
        EXPECT_TRUE(answers[i].fixed_head) << "large " << large << " answer " << i;
        EXPECT_EQ(wire_headers(answers[i]), wire_headers(answers[1])) << "large " << large << " answer " << i;
        EXPECT_EQ(answers[i].status, 200u);
        EXPECT_EQ(answers[i].shared_body, answers[1].shared_body);
        EXPECT_EQ(answers[i].sealed, answers[1].sealed);
        EXPECT_EQ(wire_headers(answers[i]), answers[0].headers);
      }
      EXPECT_EQ(answers[3].fixed_head, answers[2].fixed_head) << "made once per form";
      EXPECT_EQ(static_cast<bool>(answers[3].sealed), large);
      const auto wire = wire_headers(answers[3]);
      const auto etag = http::find_header(wire, "ETag");
      ASSERT_TRUE(etag);
      auto conditional = headers;
      conditional.emplace_back("If-None-Match", std::string(*etag));
      auto revalidated = shared_response(body);
      representations.apply(get_with(conditional), revalidated, "private, max-age=1");
      EXPECT_EQ(revalidated.status, 304u);
      EXPECT_TRUE(revalidated.body_view().empty());
      EXPECT_EQ(http::find_header(revalidated.headers, "ETag"), etag);
    }
    EXPECT_EQ(representations.stats().compressions, 1u);
    EXPECT_EQ(representations.stats().not_modified, 2u);
  }
}

TEST(Representations, CorsOrAnotherCacheControlDoNotReuseTheHeadLines) {
  Representations representations;
  auto body = std::make_shared<const std::string>(incompressible(4000, 8));
  for (int i = 0; i < 3; ++i) {
    auto warm = shared_response(body);
    representations.apply(get_with({}), warm, "private, max-age=1");
  }
  // A browser's request (Origin) gets plain headers, so CORS can merge its Vary.
  auto cors = shared_response(body);
  representations.apply(get_with({{"Origin", "https://dash.example"}}), cors, "private, max-age=1");
  EXPECT_FALSE(cors.fixed_head);
  EXPECT_EQ(http::find_header(cors.headers, "Vary"), "Accept-Encoding");
  // Lines made for one Cache-Control are never sent with another.
  auto other = shared_response(body);
  representations.apply(get_with({}), other, "no-cache");
  ASSERT_TRUE(other.fixed_head);
  EXPECT_EQ(http::find_header(wire_headers(other), "Cache-Control"), "no-cache");
  auto again = shared_response(body);
  representations.apply(get_with({}), again, "private, max-age=1");
  EXPECT_EQ(http::find_header(wire_headers(again), "Cache-Control"), "private, max-age=1");
}

TEST(Representations, SmallOrUnsharedBodiesGetNoFile) {
  Representations representations;
  auto small = std::make_shared<const std::string>(incompressible(sealed_min_bytes - 1, 2));
  for (int i = 0; i < 3; ++i) {
    auto response = shared_response(small);
    representations.apply(get_with({}), response, "");
    EXPECT_FALSE(response.sealed);
  }
  for (int i = 0; i < 3; ++i) {
    auto response = http::json_response(200, incompressible(60000, 3));
    representations.apply(get_with({}), response, "");
    EXPECT_FALSE(response.sealed);
  }
  EXPECT_EQ(representations.stats().sealed, 0u);
}

TEST(Representations, TheFormsOfABodyNobodyHoldsGoWhenTheNextBodyArrives) {
  Representations representations;
  int fd = -1;
  {
    auto body = std::make_shared<const std::string>(incompressible(60000, 4));
    for (int i = 0; i < 2; ++i) {
      auto response = shared_response(body);
      representations.apply(get_with({}), response, "");
      if (response.sealed) fd = response.sealed->fd();
    }
  }
  ASSERT_GE(fd, 0);
  EXPECT_NE(::fcntl(fd, F_GETFD), -1) << "kept while its entry is";
  auto next = std::make_shared<const std::string>(incompressible(60000, 5));
  auto response = shared_response(next);
  representations.apply(get_with({}), response, "");
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1) << "the old body's file is closed";
}

}  // namespace
}  // namespace coinfan::api
