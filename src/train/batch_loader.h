#pragma once
// BatchLoader: assembles the next batch of real images on a thread of its own while the trainer
// steps, so a step finds its batch ready. A batch is named by a BatchKey (its epoch, its place in
// that epoch's order, its size, whether it is flipped); the loader makes the batch the trainer
// said it will ask for next, and a request for any other key (the batch size or hflip changed)
// is made at once on the trainer's thread. Batches are a pure function of their key, so what the
// trainer gets does not depend on the thread's timing.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "train/torch_pch.h"

namespace genscope {

struct BatchKey {
  int64_t epoch = 0;
  int64_t cursor = 0;  // first position in the epoch's order
  int64_t size = 0;
  bool hflip = false;
  bool operator==(const BatchKey& o) const {
    return epoch == o.epoch && cursor == o.cursor && size == o.size && hflip == o.hflip;
  }
  bool operator!=(const BatchKey& o) const { return !(*this == o); }
};

/// What the trainer waited for its batches.
struct BatchWait {
  int64_t batches = 0;  // batches taken
  int64_t ready = 0;    // of those, already made when asked for
  double waited_s = 0;  // time take() spent making or waiting for them
};

class BatchLoader {
 public:
  using Assemble = std::function<torch::Tensor(const BatchKey&)>;
  /// `assemble` is called on the loader's thread (and on the caller's for an unexpected key).
  explicit BatchLoader(Assemble assemble);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  /// The batch of `key`, then starts making `next` ahead.
  torch::Tensor take(const BatchKey& key, const std::optional<BatchKey>& next);
  BatchWait wait() const;

 private:
  void run();

  Assemble assemble_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<BatchKey> wanted_;   // the key the thread makes (or made) next
  std::optional<BatchKey> made_key_; // the key of `made_`
  torch::Tensor made_;
  bool stop_ = false;
  BatchWait wait_;
  std::thread thread_;
};

}  // namespace genscope
