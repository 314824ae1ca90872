// Must not build: OpenSSL in the pure domain library (hashing goes through core/hash.hpp).
#include <openssl/evp.h>
