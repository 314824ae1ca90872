#include "upstream/tls.hpp"

#include <openssl/x509_vfy.h>

#include <boost/system/error_code.hpp>

namespace coinfan::upstream {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> make_tls_client_context(const std::string& ca_file) {
  try {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX* native = context->native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
      return make_error(ErrorCode::internal, "cannot require TLS 1.2 or newer");
    }
    // Idle pooled connections give their TLS read/write buffers back.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    boost::system::error_code ec;
    context->set_default_verify_paths(ec);  // a missing system store still allows ca_file
    if (!ca_file.empty()) {
      context->load_verify_file(ca_file, ec);
      if (ec) {
        return make_error(ErrorCode::invalid_argument,
                          "ca_file: cannot load '" + ca_file + "': " + ec.message());
      }
    }
    context->set_verify_mode(ssl::verify_peer);
    return context;
  } catch (const std::exception&) {
    return make_error(ErrorCode::internal, "cannot create the TLS context");
  }
}

bool expect_peer(SSL* handle, const std::string& name, bool is_ip) {
  if (is_ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), name.c_str()) == 1;
  return SSL_set_tlsext_host_name(handle, name.c_str()) == 1 && SSL_set1_host(handle, name.c_str()) == 1;
}

std::optional<std::string> certificate_refusal(const SSL* handle) {
  const long verify = SSL_get_verify_result(handle);
  if (verify == X509_V_OK) return std::nullopt;
  return std::string(X509_verify_cert_error_string(verify));
}

}  // namespace coinfan::upstream
