#pragma once
// Parses one gateway object (`gateways[0]`) with the registration table's providers, for the
// per-provider settings tests.

#include <string>
#include <string_view>
#include <vector>

#include "coinfan/config/config.hpp"
#include "coinfan/gateways/providers.hpp"

namespace coinfan::gateways::testing {

inline config::LoadResult parse_gateway(std::string_view object_json) {
  config::Environment env;
  env.variable = [](const std::string&) { return std::optional<std::string>(); };
  env.file = [](const std::string&, std::string& error) -> std::optional<std::string> {
    error = "no files here";
    return std::nullopt;
  };
  return config::parse_config("{\"gateways\": [" + std::string(object_json) + "]}", env, provider_schemas());
}

inline std::vector<std::string> messages(const config::LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& error : result.errors) out.push_back(error.to_string());
  return out;
}

}  // namespace coinfan::gateways::testing
