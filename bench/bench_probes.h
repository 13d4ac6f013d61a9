#pragma once
// What genscope-bench measures a window with besides its own report: a competing CPU-bound
// thread, synthetic pointer motion for input latency, percentiles and a small JSON writer.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace genscope::bench {

/// The p-th quantile (0..1) of `v` (nearest rank); 0 when empty.
double percentile(std::vector<double> v, double p);

/// A thread that keeps one core busy (a tight loop, pinned to no core) while it lives: the
/// "another program uses the CPU" condition.
class BusyThread {
 public:
  BusyThread();
  ~BusyThread();
  BusyThread(const BusyThread&) = delete;
  BusyThread& operator=(const BusyThread&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// Moves the X pointer over the window (from its own X connection, as another program would)
/// every `period`, alternating between two points, and measures how long it takes until a
/// presented frame used the new position: attach() on the first presented frame (main thread,
/// GL context current), presented() after every frame.
class InputLatencyProbe {
 public:
  explicit InputLatencyProbe(std::chrono::milliseconds period = std::chrono::milliseconds(150));
  ~InputLatencyProbe();
  /// Starts moving the pointer over the current GLFW window (call on the main thread).
  void attach();
  /// Stops moving the pointer (before the window closes); waits for the thread.
  void stop();
  /// A frame was presented with ImGui's mouse at (x, y).
  void presented(float x, float y);
  /// Milliseconds from each move to the first frame that showed it.
  std::vector<double> latencies_ms() const;
  /// False when the pointer could not be moved (no X display); latencies are then empty.
  bool available() const { return available_; }

 private:
  void run(unsigned long window);
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::vector<double> latencies_;
  bool pending_ = false;
  float target_x_ = 0, target_y_ = 0;
  Clock::time_point moved_at_{};
  std::atomic<bool> stop_{false};
  bool attached_ = false;
  bool available_ = false;
  std::thread thread_;
};

/// A flat JSON object written field by field (nested objects by name), pretty-printed.
class Json {
 public:
  explicit Json(std::FILE* out) : out_(out) {}
  void begin(const char* name = nullptr);
  void end();
  void number(const char* name, double v, const char* format = "%.3f");
  void numbers(const char* name, const std::vector<double>& v, const char* format = "%.3f");
  void text(const char* name, const std::string& v);
  void boolean(const char* name, bool v);

 private:
  void key(const char* name);
  std::FILE* out_;
  std::vector<bool> first_;  // per open object: no field written yet
};

}  // namespace genscope::bench
