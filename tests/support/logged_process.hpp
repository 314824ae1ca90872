#pragma once
// A child process (coinfan, nginx) whose stdout and stderr are read continuously by a thread
// of its own, so a chatty child never blocks on a full pipe however long a test runs, and the
// test waits for its log lines as events (a condition variable), from any thread.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace coinfan::testing {

class LoggedProcess {
 public:
  LoggedProcess(const std::string& binary, std::vector<std::string> args) {
    // Everything the child needs is made before fork: other threads of the test may hold the
    // allocator's lock at that moment, so the child calls only async-signal-safe functions.
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    reader_ = std::thread([this, fd = out[0]] { pump(fd); });
  }
  ~LoggedProcess() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (reader_.joinable()) reader_.join();
  }
  LoggedProcess(const LoggedProcess&) = delete;
  LoggedProcess& operator=(const LoggedProcess&) = delete;

  // The first line from index `from` on that contains `needle`, waiting up to `timeout`.
  std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds timeout,
                                           std::size_t from = 0) {
    std::unique_lock lock(mutex_);
    std::optional<std::string> found;
    std::size_t next = from;
    changed_.wait_for(lock, timeout, [&] {
      for (; next < lines_.size(); ++next) {
        if (lines_[next].find(needle) != std::string::npos) {
          found = lines_[next];
          return true;
        }
      }
      return closed_;
    });
    return found;
  }

  std::size_t line_count() {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }

  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  std::string output() {
    std::string all;
    for (const auto& line : lines()) all += line + "\n";
    return all;
  }

  void signal(int number) { ::kill(pid_, number); }
  pid_t pid() const { return pid_; }

  // The exit code (128 + signal when killed); every line written before the exit is read.
  int wait() {
    if (!exited_) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      status_ = status;
      exited_ = true;
      if (reader_.joinable()) reader_.join();
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

 private:
  void pump(int fd) {
    std::string pending;
    char buffer[8192];
    while (true) {
      const auto n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      pending.append(buffer, static_cast<std::size_t>(n));
      std::size_t start = 0;
      std::vector<std::string> complete;
      for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n', start)) {
        complete.push_back(pending.substr(start, newline - start));
        start = newline + 1;
      }
      pending.erase(0, start);
      if (!complete.empty()) {
        std::lock_guard lock(mutex_);
        for (auto& line : complete) lines_.push_back(std::move(line));
        changed_.notify_all();
      }
    }
    ::close(fd);
    std::lock_guard lock(mutex_);
    if (!pending.empty()) lines_.push_back(pending);
    closed_ = true;
    changed_.notify_all();
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool closed_ = false;
};

}  // namespace coinfan::testing
