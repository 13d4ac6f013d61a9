// The window's refresh, with a real window under Xvfb and a fake trainer on another thread: every
// metric row wakes the frame loop (the plots follow the metric stream, not the 100 ms snapshots),
// several rows between two frames wake it once, and with nothing new it sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "app/app.h"
#include "support/fake_snapshots.h"

namespace genscope {
namespace {

using Clock = std::chrono::steady_clock;

// Publishes one snapshot, then `rows` rows `interval` apart, then nothing.
void fake_trainer(TrainerLink& link, int rows, std::chrono::milliseconds interval,
                  std::atomic<bool>& stop, std::atomic<bool>& done) {
  Snapshot s = test::fake_snapshot(ModelFamily::kImageGan, 0);
  link.snapshots.write_slot() = s;
  link.snapshots.publish();
  const std::vector<MetricRow> all = test::fake_rows(s, rows);
  for (const MetricRow& row : all) {
    if (stop) return;
    std::this_thread::sleep_for(interval);
    link.metrics.push(row);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last row is drawn
  done = true;
}

struct WindowRun {
  AppReport report;
  int code = -1;
  uint64_t frames_after_rows = 0;  // frames presented once every row had been drawn
};

WindowRun run_window(int rows, std::chrono::milliseconds interval, double seconds) {
  TrainerLink link;
  AppOptions options;
  options.window.width = 640, options.window.height = 400;
  options.run_seconds = seconds;
  WindowRun out;
  std::atomic<bool> stop{false}, done{false};
  options.on_presented = [&](float, float) {
    if (done) ++out.frames_after_rows;
  };
  App window(link, options);
  std::thread trainer([&] { fake_trainer(link, rows, interval, stop, done); });
  out.code = window.run();
  stop = true;
  trainer.join();
  out.report = window.report();
  return out;
}

TEST(AppRefresh, EveryRowWakesTheWindow) {
  if (!std::getenv("DISPLAY")) GTEST_SKIP() << "needs a display (the tests run under Xvfb)";
  // 60 rows 25 ms apart (40 rows/s) and no further snapshot: without rows waking the loop, it
  // would draw on its 0.5 s timeout only (about 3 frames in 1.5 s).
  const WindowRun r = run_window(60, std::chrono::milliseconds(25), 2.5);
  ASSERT_EQ(r.code, 0);
  EXPECT_GE(r.report.plot_updates, 40u);
  EXPECT_LE(r.report.plot_updates, 60u);
}

TEST(AppRefresh, SleepsWhenNothingIsNew) {
  if (!std::getenv("DISPLAY")) GTEST_SKIP() << "needs a display (the tests run under Xvfb)";
  // Rows for 0.3 s, then ~2 s of nothing: a loop that spun would draw ~120 frames in that time;
  // one that sleeps draws on its 0.5 s timeout.
  const WindowRun r = run_window(10, std::chrono::milliseconds(30), 2.5);
  ASSERT_EQ(r.code, 0);
  EXPECT_GE(r.report.plot_updates, 1u);
  EXPECT_LE(r.frames_after_rows, 12u) << r.report.frames << " frames in all";
}

}  // namespace
}  // namespace genscope
