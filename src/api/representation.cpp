#include "api/representation.hpp"

#include <zlib.h>

#include <algorithm>
#include <utility>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/hash.hpp"

namespace coinfan::api {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Calls `each` with every comma-separated, trimmed, non-empty element of a header value.
template <typename Each>
void for_each_element(std::string_view list, Each&& each) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto element = trim(list.substr(0, comma));
    if (!element.empty() && each(element)) return;
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// A q-value of zero ("0", "0.", "0.000") refuses the coding; anything else accepts it.
bool q_is_zero(std::string_view parameters) {
  std::size_t at = 0;
  while ((at = parameters.find(';')) != std::string_view::npos) {
    parameters.remove_prefix(at + 1);
    const auto parameter = trim(parameters.substr(0, parameters.find(';')));
    if (parameter.size() < 2 || ascii::to_lower(parameter[0]) != 'q' || parameter[1] != '=') continue;
    const auto value = trim(parameter.substr(2));
    if (value.empty() || value[0] != '0') return false;
    for (const char c : value.substr(1)) {
      if (c != '.' && c != '0') return false;
    }
    return true;
  }
  return false;
}

std::string etag_of(std::string_view bytes, std::string_view suffix) {
  auto digest = hash::sha256_hex(bytes);
  if (!digest) return {};
  std::string tag;
  tag.reserve(34 + suffix.size());
  tag.push_back('"');
  tag.append(*digest, 0, 32);
  tag.append(suffix);
  tag.push_back('"');
  return tag;
}

constexpr std::string_view gzip_suffix = "-gzip";

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  bool accepted = false;
  for_each_element(accept_encoding, [&](std::string_view element) {
    const auto coding = trim(element.substr(0, element.find(';')));
    if (ascii::iequals(coding, "gzip") || ascii::iequals(coding, "x-gzip") || coding == "*") {
      accepted = !q_is_zero(element);
      // An explicit gzip entry decides; `*` only when gzip is not named.
      return coding != "*";
    }
    return false;
  });
  return accepted;
}

bool none_match(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  const auto opaque = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
  bool matched = false;
  for_each_element(if_none_match, [&](std::string_view tag) { return matched = opaque(tag) == opaque(etag); });
  return matched;
}

std::string gzip(std::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate data.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const auto written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return {};
  out.resize(written);
  return out;
}

Representations::Entry Representations::forms_of(const std::shared_ptr<const std::string>& body, bool want_gzip) {
  Entry known;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(body.get());
    // The address may be reused by a later body: only an entry whose source is this very
    // body counts.
    if (it != entries_.end() && it->second.source.lock() == body) known = it->second;
    if (!known.etag.empty() && (!want_gzip || known.gzip)) {
      ++stats_.reused;
      return known;
    }
  }
  if (known.etag.empty()) known.etag = etag_of(*body, "");
  bool compressed = false;
  if (want_gzip && !known.gzip) {
    auto bytes = gzip(*body);
    if (!bytes.empty()) known.gzip = std::make_shared<const std::string>(std::move(bytes));
    compressed = true;
  }
  known.source = body;
  std::lock_guard lock(mutex_);
  if (compressed) ++stats_.compressions;
  const auto it = entries_.find(body.get());
  if (it != entries_.end() && it->second.source.lock() == body) {
    // Another request may have filled part of the entry meanwhile: keep what it made.
    auto& entry = it->second;
    if (!entry.gzip) entry.gzip = known.gzip;
    if (entry.etag.empty()) entry.etag = known.etag;
    known = entry;
    return known;
  }
  // A new body: entries of bodies nobody holds any more go, with their gzip forms and files.
  std::erase_if(entries_, [](const auto& item) { return item.second.source.expired(); });
  entries_[body.get()] = known;
  return known;
}

