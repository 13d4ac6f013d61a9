// The window's refresh pieces and the thread policy: the sample-grid cadence, the wake gate,
// the thread count genscope chooses and how it describes OpenMP's waiting.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <thread>

#include "core/refresh.h"
#include "core/thread_policy.h"
#include "core/thread_tuner.h"

namespace genscope {
namespace {

TEST(SampleCadence, KeepsRenderingWithinTheBudget) {
  SampleCadence c;  // 5 %, 4..60 Hz
  EXPECT_TRUE(c.due(0.0));  // nothing measured: the first grid is due at once
  c.measured(0.010);        // 10 ms a grid: every 200 ms is 5 %
  EXPECT_NEAR(c.interval_s(), 0.200, 1e-9);
  EXPECT_FALSE(c.due(0.150));
  EXPECT_TRUE(c.due(0.200));
  EXPECT_NEAR(c.hz(), 5.0, 1e-9);
}

TEST(SampleCadence, ClampsToFourAndSixtyHertzUnlessFourHertzTakesATenthOfTraining) {
  SampleCadence slow;
  slow.measured(0.020);  // 20 ms a grid would be 0.4 s apart: never less than 4 Hz (8 %)
  EXPECT_NEAR(slow.interval_s(), 0.25, 1e-9);
  SampleCadence slower;
  slower.measured(0.100);  // 4 Hz would take 40 %: spaced to take a tenth
  EXPECT_NEAR(slower.interval_s(), 1.0, 1e-9);
  EXPECT_NEAR(slower.hz(), 1.0, 1e-9);
  SampleCadence fast;
  fast.measured(0.0001);  // a GPU: every frame of a 60 Hz display, not more
  EXPECT_NEAR(fast.interval_s(), 1.0 / 60.0, 1e-9);
}

TEST(SampleCadence, FollowsSlowerAtOnceAndFasterGradually) {
  SampleCadence c;
  c.measured(0.002);
  c.measured(0.008);  // slower: the budget holds from the next grid on
  EXPECT_NEAR(c.cost_s(), 0.008, 1e-12);
  c.measured(0.002);  // one fast grid moves the estimate only part of the way
  EXPECT_GT(c.cost_s(), 0.006);
  for (int i = 0; i < 50; ++i) c.measured(0.002);
  EXPECT_NEAR(c.cost_s(), 0.002, 1e-4);
  c.measured(-1.0);  // nonsense is ignored
  EXPECT_NEAR(c.cost_s(), 0.002, 1e-4);
}

TEST(WakeGate, WakesASleeperOnceAndNeverMissesNews) {
  WakeGate gate;
  int wakes = 0;
  auto wake = [&] { ++wakes; };
  gate.notify(wake);  // the consumer is awake: no wake-up call
  EXPECT_EQ(wakes, 0);
  EXPECT_FALSE(gate.begin_wait());  // but the news is kept: it must not sleep
  gate.end_wait();
  EXPECT_TRUE(gate.begin_wait());  // nothing new: it may sleep
  gate.notify(wake);
  gate.notify(wake);  // once per sleep
  EXPECT_EQ(wakes, 1);
  gate.end_wait();
  EXPECT_TRUE(gate.begin_wait());
  gate.end_wait();
}

TEST(WakeGate, ASleeperSeesEveryNotifyFromAnotherThread) {
  // The consumer sleeps on a condition variable that only the wake call signals (as the frame
  // loop sleeps in glfwWaitEvents until glfwPostEmptyEvent), then "draws" what was sent. The
  // producer sends one item at a time and waits until it was drawn: a notify that neither woke
  // the sleeper nor kept it from sleeping would leave the item undrawn until the sleep's timeout.
  WakeGate gate;
  std::mutex m;
  std::condition_variable cv;
  bool posted = false;
  auto wake = [&] {
    std::lock_guard<std::mutex> lock(m);
    posted = true;
    cv.notify_one();
  };
  std::atomic<int> sent{0}, drawn{0};
  std::atomic<bool> done{false};
  int late = 0;
  std::thread producer([&] {
    for (int i = 1; i <= 400; ++i) {
      sent = i;
      gate.notify(wake);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
      while (drawn.load() < i && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
      }
      if (drawn.load() < i) ++late;
    }
    done = true;
    wake();
  });
  while (!done) {
    if (gate.begin_wait()) {
      std::unique_lock<std::mutex> lock(m);
      cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return posted; });
      posted = false;
    }
    gate.end_wait();
    drawn = sent.load();
  }
  producer.join();
  EXPECT_EQ(late, 0);
}

