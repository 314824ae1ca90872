#include "coinfan/http/message.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "coinfan/core/ascii.hpp"
#include "coinfan/core/problem.hpp"

namespace coinfan::http {

void CallerMemo::forget() noexcept {
  if (!presented.empty()) OPENSSL_cleanse(presented.data(), presented.size());
  presented.clear();
  auth = 0;
  key = 0;
}

std::shared_ptr<const SealedBody> SealedBody::make(const std::string& source) {
  const int fd = ::memfd_create("coinfan-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return nullptr;
  std::size_t written = 0;
  while (written < source.size()) {
    const auto n = ::write(fd, source.data() + written, source.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return nullptr;
    }
    written += static_cast<std::size_t>(n);
  }
  // Sealed: nobody, this process included, can change or resize the bytes any more.
  if (::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    ::close(fd);
    return nullptr;
  }
  return std::shared_ptr<const SealedBody>(new SealedBody(fd, source.size(), &source));
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
