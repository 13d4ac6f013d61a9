#include "app/recorder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "record/gif_writer.h"
#include "util/strings.h"

namespace genscope {
namespace {


std::string megabytes(int64_t bytes) { return strformat("%.1f MB", bytes / 1048576.0); }

}  // namespace

Recorder::~Recorder() { stop(); }

Status Recorder::start(const RecordSettings& settings, PixelRect region, double now_s) {
  stop();
  error_.clear();
  if (auto s = settings.validate(); !s) {
    error_ = s.error();
    return s;
  }
  settings_ = settings;
  settings_.path = next_free_path(settings.path);
  width_ = std::max(2, int(region.w * settings.scale)) & ~1;
  height_ = std::max(2, int(region.h * settings.scale)) & ~1;
  if (region.w < 2 || region.h < 2) {
    error_ = "recording " + settings.path + ": the region to record is empty";
    return Error{error_};
  }
  {  // MP4 or GIF: both are written as frames come, on the writer's thread
    VideoSettings vs;
    vs.width = width_;
    vs.height = height_;
    vs.fps = settings.fps;
    vs.crf = settings.crf;
    vs.preset = settings.preset;
    // Real time shares the CPU with training: one encoder thread is enough for the frames the
    // window draws (repeats are nearly free) and leaves the cores to training.
    vs.threads = settings.lockstep() ? 0 : 1;
    // Lockstep frames are all kept (the frame loop waits); real time allows ~1/4 s of backlog.
    auto writer = AsyncVideoWriter::open(settings_.path, vs, settings.lockstep() ? 4 : 8);
    if (!writer) {
      error_ = writer.error();
      return Error{error_};
    }
    writer_ = std::move(*writer);
  }
  auto capture = FrameCapture::create(width_, height_, 3);
  if (!capture) {
    if (writer_) writer_->finish();
    writer_.reset();
    error_ = "recording " + settings.path + ": " + capture.error();
    return Error{error_};
  }
  capture_ = std::make_unique<FrameCapture>(std::move(*capture));
  std::string csv_path = frames_csv_path(settings_.path);
  csv_ = std::fopen(csv_path.c_str(), "w");
  if (csv_) std::fputs("frame,step,wall_s\n", csv_);
  tag_steps_.clear();
  tag_repeats_.clear();
  tag_times_.clear();
  frames_requested_ = frames_kept_ = capture_dropped_ = captures_ = new_steps_ = 0;
  csv_waiting_.clear();
  csv_written_ = 0;
  last_step_ = -1;
  start_s_ = now_s;
  active_ = true;
  return {};
}

int Recorder::frames_due(double now_s) const {
  if (!active_) return 0;
  if (settings_.lockstep()) return 1;
  int64_t due = int64_t(std::floor((now_s - start_s_) * settings_.fps)) + 1 - frames_requested_;
  if (int64_t limit = settings_.frame_limit(); limit > 0) {
    due = std::min(due, limit - frames_requested_);
  }
  return int(std::clamp<int64_t>(due, 0, settings_.fps));  // at most a second of repeats
}

void Recorder::capture(unsigned source, PixelRect region, int64_t step, int repeat, double now_s) {
  if (!active_ || repeat < 1) return;
  // Keep the video's size: a region that changed size is cropped or padded by the blit.
  int64_t tag = int64_t(tag_steps_.size());
  if (settings_.lockstep()) poll(/*wait=*/false);
  bool started = capture_->request(source, region.x, region.y, region.w, region.h, tag);
  if (!started) {
    // Every readback is still in flight: make room (real time drops instead of waiting long).
    if (settings_.lockstep()) {
      poll(/*wait=*/true);
      started = capture_->request(source, region.x, region.y, region.w, region.h, tag);
    }
  }
  frames_requested_ += repeat;
  if (step != last_step_) ++new_steps_;
  last_step_ = step;
  if (!started) {
    capture_dropped_ += repeat;
    return;
  }
  tag_steps_.push_back(step);
  tag_repeats_.push_back(repeat);
  tag_times_.push_back(now_s - start_s_);
  if (settings_.lockstep()) poll(/*wait=*/true);
}

void Recorder::poll(bool wait) {
  if (!capture_) return;
  int64_t tag = 0;
  while (capture_->take(scratch_, tag, wait)) deliver(scratch_, tag);
  if (writer_) write_csv_lines(writer_->frames_on_disk());
}

void Recorder::write_csv_lines(int64_t frames_on_disk) {
  bool wrote = false;
  while (!csv_waiting_.empty() && csv_written_ < frames_on_disk) {
    if (csv_) std::fputs(csv_waiting_.front().c_str(), csv_);
    csv_waiting_.pop_front();
    ++csv_written_;
    wrote = true;
  }
  if (wrote && csv_) std::fflush(csv_);
}

void Recorder::deliver(std::vector<uint8_t>& rgba, int64_t tag) {
  const int repeat = tag_repeats_[tag];
  ++captures_;
  // One image for `repeat` video frames: converted once, encoded as repeats.
  VideoFrame frame{std::move(rgba), /*bottom_up=*/true, repeat};
  const bool kept = settings_.lockstep() ? writer_->push_blocking(std::move(frame))
                                         : writer_->push(std::move(frame));
  for (int r = 0; kept && r < repeat; ++r) {
    csv_waiting_.push_back(strformat("%lld,%lld,%.3f\n", static_cast<long long>(frames_kept_),
                                     static_cast<long long>(tag_steps_[tag]), tag_times_[tag]));
    ++frames_kept_;
  }
  write_csv_lines(writer_->frames_on_disk());
  if (writer_->failed() && error_.empty()) error_ = writer_->error();
}

bool Recorder::reached_limit() const {
  int64_t limit = settings_.frame_limit();
  return active_ && limit > 0 && frames_requested_ >= limit;
}

Status Recorder::stop() {
  if (!active_) return error_.empty() ? Status() : Status(Error{error_});
  poll(/*wait=*/true);
  active_ = false;
  capture_.reset();
  Status result;
  int64_t dropped = capture_dropped_;
  int64_t bytes = 0;
  if (writer_) {
    result = writer_->finish();
    write_csv_lines(writer_->frames_on_disk());  // every frame, once the file is finished
    dropped += writer_->dropped();
    bytes = writer_->bytes_written();
    writer_.reset();
  }
  if (csv_) {
    std::fclose(csv_);
    csv_ = nullptr;
  }
  if (result.ok() && !error_.empty()) result = Error{error_};
  if (!result.ok()) {
    error_ = result.error();
    summary_ = error_;
    return result;
  }
  if (bytes == 0) {
    std::FILE* f = std::fopen(settings_.path.c_str(), "rb");
    if (f) {
      std::fseek(f, 0, SEEK_END);
      bytes = std::ftell(f);
      std::fclose(f);
    }
  }
  summary_ = strformat("recorded %lld frame%s to %s (%s", static_cast<long long>(frames_kept_),
                       frames_kept_ == 1 ? "" : "s",
                       settings_.path.c_str(), megabytes(bytes).c_str());
  if (dropped > 0) summary_ += strformat(", %lld dropped", static_cast<long long>(dropped));
  summary_ += ")";
  if (const std::string advice = repeat_advice(frames_requested_, new_steps_, settings_.lockstep());
      !advice.empty()) {
    summary_ += "; " + advice;
  }
  return {};
}

RecordingStatus Recorder::status(double now_s) const {
  RecordingStatus s;
  s.active = active_;
  s.lockstep = settings_.lockstep();
  s.steps_per_frame = settings_.steps_per_frame;
  s.path = settings_.path;
  s.frames = frames_kept_;
  s.captures = captures_;
  s.new_steps = new_steps_;
  s.requested = frames_requested_;
  s.dropped = capture_dropped_ + (writer_ ? writer_->dropped() : 0);
  s.bytes = writer_ ? writer_->bytes_written() : 0;
  s.elapsed_s = active_ ? now_s - start_s_ : 0.0;
  s.video_s = double(frames_kept_) / std::max(1, settings_.fps);
  s.width = width_;
  s.height = height_;
  return s;
}

Status write_frames(const std::string& path, const std::vector<const ImageRGBA*>& frames, int fps,
                    int scale) {
  if (frames.empty()) return Error{"export " + path + ": there is nothing to export yet"};
  scale = std::max(1, scale);
  const int w = frames[0]->width * scale, h = frames[0]->height * scale;
  auto upscale = [&](const ImageRGBA& in) {
    ImageRGBA out{w, h, std::vector<uint8_t>(size_t(w) * h * 4)};
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        std::memcpy(&out.pixels[(size_t(y) * w + x) * 4],
                    &in.pixels[(size_t(y / scale) * in.width + x / scale) * 4], 4);
      }
    }
    return out;
  };
  for (const ImageRGBA* f : frames) {
    if (f->width != frames[0]->width || f->height != frames[0]->height) {
      return Error{"export " + path + ": the kept frames differ in size"};
    }
  }
  RecordSettings check;
  check.path = path;
  check.fps = fps;
  if (auto s = check.validate(); !s) return s;
  if (check.is_gif()) {
    std::vector<ImageRGBA> scaled;
    scaled.reserve(frames.size());
    for (const ImageRGBA* f : frames) scaled.push_back(upscale(*f));
    GifSettings gs;
    gs.delay_cs = std::max(2, int(std::lround(100.0 / fps)));
    return write_gif(path, scaled, gs);
  }
  VideoSettings vs;
  vs.width = w;
  vs.height = h;
  vs.fps = fps;
  vs.crf = 18;
  auto encoder = VideoEncoder::open(path, vs);
  if (!encoder) return Error{encoder.error()};
  for (const ImageRGBA* f : frames) {
    ImageRGBA big = upscale(*f);
    if (auto s = (*encoder)->add_frame(big.pixels.data(), w * 4); !s) return s;
  }
  return (*encoder)->finish();
}

}  // namespace genscope
