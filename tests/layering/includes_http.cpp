// Must not build: the HTTP layer in the pure domain library.
#include "coinfan/http/message.hpp"
