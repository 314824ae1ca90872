#include "app/exposure.hpp"

#include "coinfan/core/cidr.hpp"

namespace coinfan::app {

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  static const auto v4 = Cidr::parse("127.0.0.0/8");
  static const auto v6 = Cidr::parse("::1/128");
  return (v4 && v4->contains(host)) || (v6 && v6->contains(host));
}

bool reads_open_to_network(std::string_view host, bool reads_need_key) {
  return !reads_need_key && !is_loopback_host(host);
}

}  // namespace coinfan::app
