#pragma once
// The Lua the shared tiers run in Redis that more than one of them needs.

#include <string>

namespace coinfan::shared {

// KEYS[1]: a key. ARGV[1]: the value it must still hold. Deletes it only then: 1, else 0 (a
// lease or credential handed back only by whoever holds it).
inline const std::string delete_if_equal_script = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
)lua";

}  // namespace coinfan::shared
