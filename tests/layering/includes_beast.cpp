// Must not build: Beast in the pure domain library.
#include <boost/beast/http/message.hpp>
