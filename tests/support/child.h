#pragma once
// The genscope binary started in the background for e2e tests: its pid (for signals), its output
// in a log file, waiting for its exit or for a condition while it runs. Header-only.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace genscope::test {

using ChildClock = std::chrono::steady_clock;

// genscope started in the background with its own pid (for signals), output into a log.
struct Child {
  pid_t pid = -1;
  std::string log;

  ~Child() {
    if (pid > 0) {  // a failed assertion left it running
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }

  /// Starts GENSCOPE_BINARY with `args`, stdout and stderr into `log`; run directories it does
  /// not name with --out go under `runs_dir`.
  static Child start(const std::vector<std::string>& args, const std::string& log,
                     const std::string& runs_dir) {
    Child c;
    c.log = log;
    std::vector<std::string> argv_s{GENSCOPE_BINARY, "--runs-dir", runs_dir};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    c.pid = fork();
    if (c.pid == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
    return c;
  }

  bool running() {
    if (pid <= 0) return false;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      exit_status = status;
      return false;
    }
    return true;
  }

  // Waits up to `timeout_s` for the exit; returns the wait status (-1 on timeout: then killed).
  int wait(double timeout_s) {
    const auto deadline = ChildClock::now() + std::chrono::duration<double>(timeout_s);
    while (running()) {
      if (ChildClock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        pid = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return exit_status;
  }

  int exit_status = -1;
};

// Polls `ready` every 50 ms for up to `timeout_s` while the child runs; true once it holds.
template <typename F>
bool poll_until(Child& child, double timeout_s, F ready) {
  const auto deadline = ChildClock::now() + std::chrono::duration<double>(timeout_s);
  while (ChildClock::now() < deadline) {
    if (ready()) return true;
    if (!child.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace genscope::test
