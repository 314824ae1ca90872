#pragma once
// The start-up warning for a service reachable from the network with /v1/ open: listening
// beyond loopback while reads need no API key.

#include <string_view>

namespace coinfan::app {

// "localhost", 127.0.0.0/8 and ::1 (IPv4-mapped forms included); anything else, a wildcard
// address (0.0.0.0, ::) or a name, is beyond loopback.
bool is_loopback_host(std::string_view host);

// Warn at start-up: `host` is beyond loopback and reads under /v1/ need no key.
bool reads_open_to_network(std::string_view host, bool reads_need_key);

}  // namespace coinfan::app
