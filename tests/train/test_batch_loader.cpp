// BatchLoader (train/batch_loader.h): the batch made ahead on the loader's thread, one made at once
// for a key nobody announced, what the trainer waited, and stopping while a batch is being made.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "train/batch_loader.h"

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

}  // namespace
}  // namespace genscope
