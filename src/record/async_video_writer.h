#pragma once
// AsyncVideoWriter: a worker thread that owns a VideoEncoder (.mp4) or a GifStream (.gif). The
// frame loop hands it frames and never waits on the encoder in real-time mode: when the bounded
// queue is full the frame is dropped and counted. In lockstep mode (push_blocking) every frame is
// kept and the caller waits for room. Both write as they go, so a killed process leaves a file.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "record/video_encoder.h"
#include "util/result.h"

namespace genscope {

/// One frame handed to the writer: RGBA8 bytes in the layout VideoEncoder::add_frame takes.
struct VideoFrame {
  std::vector<uint8_t> rgba;
  bool bottom_up = false;  // rows in glReadPixels order
  int repeat = 1;          // video frames this image stands for (converted once, encoded N times)
};

/// What the worker feeds frames to (the MP4 encoder or a GIF stream).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual Status add_frame(const uint8_t* rgba, int stride_bytes) = 0;
  virtual Status repeat_frame() = 0;
  virtual Status finish() = 0;
  virtual int64_t bytes_written() const = 0;
  virtual int64_t frames_on_disk() const = 0;
  virtual const std::string& path() const = 0;
  virtual const VideoSettings& settings() const = 0;
};

class AsyncVideoWriter {
 public:
  /// Opens the encoder for `path` (errors as VideoEncoder::open; a .gif path streams a GIF at
  /// settings.fps) and starts the worker. `queue_frames` bounds the frames waiting for it.
  static Result<std::unique_ptr<AsyncVideoWriter>> open(const std::string& path,
                                                        const VideoSettings& settings,
                                                        int queue_frames = 8);
  /// finish()es.
  ~AsyncVideoWriter();

  /// Real time: queues the frame, or drops it (returns false, dropped() grows) when the queue is
  /// full or the writer failed. Never blocks on encoding.
  bool push(VideoFrame frame);
  /// Lockstep: waits until there is room, then queues. Returns false only after a failure.
  bool push_blocking(VideoFrame frame);
  /// Encodes what is queued, closes the file and joins the worker. Returns the first error seen
  /// (a write failure on the worker is reported here and by error()). Idempotent.
  Status finish();

  int64_t frames_written() const;  // encoded so far
  int64_t frames_on_disk() const;  // in the file's complete fragments (VideoEncoder's)
  int64_t dropped() const;         // refused by push() because the queue was full
  int64_t bytes_written() const;
  int queued() const;
  bool failed() const;             // the worker hit an error; error() says which
  std::string error() const;
  const std::string& path() const;
  const VideoSettings& settings() const;

 private:
  AsyncVideoWriter(std::unique_ptr<FrameSink> encoder, const VideoSettings& input,
                   int queue_frames);
  void run();
  void set_error(const std::string& message);  // keeps the first; caller holds mutex_

  std::unique_ptr<FrameSink> encoder_;
  const VideoSettings input_;  // as requested (uncropped): the layout of VideoFrame::rgba
  const int capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_worker_;
  std::condition_variable room_;
  std::deque<VideoFrame> queue_;
  bool closing_ = false;
  bool finished_ = false;
  std::string error_;
  std::atomic<int64_t> written_{0};
  std::atomic<int64_t> on_disk_{0};
  std::atomic<int64_t> dropped_{0};
  std::atomic<int64_t> bytes_{0};
  Status finish_status_;
  std::thread worker_;
};

}  // namespace genscope
