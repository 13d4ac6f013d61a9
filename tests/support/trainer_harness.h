#pragma once
// A window's Trainer for train tests: its link, and ways to wait for what it publishes and for a
// command to be handled. Header-only (the train tests link LibTorch; the support library does not).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "support/test_files.h"
#include "train/trainer.h"

namespace genscope::test {

class TrainerHarness {
 public:
  /// Starts a Trainer of `options` and waits until its run is running.
  void start(RunOptions options) {
    link_.snapshots.set_on_publish([this] {
      std::lock_guard<std::mutex> lock(mutex_);
      ++published_;
      cv_.notify_all();
    });
    trainer_ = std::make_unique<Trainer>(link_, std::move(options));
    trainer_->start();
    wait_for([](const Snapshot& s) { return s.running; });
  }
  /// Stops the trainer (its runs' files are complete after).
  void stop() { trainer_.reset(); }

  /// Waits (on the publish notification, at most 60 s) until `done` holds for the newest
  /// snapshot, and returns it.
  template <class Pred>
  Snapshot wait_for(Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      if (link_.snapshots.update() || !seen_) {
        seen_ = true;
        snapshot_ = link_.snapshots.read();
        if (done(snapshot_)) return snapshot_;
      }
      std::unique_lock<std::mutex> lock(mutex_);
      const uint64_t before = published_;
      if (!cv_.wait_until(lock, deadline, [&] { return published_ != before; })) {
        ADD_FAILURE() << "the trainer did not publish what was waited for";
        return snapshot_;
      }
    }
  }
  /// Sends `c` and waits until the trainer handled it.
  Snapshot handled(Command c) {
    const uint64_t seq = link_.commands.push(std::move(c));
    return wait_for([seq](const Snapshot& s) { return s.commands_done >= seq; });
  }

 private:
  TrainerLink link_;
  std::unique_ptr<Trainer> trainer_;
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t published_ = 0;
  bool seen_ = false;
  Snapshot snapshot_;
};

/// A small, fast image GAN on the squares dataset written into `squares_dir` (seed 7, width 8,
/// latent 8, batch 16, no quality metrics, no TensorBoard), for trainer tests.
inline Params small_gan_params(const std::string& squares_dir) {
  const std::string squares = write_squares_dataset(squares_dir);
  Params p;
  using S = std::string;
  for (auto [id, value] : {std::pair{ParamId::kDataset, squares}, {ParamId::kWidth, S("8")},
                           {ParamId::kLatentDim, S("8")}, {ParamId::kBatchSize, S("16")},
                           {ParamId::kSeed, S("7")}, {ParamId::kEvalEvery, S("0")},
                           {ParamId::kTensorboard, S("off")}}) {
    EXPECT_TRUE(p.set_from_string(id, value).ok());
  }
  return p;
}

}  // namespace genscope::test