TEST(ThreadPolicy, AnExplicitCountAlwaysWins) {
  EXPECT_EQ(choose_threads(3, 1, 16, false).threads, 3);
  EXPECT_EQ(choose_threads(3, 0, 2, true).threads, 3);
  EXPECT_NE(choose_threads(3, 0, 2, true).reason.find("threads = 3"), std::string::npos);
}

TEST(ThreadPolicy, ChoosesByModeAndCores) {
  EXPECT_EQ(choose_threads(0, 1, 16, false).threads, 1);  // the 2D lab's choice
  EXPECT_EQ(choose_threads(0, 0, 16, true).threads, 16);  // headless: every core
  EXPECT_EQ(choose_threads(0, 0, 2, false).threads, 1);   // a window on 2 cores: one left to it
  EXPECT_EQ(choose_threads(0, 0, 4, false).threads, 3);
  EXPECT_EQ(choose_threads(0, 0, 8, false).threads, 7);
  EXPECT_EQ(choose_threads(0, 0, 0, false).threads, 1);   // unknown core count
  EXPECT_EQ(choose_threads(0, 0, 1, false).threads, 1);
  EXPECT_EQ(choose_threads(0, 0, 8, false).reason, "one core left for the window");
  EXPECT_EQ(choose_threads(0, 0, 2, false).reason, "one core left for the window");
  EXPECT_EQ(choose_threads(0, 0, 1, false).reason, "every core");
  EXPECT_EQ(choose_threads(0, 1, 2, false).reason, "fastest for this model");
  EXPECT_NE(choose_threads(0, 0, 2, true).reason.find("headless"), std::string::npos);
}

TEST(ThreadPolicy, DescribesWhoChoseTheWaiting) {
  unsetenv("GOMP_SPINCOUNT");
  unsetenv("OMP_WAIT_POLICY");
  unsetenv("GENSCOPE_OMP_WAIT");
  EXPECT_NE(omp_wait_description().find("default"), std::string::npos);
  setenv("OMP_WAIT_POLICY", "passive", 1);
  EXPECT_NE(omp_wait_description().find("OMP_WAIT_POLICY=passive (set by you)"),
            std::string::npos);
  unsetenv("OMP_WAIT_POLICY");
  setenv("GOMP_SPINCOUNT", kSpinCount, 1);
  setenv("GENSCOPE_OMP_WAIT", kSpinCount, 1);
  EXPECT_NE(omp_wait_description().find("genscope's choice"), std::string::npos);
  setenv("GOMP_SPINCOUNT", "5", 1);  // changed by the user after genscope set it
  EXPECT_NE(omp_wait_description().find("GOMP_SPINCOUNT=5 (set by you)"), std::string::npos);
  unsetenv("GOMP_SPINCOUNT");
  unsetenv("GENSCOPE_OMP_WAIT");
}

}  // namespace
}  // namespace genscope

