#pragma once
// A fixed, in-memory environment for the configuration targets: no real variable or file is read.

#include <map>
#include <optional>
#include <string>

#include "coinfan/config/config.hpp"

namespace coinfan::fuzz {

inline const std::map<std::string, std::string>& fuzz_variables() {
  static const std::map<std::string, std::string> variables = {
      {"CCP_SECRET", "s3cr3t-ccp-value"}, {"EMPTY", ""}, {"A", "alpha"}, {"NESTED", "${A}"},
      {"PORT", "8081"}, {"_x1", "under"}};
  return variables;
}

inline const std::map<std::string, std::string>& fuzz_files() {
  static const std::map<std::string, std::string> files = {
      {"/run/secrets/key", "file-secret-value\n"}, {"/crlf", "v\r\n\r\n"}, {"/empty", ""}};
  return files;
}

inline config::Environment fuzz_environment() {
  config::Environment env;
  env.variable = [](const std::string& name) -> std::optional<std::string> {
    const auto it = fuzz_variables().find(name);
    if (it == fuzz_variables().end()) return std::nullopt;
    return it->second;
  };
  env.file = [](const std::string& path, std::string& error) -> std::optional<std::string> {
    const auto it = fuzz_files().find(path);
    if (it == fuzz_files().end()) {
      error = "cannot read file " + path;
      return std::nullopt;
    }
    return it->second;
  };
  return env;
}

}  // namespace coinfan::fuzz
