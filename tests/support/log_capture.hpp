#pragma once
// Captures the service log in a test: everything written to file descriptor 1 (the log's sink
// writes to stdout) while it lives, with the log set to JSON lines at `level`.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "coinfan/core/log.hpp"

namespace coinfan::testing {

class LogCapture {
 public:
  explicit LogCapture(std::string_view level = "info") {
    log::flush();
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    file_ = std::tmpfile();
    ::dup2(::fileno(file_), STDOUT_FILENO);
    log::init(level, "json");
  }
  // gtest writes to stdout too: a failing test's messages are shown on stderr afterwards.
  ~LogCapture() {
    finish();
    if (::testing::Test::HasFailure()) std::fprintf(stderr, "--- captured stdout ---\n%s", text_.c_str());
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Stops capturing (the log goes back to stdout at level info) and returns what was written.
  std::string finish() {
    if (saved_ >= 0) {
      log::flush();
      std::fflush(stdout);
      ::dup2(saved_, STDOUT_FILENO);
      ::close(saved_);
      saved_ = -1;
      text_ = contents();
      std::fclose(file_);
      log::init("info", "json");
    }
    return text_;
  }

  // What was written so far (the capture goes on).
  std::string text_so_far() const {
    log::flush();
    std::fflush(stdout);
    const long at = std::ftell(file_);
    auto out = contents();
    std::fseek(file_, at, SEEK_SET);
    return out;
  }

  // The lines (so far) whose JSON message is `message`.
  std::vector<std::string> lines_with_message(std::string_view message) const {
    const std::string text = saved_ >= 0 ? text_so_far() : text_;
    const std::string needle = "\"msg\":\"" + std::string(message) + "\"";
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
      auto end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      const auto line = text.substr(at, end - at);
      if (line.find(needle) != std::string::npos) out.push_back(line);
      at = end + 1;
    }
    return out;
  }

 private:
  // The whole capture file, read from its start.
  std::string contents() const {
    std::string out;
    std::rewind(file_);
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) out.append(buffer, n);
    return out;
  }

  int saved_ = -1;
  std::FILE* file_ = nullptr;
  std::string text_;
};

}  // namespace coinfan::testing
