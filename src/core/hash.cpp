#include "coinfan/core/hash.hpp"

#include <array>
#include <limits>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace coinfan::hash {
namespace {

// Fetched once: an explicit fetch per call costs a lock and a lookup in OpenSSL 3.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MAC* hmac_mac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

std::string to_hex_lower(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

Result<Sha256Digest> sha256(std::string_view message) {
  const EVP_MD* md = sha256_md();
  // One context per thread, reset by each EVP_DigestInit_ex2: EVP_Digest would allocate and
  // free one per call (it is on every authenticated request).
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  Sha256Digest digest{};
  unsigned int length = 0;
  if (md == nullptr || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), message.data(), message.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1 || length != digest.size()) {
    return make_error(ErrorCode::internal, "SHA-256 failed in OpenSSL");
  }
  return digest;
}

Result<std::string> sha256_hex(std::string_view message) {
  auto digest = sha256(message);
  if (!digest) return std::move(digest).error();
  return to_hex_lower(*digest);
}

std::optional<Sha256Digest> sha256_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Sha256Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return out;
}

Result<std::string> hmac_sha256_hex(std::string_view key, std::string_view message) {
  EVP_MAC* mac = hmac_mac();
  if (mac == nullptr) return make_error(ErrorCode::internal, "HMAC is unavailable in OpenSSL");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return make_error(ErrorCode::internal, "HMAC context allocation failed");

  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // A non-null key pointer even for an empty key: OpenSSL reads a null key as "keep the
  // previous key", which a fresh context does not have.
  static constexpr unsigned char empty_key = 0;
  const auto* key_bytes =
      key.empty() ? &empty_key : reinterpret_cast<const unsigned char*>(key.data());
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  std::size_t length = 0;
  if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      EVP_MAC_final(ctx.get(), digest.data(), &length, digest.size()) != 1) {
    return make_error(ErrorCode::internal, "HMAC-SHA256 failed in OpenSSL");
  }
  return to_hex_lower(std::span<const std::uint8_t>(digest.data(), length));
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    return make_error(ErrorCode::internal, "the random number generator failed");
  }
  return out;
}

}  // namespace coinfan::hash
