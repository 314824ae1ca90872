// What ships beside the binary: docker/config.example.json passes `coinfan --check-config`
// and every key in it is documented in docker/config.example.md; `cmake --install` into a
// temporary prefix yields the binary, the example and the systemd unit.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/process.hpp"

namespace coinfan {
namespace {

using testing::ChildProcess;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("coinfan-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Key paths as the table writes them: server.listen, auth.api_keys[].name, gateways[].app_id.
void collect_keys(const boost::json::value& value, const std::string& path, std::set<std::string>& keys) {
  if (value.is_object()) {
    for (const auto& entry : value.get_object()) {
      const auto key = path.empty() ? std::string(entry.key()) : path + "." + std::string(entry.key());
      if (!entry.value().is_object() && !(entry.value().is_array() && !entry.value().get_array().empty() &&
                                          entry.value().get_array()[0].is_object())) {
        keys.insert(key);
      }
      collect_keys(entry.value(), key, keys);
    }
  } else if (value.is_array()) {
    for (const auto& item : value.get_array()) {
      if (item.is_object()) collect_keys(item, path + "[]", keys);
    }
  }
}

TEST(ConfigExample, PassesCheckConfig) {
  const auto dir = temp_dir("example");
  // The example's secrets: files (Docker secrets under /run/secrets/, here a temporary
  // directory) and environment variables.
  std::string text = read_file(fs::path(COINFAN_SOURCE_DIR) / "docker/config.example.json");
  std::size_t files = 0;
  for (auto at = text.find("${file:/run/secrets/"); at != std::string::npos; at = text.find("${file:/run/secrets/", at)) {
    const auto start = at + 7;
    const auto end = text.find('}', start);
    const auto name = text.substr(start + 13, end - start - 13);
    std::ofstream(dir / name) << (name.ends_with("sha256") ? std::string(64, 'a') : "secret-" + name) << "\n";
    text.replace(start, 13, (dir / "").string());
    ++files;
  }
  EXPECT_GE(files, 5u);
  std::ofstream(dir / "config.json") << text;
  for (const char* name : {"CCP_MAIN_APP_ID", "CCP_LEGACY_APP_ID", "TRUBIT_API_KEY", "KUNA_MERCHANT_ID"}) {
    ::setenv(name, "id-from-env", 1);
  }
  ::setenv("COINFAN_LISTEN", "127.0.0.1:8081", 1);
  ChildProcess child(COINFAN_BINARY, {"--check-config", (dir / "config.json").string()}, true);
  const auto output = child.read_all();
  EXPECT_EQ(child.wait(), 0) << output;
  EXPECT_NE(output.find("ok: listen 127.0.0.1:8081, 7 gateways (ccp-main: ccpayment-v2, ccp-legacy: ccpayment-v1, "
                        "cloud: cryptocloud, trubit: trubit, trubit-static: trubit, kuna: kuna, kuna-key: kuna)"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("secret-"), std::string::npos) << output;

  // Without the secrets it names each missing one and passes nothing through.
  ::unsetenv("TRUBIT_API_KEY");
  ChildProcess missing(COINFAN_BINARY, {"--check-config", (fs::path(COINFAN_SOURCE_DIR) / "docker/config.example.json").string()},
                       true);
  const auto problems = missing.read_all();
  EXPECT_EQ(missing.wait(), 1);
  EXPECT_NE(problems.find("gateways[3].api_key: environment variable TRUBIT_API_KEY is not set"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("gateways[0].app_secret: cannot read file /run/secrets/ccp_main_app_secret"), std::string::npos)
      << problems;
  fs::remove_all(dir);
}

TEST(ConfigExample, EveryKeyIsDocumented) {
  const auto example = boost::json::parse(read_file(fs::path(COINFAN_SOURCE_DIR) / "docker/config.example.json"));
  const auto table = read_file(fs::path(COINFAN_SOURCE_DIR) / "docker/config.example.md");
  std::set<std::string> keys;
  collect_keys(example, "", keys);
  EXPECT_GE(keys.size(), 35u);
  for (const auto& key : keys) EXPECT_NE(table.find("| `" + key + "` |"), std::string::npos) << key;
}

TEST(Install, IntoATemporaryPrefix) {
  const auto prefix = temp_dir("install");
  ChildProcess install(COINFAN_CMAKE_COMMAND, {"--install", COINFAN_BUILD_DIR, "--prefix", prefix.string()}, true);
  const auto output = install.read_all();
  ASSERT_EQ(install.wait(), 0) << output;
  for (const char* file : {"bin/coinfan", "share/coinfan/config.example.json", "share/coinfan/config.example.md",
                           "lib/systemd/system/coinfan.service"}) {
    EXPECT_TRUE(fs::is_regular_file(prefix / file)) << file << "\n" << output;
  }
  const auto unit = read_file(prefix / "lib/systemd/system/coinfan.service");
  EXPECT_NE(unit.find("ExecReload=/bin/kill -HUP $MAINPID"), std::string::npos) << unit;
  EXPECT_NE(unit.find("/bin/coinfan --config ${COINFAN_CONFIG}"), std::string::npos) << unit;
  EXPECT_NE(unit.find("KillSignal=SIGTERM"), std::string::npos) << unit;
  EXPECT_EQ(unit.find('@'), std::string::npos) << "unsubstituted: " << unit;
  EXPECT_EQ(read_file(prefix / "share/coinfan/config.example.json"),
            read_file(fs::path(COINFAN_SOURCE_DIR) / "docker/config.example.json"));
  ChildProcess version((prefix / "bin/coinfan").string(), {"--version"});
  EXPECT_NE(version.read_all().find("coinfan "), std::string::npos);
  EXPECT_EQ(version.wait(), 0);
  fs::remove_all(prefix);
}

}  // namespace
}  // namespace coinfan
