#pragma once
// How a successful GET answer of the API is put on the wire: a strong `ETag` of its bytes, 304
// on a matching `If-None-Match`, `Content-Encoding: gzip` when the caller accepts it, `Vary`
// and the route's `Cache-Control`. A cached view body is hashed and compressed once, however
// many requests it answers; other bodies are handled per request.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "coinfan/http/router.hpp"

namespace coinfan::api {

// `Cache-Control` of answers that are computed per request (records, lookups, gateway health):
// a cache may keep them but must ask again (a lookup's ETag makes the second answer a 304).
inline constexpr std::string_view revalidate_cache_control = "private, no-cache";

// Bodies shorter than this are sent as they are: gzip would save next to nothing.
inline constexpr std::size_t gzip_min_bytes = 1024;
// A cached body (or its gzip form) at least this large gets a sealed file (http::SealedBody)
// the second time it is sent, and is then written with sendfile(2). A body answered once
// (a selection nobody asks for again) never costs a file.
inline constexpr std::size_t sealed_min_bytes = 16384;

// `Accept-Encoding` allows gzip (`gzip`, `x-gzip` or `*`, with a non-zero q-value).
bool accepts_gzip(std::string_view accept_encoding);
// `If-None-Match` (a list of entity tags, or `*`) matches `etag`, by the weak comparison
// RFC 9110 §13.1.2 prescribes for GET.
bool none_match(std::string_view if_none_match, std::string_view etag);
// The gzip (RFC 1952) form of `bytes`; empty only if zlib fails.
std::string gzip(std::string_view bytes);

class Representations {
 public:
  struct Stats {
    std::uint64_t compressions = 0;  // bodies compressed
    std::uint64_t reused = 0;        // answers that reused an earlier compression or hash
    std::uint64_t not_modified = 0;  // 304 answers
    std::uint64_t sealed = 0;        // sealed files made (one per cached body or gzip form)
  };

  // Finishes `response` (the handler's answer to `request`): a 2xx answer gets `cache_control`,
  // and when it answers GET or HEAD its ETag, then 304 or gzip. Other answers are left alone.
  // Without `validators` there is no ETag and no 304: for bodies that differ on every request
  // (an `as_of` of their own), where a tag could never match.
  void apply(const http::Request& request, http::Response& response, std::string_view cache_control,
             bool validators = true);
  Stats stats() const;

 private:
  struct Entry {
    std::weak_ptr<const std::string> source;
    std::string etag;
    std::shared_ptr<const std::string> gzip;
    std::shared_ptr<const http::SealedBody> sealed;       // of the body
    std::shared_ptr<const http::SealedBody> sealed_gzip;  // of the gzip form
    std::uint32_t sends = 0;                              // answers sent from the body's forms
    std::string head_for;                                 // the Cache-Control the head lines carry
    std::shared_ptr<const std::string> head;              // header lines of the body's answer
    std::shared_ptr<const std::string> head_gzip;         // of its gzip form's
  };
  // The steady state of a cached body, in one lookup: when its tag, the wanted form and that
  // form's sealed file (if it gets one) are all made, `response` is finished here. A plain GET
  // (no Origin, no If-None-Match) gets its Cache-Control, Vary, ETag and Content-Encoding as
  // header lines made once per form (http::Response::fixed_head); others get the headers.
  bool finish_known(const http::Request& request, http::Response& response, bool want_gzip,
                    std::string_view cache_control);
  // A 304 for `response`: no body, no Content-Type; counted.
  void not_modified(http::Response& response);
  // The cached forms of a shared (cached) body; computed outside the lock.
  Entry forms_of(const std::shared_ptr<const std::string>& body, bool want_gzip);
  // The sealed file of `form` (the body `source` or its gzip form), made on its second send;
  // nullptr before that or when the form is small.
  std::shared_ptr<const http::SealedBody> sealed_of(const std::shared_ptr<const std::string>& source,
                                                    const std::shared_ptr<const std::string>& form);

  mutable std::mutex mutex_;
  std::unordered_map<const std::string*, Entry> entries_;
  Stats stats_;
};

// `handler`, its answers finished by `representations` with `cache_control`.
http::Handler represented(std::shared_ptr<Representations> representations, std::string cache_control,
                          http::Handler handler, bool validators = true);
// The same for a route's immediate answer.
http::Immediate represented_now(std::shared_ptr<Representations> representations, std::string cache_control,
                                http::Immediate immediate, bool validators = true);

}  // namespace coinfan::api
