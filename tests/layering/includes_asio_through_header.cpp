// Must not build: the upstream client header pulls Asio in, one include away.
#include "coinfan/upstream/client.hpp"
