#include "coinfan/upstream/base_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "coinfan/core/ascii.hpp"

namespace coinfan::upstream {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Error bad_url(std::string_view why) {
  return make_error(ErrorCode::invalid_argument, "base_url: " + std::string(why));
}

}  // namespace

namespace {
// IPv6 literals are bracketed. Built by appending: GCC 12's -Wrestrict misfires on
// `"[" + host + "]"` in optimised builds.
std::string bracketed_host(const std::string& host) {
  if (host.find(':') == std::string::npos) return host;
  std::string out;
  out.reserve(host.size() + 2);
  out.push_back('[');
  out.append(host);
  out.push_back(']');
  return out;
}
}  // namespace

std::string BaseUrl::authority() const {
  std::string out = bracketed_host(host);
  if (port != (tls ? 443 : 80)) {
    out.push_back(':');
    out.append(std::to_string(port));
  }
  return out;
}

std::string BaseUrl::endpoint() const {
  std::string out = bracketed_host(host);
  out.push_back(':');
  out.append(std::to_string(port));
  return out;
}

bool is_loopback_host(std::string_view host) {
  const std::string name = ascii::lowered(host);
  if (name == "localhost" || ends_with(name, ".localhost")) return true;
  if (name == "::1" || name == "0:0:0:0:0:0:0:1") return true;
  // 127.0.0.0/8 written as a dotted quad.
  if (name.rfind("127.", 0) != 0) return false;
  int parts = 0;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view part = std::string_view(name).substr(start, dot - start);
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc{} || ptr != part.data() + part.size() ||
        value > 255) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

Result<BaseUrl> parse_base_url(std::string_view text) {
  if (text.empty()) return bad_url("is empty");
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return bad_url("is not an absolute URL");
  const boost::urls::url_view& url = *parsed;

  BaseUrl out;
  const std::string scheme = ascii::lowered(url.scheme());
  if (scheme == "https") {
    out.tls = true;
  } else if (scheme == "http") {
    out.tls = false;
  } else {
    return bad_url("scheme must be https (or http for a loopback host)");
  }
  if (url.has_userinfo()) return bad_url("must not contain credentials (user:password@)");
  if (url.has_query()) return bad_url("must not contain a query");
  if (url.has_fragment()) return bad_url("must not contain a fragment");

  switch (url.host_type()) {
    case boost::urls::host_type::name:
      out.host = ascii::lowered(url.host_name());
      break;
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      out.host = ascii::lowered(url.host_address());
      out.host_is_ip = true;
      break;
    default:
      return bad_url("has no usable host");
  }
  if (out.host.empty()) return bad_url("has no host");

  out.port = out.tls ? 443 : 80;
  if (url.has_port()) {
    const std::string_view port = url.port();
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return bad_url("port must be 1..65535");
    }
    out.port = static_cast<std::uint16_t>(value);
  }

  std::string path(url.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (!path.empty() && path.front() != '/') return bad_url("path must start with '/'");
  out.base_path = std::move(path);

  out.loopback = is_loopback_host(out.host);
  if (!out.tls && !out.loopback) return bad_url("http:// is allowed only for loopback hosts");
  return out;
}

}  // namespace coinfan::upstream
