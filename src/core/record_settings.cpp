#include "core/record_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "util/strings.h"

namespace genscope {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

const char* record_region_name(RecordRegion region) {
  switch (region) {
    case RecordRegion::kWindow:
      return "window";
    case RecordRegion::kSamples:
      return "samples";
    case RecordRegion::kPlots:
      return "plots";
  }
  return "window";
}

Result<RecordRegion> parse_record_region(const std::string& name) {
  for (RecordRegion r : {RecordRegion::kWindow, RecordRegion::kSamples, RecordRegion::kPlots}) {
    if (name == record_region_name(r)) return r;
  }
  return Error{"'" + name + "' is not a region (window, samples or plots)"};
}

bool RecordSettings::is_gif() const { return lower_extension(path) == ".gif"; }

int64_t RecordSettings::frame_limit() const {
  int64_t by_seconds = max_seconds > 0 ? std::max<int64_t>(1, std::llround(max_seconds * fps)) : 0;
  if (max_frames > 0 && by_seconds > 0) return std::min(max_frames, by_seconds);
  return max_frames > 0 ? max_frames : by_seconds;
}

Status RecordSettings::validate() const {
  std::string ext = lower_extension(path);
  if (path.empty()) return Error{"recording path is empty"};
  if (ext != ".mp4" && ext != ".gif") {
    return Error{"recording " + path + ": the file must end in .mp4 or .gif"};
  }
  using namespace record_limits;
  if (fps < kMinFps || fps > kMaxFps) {
    return Error{strformat("record fps %d is outside [%d, %d]", fps, kMinFps, kMaxFps)};
  }
  if (crf < kMinCrf || crf > kMaxCrf) {
    return Error{strformat("record crf %d is outside [%d, %d]", crf, kMinCrf, kMaxCrf)};
  }
  if (!(scale >= kMinScale && scale <= kMaxScale)) {
    return Error{strformat("record scale %g is outside [%g, %g]", scale, kMinScale, kMaxScale)};
  }
  if (steps_per_frame < 0 || steps_per_frame > kMaxStepsPerFrame) {
    return Error{strformat("record steps per frame %d is outside [0, %d]", steps_per_frame,
                           kMaxStepsPerFrame)};
  }
  if (max_frames < 0) return Error{"record frame count must not be negative"};
  if (max_seconds < 0) return Error{"record seconds must not be negative"};
  return {};
}

std::string repeat_advice(int64_t frames, int64_t new_steps, bool lockstep) {
  if (lockstep || frames < 10) return {};
  const double repeated = 1.0 - double(new_steps) / double(frames);
  if (repeated < 0.5) return {};
  return strformat("%.0f %% of the frames repeat the previous training step (training moved on "
                   "in %lld of %lld): lockstep records a new step in every frame",
                   100.0 * repeated, static_cast<long long>(new_steps),
                   static_cast<long long>(frames));
}

std::string next_free_path(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return path;
  const std::filesystem::path p(path);
  for (int n = 2; n < 100000; ++n) {
    const std::filesystem::path candidate =
        p.parent_path() / (p.stem().string() + "-" + std::to_string(n) + p.extension().string());
    if (!std::filesystem::exists(candidate, ec)) return candidate.string();
  }
  return path;
}

std::string frames_csv_path(const std::string& video_path) {
  std::filesystem::path p(video_path);
  return (p.parent_path() / (p.stem().string() + ".frames.csv")).string();
}

}  // namespace genscope