std::shared_ptr<const http::SealedBody> Representations::sealed_of(const std::shared_ptr<const std::string>& source,
                                                                   const std::shared_ptr<const std::string>& form) {
  if (!form || form->size() < sealed_min_bytes) return nullptr;
  const bool of_gzip = form != source;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(source.get());
    if (it == entries_.end() || it->second.source.lock() != source) return nullptr;
    auto& entry = it->second;
    auto& sealed = of_gzip ? entry.sealed_gzip : entry.sealed;
    if (sealed) return sealed;
    if (++entry.sends < 2) return nullptr;
  }
  auto made = http::SealedBody::make(*form);
  if (!made) return nullptr;
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(source.get());
  if (it == entries_.end() || it->second.source.lock() != source) return made;
  auto& sealed = of_gzip ? it->second.sealed_gzip : it->second.sealed;
  if (!sealed) {
    sealed = std::move(made);
    ++stats_.sealed;
  }
  return sealed;
}

void Representations::not_modified(http::Response& response) {
  response.status = 304;
  response.body.clear();
  response.shared_body.reset();
  response.content_type.clear();
  std::lock_guard lock(mutex_);
  ++stats_.not_modified;
}

namespace {

// The header lines of a cached form's answer; nullptr when a value could not go on the wire.
std::shared_ptr<const std::string> make_head(std::string_view cache_control, std::string_view etag, bool gzip) {
  if (!ascii::is_field_value(cache_control) || !ascii::is_field_value(etag)) return nullptr;
  std::string head;
  if (!cache_control.empty()) head.append("Cache-Control: ").append(cache_control).append("\r\n");
  head.append("Vary: Accept-Encoding\r\nETag: ").append(etag).append("\r\n");
  if (gzip) head.append("Content-Encoding: gzip\r\n");
  return std::make_shared<const std::string>(std::move(head));
}

// A plain GET's answer: no CORS (Origin merges Vary), no revalidation, and no header of its
// own among those the cached lines carry.
bool takes_fixed_head(const http::Request& request, const http::Response& response) {
  if (request.header("Origin") || request.header("If-None-Match")) return false;
  return std::none_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
    const auto& name = header.first;
    return ascii::iequals(name, "Cache-Control") || ascii::iequals(name, "Vary") || ascii::iequals(name, "ETag") ||
           ascii::iequals(name, "Content-Encoding");
  });
}

}  // namespace

bool Representations::finish_known(const http::Request& request, http::Response& response, bool want_gzip,
                                   std::string_view cache_control) {
  const auto& body = response.shared_body;
  const bool fixed = takes_fixed_head(request, response);
  std::string etag;
  std::shared_ptr<const std::string> form;
  std::shared_ptr<const std::string> head;
  std::shared_ptr<const http::SealedBody> sealed;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(body.get());
    if (it == entries_.end()) return false;
    Entry& entry = it->second;
    // The same body, not a later one at a reused address: the weak pointer shares its owner.
    if (entry.source.owner_before(body) || body.owner_before(entry.source)) return false;
    if (entry.etag.empty() || (want_gzip && !entry.gzip)) return false;
    form = want_gzip ? entry.gzip : body;
    sealed = want_gzip ? entry.sealed_gzip : entry.sealed;
    if (!sealed && form->size() >= sealed_min_bytes) return false;  // its file is still to come
    etag = entry.etag;
    if (want_gzip) etag.insert(etag.size() - 1, gzip_suffix);
    if (fixed) {
      if (entry.head_for != cache_control) {
        entry.head.reset();
        entry.head_gzip.reset();
        entry.head_for = std::string(cache_control);
      }
      auto& lines = want_gzip ? entry.head_gzip : entry.head;
      if (!lines) lines = make_head(cache_control, etag, want_gzip);
      if (!lines) return false;
      head = lines;
    }
    ++stats_.reused;
  }
  if (head) {
    response.fixed_head = std::move(head);
  } else {
    if (!cache_control.empty()) response.set_header("Cache-Control", std::string(cache_control));
    response.set_header("Vary", "Accept-Encoding");
    const auto if_none_match = request.header("If-None-Match");
    const bool matches = if_none_match && none_match(*if_none_match, etag);
    response.set_header("ETag", std::move(etag));
    if (matches) {
      not_modified(response);
      return true;
    }
    if (want_gzip) response.set_header("Content-Encoding", "gzip");
  }
  response.sealed = std::move(sealed);
  if (want_gzip) {
    response.shared_body = std::move(form);
    response.body.clear();
  }
  return true;
}

