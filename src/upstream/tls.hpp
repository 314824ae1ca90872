#pragma once
// The TLS client setup coinfan's network clients share (the upstream HTTPS client, the Redis
// client): one OpenSSL context per client, and what each connection sets before its handshake.

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

#include "coinfan/core/error.hpp"

namespace coinfan::upstream {

// TLS 1.2 or newer, the peer's certificate verified against the system's trust store plus
// `ca_file` (PEM; none when empty). invalid_argument when ca_file cannot be loaded ("ca_file:
// cannot load '<path>': <reason>"), internal when OpenSSL cannot make the context.
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_client_context(const std::string& ca_file);

// Before the handshake: SNI for a host name (an IP address sends none) and the name or address
// the peer's certificate must carry. False when OpenSSL refuses either.
bool expect_peer(SSL* handle, const std::string& name, bool is_ip);

// After a failed handshake: why the peer's certificate was refused (OpenSSL's reason, e.g.
// "Hostname mismatch"), or nothing when verification was not what failed.
std::optional<std::string> certificate_refusal(const SSL* handle);

}  // namespace coinfan::upstream
