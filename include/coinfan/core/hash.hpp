#pragma once
// Hashing primitives: the gateway signers, the simulators, caller API keys and record cursors
// use them. OpenSSL stays behind this header (its one implementation file is compiled outside
// the pure domain library), so pure code and tests never see its types.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "coinfan/core/error.hpp"

namespace coinfan::hash {

// Lowercase hex of arbitrary bytes.
std::string to_hex_lower(std::span<const std::uint8_t> bytes);

using Sha256Digest = std::array<std::uint8_t, 32>;

// SHA-256(message), with a digest context kept per thread (no allocation per call). Fails
// (ErrorCode::internal) only if OpenSSL does.
Result<Sha256Digest> sha256(std::string_view message);
// Lowercase hex of SHA-256(message). Fails (ErrorCode::internal) only if OpenSSL does.
Result<std::string> sha256_hex(std::string_view message);
// The digest whose lowercase or uppercase hex is `hex` (64 digits), or nullopt.
std::optional<Sha256Digest> sha256_from_hex(std::string_view hex);

// Lowercase hex of HMAC-SHA256(key, message). Fails (ErrorCode::internal) only if OpenSSL does.
Result<std::string> hmac_sha256_hex(std::string_view key, std::string_view message);

// Compares two strings in time that depends only on their lengths (which are not secret:
// every signature here is 64 hex characters).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// `count` bytes from the operating system's CSPRNG (through OpenSSL); internal error if it fails.
Result<std::string> random_bytes(std::size_t count);

}  // namespace coinfan::hash
