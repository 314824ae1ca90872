// `${NAME}` and `${file:/path}` expansion, checked against an independent model of the rules
// (README, "Configuration at a glance"): the fuzz input is the value of a CryptoCloud api_key.

#include <cctype>
#include <optional>
#include <string>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "coinfan/config/config.hpp"
#include "fuzz_env.hpp"
#include "fuzz_support.hpp"
#include "gateways/cryptocloud/config.hpp"
#include "gateways/providers.hpp"

using namespace coinfan;

namespace {

bool model_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The expansion, or nullopt when the value is an error. Expansion is one pass: a value that
// itself holds `${...}` is not expanded again.
std::optional<std::string> model_expand(std::string_view raw) {
  std::string out;
  while (!raw.empty()) {
    const auto open = raw.find("${");
    if (open == std::string_view::npos) {
      out += raw;
      break;
    }
    out += raw.substr(0, open);
    const auto close = raw.find('}', open + 2);
    if (close == std::string_view::npos) return std::nullopt;
    const auto name = raw.substr(open + 2, close - open - 2);
    if (name.substr(0, 5) == "file:") {
      const auto it = fuzz::fuzz_files().find(std::string(name.substr(5)));
      if (it == fuzz::fuzz_files().end()) return std::nullopt;
      std::string content = it->second;
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
      out += content;
    } else {
      if (!model_name(name)) return std::nullopt;
      const auto it = fuzz::fuzz_variables().find(std::string(name));
      if (it == fuzz::fuzz_variables().end()) return std::nullopt;
      out += it->second;
    }
    raw.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto value = fuzz::as_text(data, size);
  // Boost.JSON strings are UTF-8; invalid input would only exercise the JSON parser's refusal.
  const std::string document = R"({"gateways":[{"id":"cloud","type":"cryptocloud","base_url":"https://api.cryptocloud.plus","api_key":)" +
                               boost::json::serialize(boost::json::string(value)) + "}]}";
  static const auto env = fuzz::fuzz_environment();
  const auto result = config::parse_config(document, env, gateways::provider_schemas());
  if (!result.errors.empty() && result.errors.front().path.find("api_key") == std::string::npos) {
    // Not about the value (e.g. the text is not valid UTF-8 for the JSON parser).
    return 0;
  }
  const auto expected = model_expand(value);
  if (!expected || expected->empty()) {
    FUZZ_CHECK(!result.config);
    FUZZ_CHECK(!result.errors.empty());
    for (const auto& error : result.errors) FUZZ_CHECK(error.path == "gateways[0].api_key");
  } else {
    FUZZ_CHECK(result.config.has_value());
    const auto* settings = result.config->gateways.at(0).settings_as<gateways::cryptocloud::Settings>();
    FUZZ_CHECK(settings != nullptr);
    FUZZ_CHECK(settings->api_key == *expected);
  }
  for (const auto& error : result.errors) {
    for (const char* secret : {"s3cr3t-ccp-value", "file-secret-value"}) {
      if (value.find(secret) == std::string_view::npos) FUZZ_CHECK(error.to_string().find(secret) == std::string::npos);
    }
  }
  return 0;
}
