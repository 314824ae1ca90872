#include "integration/upstream/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace coinfan::upstream_testing {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

EVP_PKEY* new_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  check(key != nullptr, "key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `key` named `common_name`, signed by issuer (self-signed when null).
X509* make_cert(EVP_PKEY* key, const std::string& common_name, X509* issuer_cert,
                EVP_PKEY* issuer_key, bool is_ca, const std::string& san) {
  X509* cert = X509_new();
  check(cert != nullptr, "X509_new");
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* issuer = issuer_cert != nullptr ? issuer_cert : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(issuer));
  if (is_ca) {
    add_extension(cert, issuer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert, issuer, NID_subject_key_identifier, "hash");
  } else {
    add_extension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_extension(cert, issuer, NID_ext_key_usage, "serverAuth");
    add_extension(cert, issuer, NID_subject_alt_name, san);
    add_extension(cert, issuer, NID_authority_key_identifier, "keyid:always");
  }
  check(X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "sign");
  return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "w");
  check(file != nullptr, "open output file");
  bool ok = true;
  if (cert != nullptr) ok = ok && PEM_write_X509(file, cert) == 1;
  if (key != nullptr) {
    ok = ok && PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  }
  std::fclose(file);
  check(ok, "write PEM");
}

}  // namespace

struct TestPki::Authority {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Authority() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "coinfan-pki-XXXXXX").string();
  check(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir_ = pattern;

  trusted_ = new Authority;
  trusted_->key = new_key();
  trusted_->cert = make_cert(trusted_->key, "coinfan test CA", nullptr, nullptr, true, "");
  ca_file_ = dir_ + "/ca.pem";
  write_pem(ca_file_, trusted_->cert, nullptr);

  untrusted_ = new Authority;
  untrusted_->key = new_key();
  untrusted_->cert =
      make_cert(untrusted_->key, "nobody trusts this CA", nullptr, nullptr, true, "");
}

TestPki::~TestPki() {
  delete trusted_;
  delete untrusted_;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

CertFiles TestPki::issue(const std::vector<std::string>& dns_names,
                         const std::vector<std::string>& ips, bool untrusted_ca) {
  std::string san;
  for (const auto& name : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + name;
  for (const auto& ip : ips) san += (san.empty() ? "IP:" : ",IP:") + ip;
  Authority* ca = untrusted_ca ? untrusted_ : trusted_;
  EVP_PKEY* key = new_key();
  X509* cert = make_cert(key, dns_names.empty() ? "server" : dns_names.front(), ca->cert, ca->key,
                         false, san);
  const std::string stem = dir_ + "/leaf" + std::to_string(++issued_);
  CertFiles files{stem + ".crt", stem + ".key"};
  write_pem(files.cert_file, cert, nullptr);
  write_pem(files.key_file, nullptr, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

}  // namespace coinfan::upstream_testing
