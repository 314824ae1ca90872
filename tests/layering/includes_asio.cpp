// Must not build: Asio in the pure domain library.
#include <boost/asio/awaitable.hpp>
