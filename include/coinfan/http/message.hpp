#pragma once
// The server's own request/response values: handlers see these, never Beast types, so they
// stay plain functions that tests call directly.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinfan::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; the first match wins.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

// What one connection remembers between its requests: the API key it last presented that
// matched, so its next request with the same key skips the hash. Per connection, never shared:
// a caller learns nothing from it about keys other callers present.
struct CallerMemo {
  std::uint64_t auth = 0;  // the ApiKeyAuth that matched (its generation); 0: nothing known
  std::string presented;   // the key as presented
  std::size_t key = 0;     // the index of the configured key it matched
  void forget() noexcept;  // wipes the remembered key
  ~CallerMemo() { forget(); }
};

struct Request {
  std::string method;   // upper case as received: GET, HEAD, POST, ...
  std::string target;   // raw request target
  std::string path;     // percent-decoded path, without the query
  std::string query;    // raw query string, without '?'
  Headers headers;
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;
  std::string request_id;
  std::string client_address;
  std::string api_key_name;  // the configured name of the API key a write was made with
  CallerMemo* caller_memo = nullptr;  // the connection's, when it has one (the server sets it)

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

// A body's bytes in an anonymous file, so that the server sends them with sendfile(2) instead of
// copying them through user space on every request. Immutable once made; the file is closed
// with its last owner. Preferred: an unnamed file (O_TMPFILE) in the page cache of a disk
// filesystem, kept through a read-only descriptor — sendfile from it costs about 1 us less per
// 53 KB answer than from shared memory (BENCHMARKS.md); where none can be made, a sealed
// memfd. Either lives in memory: the disk file is unlinked from its birth, so its pages are
// written out only if it outlives the kernel's writeback delay (cached bodies rarely do).
class SealedBody {
 public:
  enum class Kind { disk_file, memory_file };
  // Where disk files are made (a disk filesystem by convention, unlike /tmp).
  static constexpr const char* default_directory = "/var/tmp";

  // nullptr when no file can be made here (the caller sends from memory instead).
  // `source` names the bytes this file holds (Response::shared_body's pointee). An empty
  // `directory` makes a memfd.
  static std::shared_ptr<const SealedBody> make(const std::string& source, const char* directory = default_directory);
  SealedBody(const SealedBody&) = delete;
  SealedBody& operator=(const SealedBody&) = delete;
  ~SealedBody();

  int fd() const noexcept { return fd_; }
  std::size_t size() const noexcept { return size_; }
  const std::string* source() const noexcept { return source_; }
  Kind kind() const noexcept { return kind_; }

 private:
  SealedBody(int fd, std::size_t size, const std::string* source, Kind kind)
      : fd_(fd), size_(size), source_(source), kind_(kind) {}
  int fd_;
  std::size_t size_;
  const std::string* source_;
  Kind kind_;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  Headers headers;
  // The body; `shared_body`, when set, is sent instead so cached bytes are never copied.
  std::string body;
  std::shared_ptr<const std::string> shared_body;
  // The same bytes as `shared_body` in a sealed file; used only while it still names
  // `shared_body` as its source.
  std::shared_ptr<const SealedBody> sealed;
  // Header lines made once for a cached answer ("Name: value\r\n" each, checked when made),
  // written after `headers`: the server neither parses nor checks them again.
  std::shared_ptr<const std::string> fixed_head;
  bool close_connection = false;

  std::string_view body_view() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }
  void set_header(std::string name, std::string value);
};

Response json_response(unsigned status, std::string body);

// RFC 9457 problem details; `code` is the machine-readable error code.
Response problem(unsigned status, std::string_view code, std::string_view detail);
std::string_view status_title(unsigned status) noexcept;

}  // namespace coinfan::http
