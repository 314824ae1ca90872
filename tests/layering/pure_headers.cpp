// Must build: the headers pure code is meant to use pass the guard.
#include "coinfan/config/config.hpp"
#include "coinfan/core/ascii.hpp"
#include "coinfan/core/decimal.hpp"
#include "coinfan/core/error.hpp"
#include "coinfan/core/hash.hpp"
#include "coinfan/core/json.hpp"
#include "coinfan/core/types.hpp"
#include "coinfan/records/cursor.hpp"
#include "coinfan/records/merge.hpp"

int coinfan_layering_probe() { return 0; }
