#include "coinfan/http/message.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/problem.hpp"

namespace coinfan::http {

void CallerMemo::forget() noexcept {
  if (!presented.empty()) OPENSSL_cleanse(presented.data(), presented.size());
  presented.clear();
  auth = 0;
  key = 0;
}

namespace {

bool write_all(int fd, const std::string& source) {
  std::size_t written = 0;
  while (written < source.size()) {
    const auto n = ::write(fd, source.data() + written, source.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

// An unnamed file in `directory` holding `source`, as a read-only descriptor; -1 if not here.
int disk_file(const std::string& source, const char* directory) {
  const int fd = ::open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  if (!write_all(fd, source)) {
    ::close(fd);
    return -1;
  }
  // Only a read-only descriptor is kept: nothing in this process can change the bytes.
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  const int reader = ::open(self.c_str(), O_RDONLY | O_CLOEXEC);
  ::close(fd);
  return reader;
}

// A sealed memfd holding `source`; -1 if none can be made.
int memory_file(const std::string& source) {
  const int fd = ::memfd_create("coinfan-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  // Sealed: nobody, this process included, can change or resize the bytes any more.
  if (!write_all(fd, source) ||
      ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::shared_ptr<const SealedBody> SealedBody::make(const std::string& source, const char* directory) {
  if (directory != nullptr && *directory != '\0') {
    if (const int fd = disk_file(source, directory); fd >= 0) {
      return std::shared_ptr<const SealedBody>(new SealedBody(fd, source.size(), &source, Kind::disk_file));
    }
  }
  const int fd = memory_file(source);
  if (fd < 0) return nullptr;
  return std::shared_ptr<const SealedBody>(new SealedBody(fd, source.size(), &source, Kind::memory_file));
}

SealedBody::~SealedBody() { ::close(fd_); }

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (ascii::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (ascii::iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

Response json_response(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string_view status_title(unsigned status) noexcept { return coinfan::status_title(status); }

Response problem(unsigned status, std::string_view code, std::string_view detail) {
  Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = render_problem(status, code, detail);
  return response;
}

}  // namespace coinfan::http