void Representations::apply(const http::Request& request, http::Response& response, std::string_view cache_control,
                            bool validators) {
  // Problems carry their own `Cache-Control: no-store` (http::problem).
  if (response.status < 200 || response.status >= 300) return;
  const bool get = request.method == "GET" || request.method == "HEAD";
  const auto body = response.body_view();
  const auto accept = get ? request.header("Accept-Encoding") : std::nullopt;
  const bool want_gzip = accept && accepts_gzip(*accept) && body.size() >= gzip_min_bytes;
  if (get && validators && response.shared_body && finish_known(request, response, want_gzip, cache_control)) {
    return;
  }
  if (!cache_control.empty()) response.set_header("Cache-Control", std::string(cache_control));
  if (!get) return;

  if (!validators) {
    response.set_header("Vary", "Accept-Encoding");
    if (!want_gzip) return;
    auto bytes = gzip(body);
    if (bytes.empty()) return;
    {
      std::lock_guard lock(mutex_);
      ++stats_.compressions;
    }
    response.body = std::move(bytes);
    response.shared_body.reset();
    response.set_header("Content-Encoding", "gzip");
    return;
  }
  // The tag first: a 304 needs no compression. The gzip form's tag is the identity tag with a
  // suffix, so both are known from one hash.
  Entry forms;
  if (response.shared_body) {
    forms = forms_of(response.shared_body, false);
  } else {
    forms.etag = etag_of(body, "");
  }
  std::string etag = forms.etag;
  if (want_gzip && !etag.empty()) etag.insert(etag.size() - 1, gzip_suffix);

  response.set_header("Vary", "Accept-Encoding");
  if (etag.empty()) return;  // hashing failed: the answer goes out as it is
  response.set_header("ETag", etag);
  const auto if_none_match = request.header("If-None-Match");
  if (if_none_match && none_match(*if_none_match, etag)) {
    not_modified(response);
    return;
  }
  if (!want_gzip) {
    if (response.shared_body) response.sealed = sealed_of(response.shared_body, response.shared_body);
    return;
  }
  std::shared_ptr<const std::string> compressed;
  if (response.shared_body) {
    compressed = forms_of(response.shared_body, true).gzip;
    if (compressed) response.sealed = sealed_of(response.shared_body, compressed);
  } else {
    auto bytes = gzip(body);
    if (!bytes.empty()) compressed = std::make_shared<const std::string>(std::move(bytes));
    std::lock_guard lock(mutex_);
    ++stats_.compressions;
  }
  if (!compressed) {
    response.set_header("ETag", forms.etag);  // zlib failed: the identity form, with its tag
    return;
  }
  response.shared_body = std::move(compressed);
  response.body.clear();
  response.set_header("Content-Encoding", "gzip");
}

Representations::Stats Representations::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

namespace {

// Every parameter is a copy: nothing here outlives a co_await by reference (the request is
// kept by the session until the answer is sent).
boost::asio::awaitable<http::Response> finish(std::shared_ptr<Representations> representations,
                                              std::shared_ptr<const std::string> cache_control,
                                              std::shared_ptr<const http::Handler> handler, bool validators,
                                              const http::Request& request) {
  auto answer = (*handler)(request);
  auto response = co_await std::move(answer);
  representations->apply(request, response, *cache_control, validators);
  co_return response;
}

}  // namespace

http::Handler represented(std::shared_ptr<Representations> representations, std::string cache_control,
                          http::Handler handler, bool validators) {
  auto shared_handler = std::make_shared<const http::Handler>(std::move(handler));
  auto shared_control = std::make_shared<const std::string>(std::move(cache_control));
  return [representations = std::move(representations), shared_control, shared_handler,
          validators](const http::Request& request) {
    return finish(representations, shared_control, shared_handler, validators, request);
  };
}

http::Immediate represented_now(std::shared_ptr<Representations> representations, std::string cache_control,
                                http::Immediate immediate, bool validators) {
  return [representations = std::move(representations), cache_control = std::move(cache_control),
          immediate = std::move(immediate), validators](const http::Request& request) -> std::optional<http::Response> {
    auto response = immediate(request);
    if (response) representations->apply(request, *response, cache_control, validators);
    return response;
  };
}

}  // namespace coinfan::api
