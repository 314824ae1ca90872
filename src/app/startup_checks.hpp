#pragma once
// Start-up checks of the running service: fitting the connection limits to the open-file limit.

#include <cstddef>

#include "coinfan/config/config.hpp"

namespace coinfan::app {

// max_connections (plus the reserve) must fit in the descriptor limit, with room for
// `upstream_descriptors` and the short-lived 503 answers; otherwise accept() fails with EMFILE
// and new clients hang. The soft RLIMIT_NOFILE is raised toward the hard one first; what still
// does not fit lowers max_connections and reserved_connections, with a warning.
void fit_descriptor_limit(config::ServerConfig& server, std::size_t upstream_descriptors);

}  // namespace coinfan::app
