#include "record/async_video_writer.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

#include "record/gif_writer.h"

namespace genscope {

namespace {

class Mp4Sink : public FrameSink {
 public:
  explicit Mp4Sink(std::unique_ptr<VideoEncoder> e) : e_(std::move(e)) {}
  Status add_frame(const uint8_t* rgba, int stride) override { return e_->add_frame(rgba, stride); }
  Status repeat_frame() override { return e_->repeat_frame(); }
  Status finish() override { return e_->finish(); }
  int64_t bytes_written() const override { return e_->bytes_written(); }
  int64_t frames_on_disk() const override { return e_->frames_on_disk(); }
  const std::string& path() const override { return e_->path(); }
  const VideoSettings& settings() const override { return e_->settings(); }

 private:
  std::unique_ptr<VideoEncoder> e_;
};

// Every frame is in the file once written: a GIF has no fragments.
class GifSink : public FrameSink {
 public:
  GifSink(std::unique_ptr<GifStream> g, const VideoSettings& s) : g_(std::move(g)), s_(s) {}
  Status add_frame(const uint8_t* rgba, int stride) override { return g_->add_frame(rgba, stride); }
  Status repeat_frame() override { return g_->repeat_frame(); }
  Status finish() override { return g_->finish(); }
  int64_t bytes_written() const override { return g_->bytes_written(); }
  int64_t frames_on_disk() const override { return g_->frames(); }
  const std::string& path() const override { return g_->path(); }
  const VideoSettings& settings() const override { return s_; }

 private:
  std::unique_ptr<GifStream> g_;
  VideoSettings s_;
};

bool is_gif_path(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".gif") == 0;
}

}  // namespace

Result<std::unique_ptr<AsyncVideoWriter>> AsyncVideoWriter::open(const std::string& path,
                                                                 const VideoSettings& settings,
                                                                 int queue_frames) {
  std::unique_ptr<FrameSink> sink;
  if (is_gif_path(path)) {
    GifSettings gs;
    gs.delay_cs = std::max(2, int(std::lround(100.0 / std::max(1, settings.fps))));
    auto gif = GifStream::open(path, settings.width, settings.height, gs);
    if (!gif) return Error{gif.error()};
    sink = std::make_unique<GifSink>(std::move(*gif), settings);
  } else {
    auto encoder = VideoEncoder::open(path, settings);
    if (!encoder) return Error{encoder.error()};
    sink = std::make_unique<Mp4Sink>(std::move(*encoder));
  }
  return std::unique_ptr<AsyncVideoWriter>(
      new AsyncVideoWriter(std::move(sink), settings, std::max(1, queue_frames)));
}

AsyncVideoWriter::AsyncVideoWriter(std::unique_ptr<FrameSink> encoder,
                                   const VideoSettings& input, int queue_frames)
    : encoder_(std::move(encoder)), input_(input), capacity_(queue_frames) {
  worker_ = std::thread([this] { run(); });
}

AsyncVideoWriter::~AsyncVideoWriter() { finish(); }

void AsyncVideoWriter::set_error(const std::string& message) {
  if (error_.empty()) error_ = message;
}

bool AsyncVideoWriter::push(VideoFrame frame) {
  const size_t expected = static_cast<size_t>(input_.width) * input_.height * 4;
  std::lock_guard<std::mutex> lock(mutex_);
  if (frame.rgba.size() != expected && error_.empty() && !closing_) {
    set_error("video " + encoder_->path() + ": frame of " + std::to_string(frame.rgba.size()) +
              " bytes, expected " + std::to_string(expected));
    room_.notify_all();
  }
  if (closing_ || !error_.empty() || static_cast<int>(queue_.size()) >= capacity_) {
    dropped_ += std::max(1, frame.repeat);
    return false;
  }
  queue_.push_back(std::move(frame));
  wake_worker_.notify_one();
  return true;
}

bool AsyncVideoWriter::push_blocking(VideoFrame frame) {
  const size_t expected = static_cast<size_t>(input_.width) * input_.height * 4;
  std::unique_lock<std::mutex> lock(mutex_);
  if (frame.rgba.size() != expected && error_.empty() && !closing_) {
    set_error("video " + encoder_->path() + ": frame of " + std::to_string(frame.rgba.size()) +
              " bytes, expected " + std::to_string(expected));
    room_.notify_all();
  }
  room_.wait(lock, [&] {
    return closing_ || !error_.empty() || static_cast<int>(queue_.size()) < capacity_;
  });
  if (closing_ || !error_.empty()) return false;
  queue_.push_back(std::move(frame));
  wake_worker_.notify_one();
  return true;
}

void AsyncVideoWriter::run() {
  const int row_bytes = input_.width * 4;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_worker_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, and everything queued is encoded
    VideoFrame frame = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_all();
    if (!error_.empty()) continue;  // failed: discard what is left
    lock.unlock();
    Status status;
    try {
      const uint8_t* top = frame.rgba.data();
      int stride = row_bytes;
      if (frame.bottom_up) {
        top += static_cast<size_t>(input_.height - 1) * row_bytes;
        stride = -row_bytes;
      }
      status = encoder_->add_frame(top, stride);
      for (int r = 1; r < frame.repeat && status; ++r) status = encoder_->repeat_frame();
    } catch (const std::exception& e) {
      status = Error{"video " + encoder_->path() + ": " + e.what()};
    }
    bytes_ = encoder_->bytes_written();
    on_disk_ = encoder_->frames_on_disk();
    lock.lock();
    if (status) {
      written_ += std::max(1, frame.repeat);
    } else {
      set_error(status.error());
      queue_.clear();
      room_.notify_all();
    }
  }
}

Status AsyncVideoWriter::finish() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (closing_) {  // finished, or being finished on another thread
      room_.wait(lock, [&] { return finished_; });
      return finish_status_;
    }
    closing_ = true;
  }
  wake_worker_.notify_all();
  room_.notify_all();
  if (worker_.joinable()) worker_.join();
  Status closed = encoder_->finish();
  bytes_ = encoder_->bytes_written();
  on_disk_ = encoder_->frames_on_disk();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!closed) set_error(closed.error());
  finish_status_ = error_.empty() ? Status() : Status(Error{error_});
  finished_ = true;
  room_.notify_all();
  return finish_status_;
}

int64_t AsyncVideoWriter::frames_written() const { return written_; }
int64_t AsyncVideoWriter::frames_on_disk() const { return on_disk_; }
int64_t AsyncVideoWriter::dropped() const { return dropped_; }
int64_t AsyncVideoWriter::bytes_written() const { return bytes_; }

int AsyncVideoWriter::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(queue_.size());
}

bool AsyncVideoWriter::failed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !error_.empty();
}

std::string AsyncVideoWriter::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

const std::string& AsyncVideoWriter::path() const { return encoder_->path(); }
const VideoSettings& AsyncVideoWriter::settings() const { return encoder_->settings(); }

}  // namespace genscope
