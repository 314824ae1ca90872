#pragma once
// Start-up checks and signal hooks of the running service: fitting the connection limits to the
// open-file limit, and what SIGHUP does.

#include <boost/asio/signal_set.hpp>

#include <cstddef>

#include "coinfan/config/config.hpp"

namespace coinfan::app {

// max_connections (plus the reserve) must fit in the descriptor limit, with room for
// `upstream_descriptors` and the short-lived 503 answers; otherwise accept() fails with EMFILE
// and new clients hang. The soft RLIMIT_NOFILE is raised toward the hard one first; what still
// does not fit lowers max_connections and reserved_connections, with a warning.
void fit_descriptor_limit(config::ServerConfig& server, std::size_t upstream_descriptors);

// SIGHUP: the hook for reloading the configuration. Until reloading exists it only logs
// "reload requested"; the service goes on with the configuration it has.
void reload_requested();

// Calls reload_requested() on every signal of `hangup` until it is cancelled or destroyed.
void handle_hangups(boost::asio::signal_set& hangup);

}  // namespace coinfan::app
