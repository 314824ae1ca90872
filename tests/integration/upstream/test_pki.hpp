#pragma once
// A throw-away PKI made at run time with the OpenSSL API: a test CA, a second CA nobody trusts,
// and leaf certificates for whatever names a test needs. Files live in a temporary directory
// that is removed with the object.

#include <string>
#include <vector>

namespace coinfan::upstream_testing {

struct CertFiles {
  std::string cert_file;  // leaf certificate (PEM)
  std::string key_file;   // its private key (PEM)
};

class TestPki {
 public:
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  // PEM of the trusted test CA, for Options::ca_file.
  const std::string& ca_file() const { return ca_file_; }
  // A server certificate for the given DNS names and IP addresses, signed by the test CA or,
  // when `untrusted_ca`, by a CA that no client trusts.
  CertFiles issue(const std::vector<std::string>& dns_names, const std::vector<std::string>& ips,
                  bool untrusted_ca = false);

  struct Authority;

 private:
  std::string dir_;
  std::string ca_file_;
  Authority* trusted_ = nullptr;
  Authority* untrusted_ = nullptr;
  int issued_ = 0;
};

}  // namespace coinfan::upstream_testing
