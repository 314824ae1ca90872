#pragma once
// Runs the coinfan binary as a child process with its stdout on a pipe, for tests of the
// command line and of signal handling.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace coinfan::testing {

class ChildProcess {
 public:
  // `max_open_files`, when set, is the child's RLIMIT_NOFILE (soft and hard).
  ChildProcess(const std::string& binary, std::vector<std::string> args, bool capture_stderr = false,
               std::optional<rlim_t> max_open_files = std::nullopt) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      if (capture_stderr) ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      if (max_open_files) {
        const rlimit limit{*max_open_files, *max_open_files};
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
      }
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_fd_ = out[0];
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exit_status_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }

  // Reads output until a line containing `needle` appears; returns that line.
  std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto newline = pending_.find('\n');
      while (newline != std::string::npos) {
        std::string line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        output_ += line + "\n";
        if (line.find(needle) != std::string::npos) return line;
        newline = pending_.find('\n');
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd fd{out_fd_, POLLIN, 0};
      if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buffer[4096];
      const auto n = ::read(out_fd_, buffer, sizeof buffer);
      if (n <= 0) return std::nullopt;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  // Every complete line read so far (by wait_for_line), and what is already waiting in the pipe.
  std::string read_all_so_far() {
    pollfd fd{out_fd_, POLLIN, 0};
    char buffer[4096];
    while (::poll(&fd, 1, 0) > 0) {
      const auto n = ::read(out_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
    return output_ + pending_;
  }

  // Everything the process wrote until it closed its output.
  std::string read_all() {
    char buffer[4096];
    while (true) {
      const auto n = ::read(out_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
    output_ += pending_;
    pending_.clear();
    return output_;
  }

  void signal(int number) { ::kill(pid_, number); }

  // Closes the reading end of the child's stdout, as a log collector that goes away does: the
  // child's next write meets a pipe without a reader.
  void close_output() {
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
  }

  // True while the child has not exited.
  bool running() {
    if (exit_status_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = status;
      return false;
    }
    return true;
  }

  int wait() {
    int status = 0;
    if (exit_status_) {
      status = *exit_status_;
    } else {
      ::waitpid(pid_, &status, 0);
      exit_status_ = status;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
  std::string output_;
  std::optional<int> exit_status_;
};

}  // namespace coinfan::testing