namespace genscope {
namespace {

// A 2-core machine as measured here: quiet, 2 threads step in 40 ms and 1 in 50 ms; while
// another program keeps a core busy, 2 threads take 90 ms and 1 takes 60 ms.
double step_time(int threads, bool busy) {
  if (busy) return threads == 1 ? 0.060 : 0.090;
  return threads == 1 ? 0.050 : 0.040;
}

// The chosen count's speed and the neighbour's, read back from reason() ("A steps/s, B at N").
void measured(const ThreadTuner& tuner, double& chosen, double& other, int& other_threads) {
  chosen = other = 0, other_threads = 0;
  std::sscanf(tuner.reason().c_str(), "%lf steps/s, %lf at %d", &chosen, &other,
              &other_threads);
}

// Trains from `t` to `until` seconds; returns the share of steps taken at `threads`.
double train(ThreadTuner& tuner, double& t, double until, bool busy, int threads) {
  int steps = 0, at = 0;
  uint32_t noise = 7;
  while (t < until) {
    noise = noise * 1664525u + 1013904223u;
    const double dt = step_time(tuner.threads(), busy) * (0.95 + 0.1 * (noise >> 8) / 16777216.0);
    at += tuner.threads() == threads;
    ++steps;
    t += dt;
    tuner.step(dt, t);
  }
  return steps ? double(at) / steps : 0.0;
}

TEST(ThreadTuner, KeepsTheFasterCountAndFollowsTheLoad) {
  ThreadTuner tuner(2, 2);
  double t = 0.0;
  EXPECT_TRUE(tuner.reason().empty());
  train(tuner, t, 20.0, false, 2);
  EXPECT_EQ(tuner.threads(), 2);  // it tried one thread and came back
  // The chosen count's speed first (2 threads: 25 steps/s), then the one it tried (1: 20).
  double chosen = 0, other = 0;
  int other_threads = 0;
  measured(tuner, chosen, other, other_threads);
  EXPECT_NEAR(chosen, 25.0, 2.5) << tuner.reason();
  EXPECT_NEAR(other, 20.0, 2.0) << tuner.reason();
  EXPECT_EQ(other_threads, 1) << tuner.reason();
  // Quiet and settled: almost every step at the faster count (probes cost little).
  EXPECT_GT(train(tuner, t, 200.0, false, 2), 0.95);
  // Another program takes a core: within a few seconds it trains on one thread...
  train(tuner, t, 206.0, true, 1);
  EXPECT_EQ(tuner.threads(), 1) << tuner.reason();
  EXPECT_GT(train(tuner, t, 300.0, true, 1), 0.9);
  measured(tuner, chosen, other, other_threads);
  EXPECT_NEAR(chosen, 16.7, 1.7) << tuner.reason();
  EXPECT_NEAR(other, 11.1, 1.2) << tuner.reason();
  EXPECT_EQ(other_threads, 2) << tuner.reason();
  // ...and back on two once the machine is quiet again (at the next try, within a minute).
  train(tuner, t, 370.0, false, 2);
  EXPECT_EQ(tuner.threads(), 2) << tuner.reason();
}

TEST(ThreadTuner, OneCoreOrOneAllowedThreadNeverMoves) {
  ThreadTuner tuner(1, 1);
  double t = 0.0;
  EXPECT_EQ(train(tuner, t, 100.0, true, 1), 1.0);
  ThreadTuner clamped(5, 2);
  EXPECT_EQ(clamped.threads(), 2);
}

TEST(ThreadTuner, ANoisyNeighbourIsNotKept) {
  // Equal speeds: the 5 % margin keeps the count it has.
  ThreadTuner tuner(2, 2);
  double t = 0.0;
  int switches = 0, last = 2;
  uint32_t noise = 3;
  while (t < 300.0) {
    noise = noise * 1664525u + 1013904223u;
    const double dt = 0.05 * (0.97 + 0.06 * (noise >> 8) / 16777216.0);
    t += dt;
    const int n = tuner.step(dt, t);
    if (n != last && n == 2) ++switches;  // a probe that came back is not a switch
    last = n;
  }
  EXPECT_EQ(tuner.threads(), 2);
  EXPECT_LE(switches, 6);  // probes only: one at the start and one a minute
}

}  // namespace
}  // namespace genscope
