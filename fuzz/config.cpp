// The configuration loader on arbitrary text: never crashes, a config only without errors, and
// no secret value of the environment in any error message unless the input itself holds it.

#include "coinfan/config/config.hpp"
#include "fuzz_env.hpp"
#include "fuzz_support.hpp"
#include "gateways/providers.hpp"

using namespace coinfan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  static const auto env = fuzz::fuzz_environment();
  const auto result = config::parse_config(text, env, gateways::provider_schemas());
  FUZZ_CHECK(result.config.has_value() == result.errors.empty());
  for (const auto& error : result.errors) {
    const auto line = error.to_string();
    FUZZ_CHECK(!line.empty());
    for (const char* secret : {"s3cr3t-ccp-value", "file-secret-value"}) {
      if (text.find(secret) == std::string_view::npos) FUZZ_CHECK(line.find(secret) == std::string::npos);
    }
  }
  if (result.config) {
    for (const auto& gateway : result.config->gateways) {
      FUZZ_CHECK(!gateway.id.empty());
      FUZZ_CHECK(gateway.settings.has_value());
    }
  }
  return 0;
}
