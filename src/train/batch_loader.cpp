#include "train/batch_loader.h"

#include <chrono>

#include "train/runtime.h"

namespace genscope {

BatchLoader::BatchLoader(Assemble assemble)
    : assemble_(std::move(assemble)), thread_([this] { run(); }) {}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BatchLoader::run() {
  torch::NoGradGuard no_grad;  // grad mode is per thread
  serial_torch_on_this_thread();  // a batch is small; see runtime.h for why not a second team
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || (wanted_ && made_key_ != wanted_); });
    if (stop_) return;
    const BatchKey key = *wanted_;
    lock.unlock();
    torch::Tensor batch = assemble_(key);
    lock.lock();
    made_ = std::move(batch);
    made_key_ = key;
    cv_.notify_all();
  }
}

torch::Tensor BatchLoader::take(const BatchKey& key, const std::optional<BatchKey>& next) {
  const auto start = std::chrono::steady_clock::now();
  torch::Tensor batch;
  std::unique_lock<std::mutex> lock(mutex_);
  const bool ready = made_key_ == key;
  if (!ready && wanted_ == key) {  // being made (or about to be): wait for it
    cv_.wait(lock, [&] { return made_key_ == key || stop_; });
  }
  if (made_key_ == key) {
    batch = std::move(made_);
    made_key_.reset();
  }
  wanted_ = next;
  if (next) cv_.notify_all();
  lock.unlock();
  if (!batch.defined()) batch = assemble_(key);  // not the batch that was expected
  lock.lock();
  ++wait_.batches;
  if (ready) ++wait_.ready;
  wait_.waited_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return batch;
}

BatchWait BatchLoader::wait() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return wait_;
}

}  // namespace genscope
