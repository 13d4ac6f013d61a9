// BatchLoader (train/batch_loader.h): the batch made ahead on the loader's thread, one made at once
// for a key nobody announced, what the trainer waited, and stopping while a batch is being made.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "train/batch_loader.h"
#include "train/runtime.h"

namespace genscope {
namespace {

using namespace std::chrono_literals;

// A batch that says which key it was made for.
torch::Tensor batch_of(const BatchKey& k) {
  return torch::tensor({k.epoch, k.cursor, k.size, int64_t(k.hflip)});
}

TEST(BatchLoader, MakesTheAnnouncedBatchAheadOnItsOwnThread) {
  std::atomic<int> on_loader{0}, on_caller{0};
  const auto caller = std::this_thread::get_id();
  BatchLoader loader([&](const BatchKey& k) {
    (std::this_thread::get_id() == caller ? on_caller : on_loader).fetch_add(1);
    return batch_of(k);
  });
  BatchKey key{0, 0, 8, false};
  for (int i = 0; i < 20; ++i) {
    const BatchKey next{0, key.cursor + 8, 8, false};
    const torch::Tensor b = loader.take(key, next);
    EXPECT_TRUE(torch::equal(b, batch_of(key))) << i;
    key = next;
    std::this_thread::sleep_for(10ms);  // a training step: the loader makes `next` meanwhile
  }
  EXPECT_EQ(on_caller.load(), 1) << "only the first batch, which nobody announced";
  EXPECT_GE(on_loader.load(), 19) << "and the last one announced, made ahead too";
  const BatchWait w = loader.wait();
  EXPECT_EQ(w.batches, 20);
  EXPECT_GE(w.ready, 10) << "most were made before they were asked for (a busy machine may "
                            "delay a few: then take waits for the loader)";
  EXPECT_GT(w.waited_s, 0.0);
}

TEST(BatchLoader, AnUnexpectedKeyIsMadeAtOnceAndStillRight) {
  BatchLoader loader(batch_of);
  loader.take({0, 0, 8, false}, BatchKey{0, 8, 8, false});
  std::this_thread::sleep_for(5ms);
  // The batch size changed (and hflip went on): the announced batch is not the one wanted.
  const torch::Tensor b = loader.take({0, 8, 16, true}, BatchKey{0, 24, 16, true});
  EXPECT_TRUE(torch::equal(b, batch_of({0, 8, 16, true})));
  std::this_thread::sleep_for(5ms);
  const torch::Tensor c = loader.take({0, 24, 16, true}, std::nullopt);
  EXPECT_TRUE(torch::equal(c, batch_of({0, 24, 16, true})));
  EXPECT_EQ(loader.wait().ready, 1);
}

TEST(BatchLoader, WaitsForABatchBeingMadeAndStopsWhileMakingOne) {
  std::atomic<int> made{0};
  {
    BatchLoader loader([&](const BatchKey& k) {
      std::this_thread::sleep_for(30ms);
      made.fetch_add(1);
      return batch_of(k);
    });
    loader.take({0, 0, 4, false}, BatchKey{0, 4, 4, false});
    // Asked for at once: the loader is making it; take waits instead of making it twice.
    const torch::Tensor b = loader.take({0, 4, 4, false}, BatchKey{0, 8, 4, false});
    EXPECT_TRUE(torch::equal(b, batch_of({0, 4, 4, false})));
    EXPECT_EQ(made.load(), 2);
  }  // destroyed while {0, 8} is being made: joins without a hang
  EXPECT_LE(made.load(), 3);
}

// How many threads LibTorch's parallel operators on the calling thread run on: OpenMP's count
// for this thread (libgomp's, looked up as runtime.cpp does), read after an operator large
// enough to run in parallel (ATen sets a thread's count at its first one).
int team_size() {
  (void)torch::ones({1 << 20}).mul(2.0).sum().item<float>();
  using MaxThreads = int (*)();
  static const auto max_threads = reinterpret_cast<MaxThreads>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
  return max_threads ? max_threads() : -1;
}

// A helper thread's operators run on it alone (a second OpenMP team would make libgomp throttle
// the trainer's workers); the trainer's count stays. The control shows the test can fail: a
// plain new thread gets ATen's count at its first operator.
TEST(Runtime, HelperThreadsRunTorchSeriallyAndLeaveTheTrainersCount) {
  set_torch_threads(2);
  int plain = 0, helper = 0, loader_team = 0;
  std::thread([&] { plain = team_size(); }).join();
  std::thread([&] {
    ASSERT_TRUE(serial_torch_on_this_thread());
    helper = team_size();
  }).join();
  {
    const auto caller = std::this_thread::get_id();
    BatchLoader loader([&](const BatchKey& k) {
      if (std::this_thread::get_id() != caller) loader_team = team_size();
      return batch_of(k);
    });
    const BatchKey first{0, 0, 8, false}, second{0, 8, 8, false};
    loader.take(first, second);
    loader.take(second, std::nullopt);  // made on the loader's thread
  }
  EXPECT_EQ(plain, 2);
  EXPECT_EQ(helper, 1);
  EXPECT_EQ(loader_team, 1) << "the loader's batches are assembled serially";
  EXPECT_EQ(at::get_num_threads(), 2);
  EXPECT_EQ(team_size(), 2) << "the calling (trainer) thread keeps its two";
}

}  // namespace
}  // namespace genscope
