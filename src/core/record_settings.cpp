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
  const std::vector<const char*>& names = param_spec(ParamId::kRecordRegion).choices;
  const auto i = static_cast<std::size_t>(region);
  return i < names.size() ? names[i] : names.front();
}

Result<RecordRegion> parse_record_region(const std::string& name) {
  Params p;
  if (auto s = p.set_from_string(ParamId::kRecordRegion, name); !s) return Error{s.error()};
  return static_cast<RecordRegion>(p.integer(ParamId::kRecordRegion));
}

RecordSettings::RecordSettings() : RecordSettings(record_defaults()) {}

RecordSettings::RecordSettings(const Params& p)
    : path(p.text(ParamId::kRecordPath)),
      fps(p.integer(ParamId::kRecordFps)),
      crf(p.integer(ParamId::kRecordCrf)),
      scale(static_cast<float>(p.number(ParamId::kRecordScale))),
      region(static_cast<RecordRegion>(p.integer(ParamId::kRecordRegion))),
      steps_per_frame(p.integer(ParamId::kRecordStepsPerFrame)),
      max_frames(static_cast<int64_t>(p.number(ParamId::kRecordFrames))),
      max_seconds(p.number(ParamId::kRecordSeconds)),
      preset(p.choice(ParamId::kRecordPreset)) {}

const RecordSettings& record_defaults() {
  static const RecordSettings defaults{Params()};
  return defaults;
}

int RecordSettings::lockstep_steps() const {
  return steps_per_frame > 0 ? steps_per_frame : std::max(1, record_defaults().steps_per_frame);
}

bool RecordSettings::is_gif() const { return lower_extension(path) == ".gif"; }

int64_t RecordSettings::frame_limit() const {
  int64_t by_seconds = max_seconds > 0 ? std::max<int64_t>(1, std::llround(max_seconds * fps)) : 0;
  if (max_frames > 0 && by_seconds > 0) return std::min(max_frames, by_seconds);
  return max_frames > 0 ? max_frames : by_seconds;
}

Status RecordSettings::validate() const {
  // Every value through its table row: the errors name the key, the value and the range.
  Params p;
  const auto number = [](double v) { return ParamValue{v, ""}; };
  for (const auto& [id, value] : {std::pair{ParamId::kRecordPath, ParamValue{0.0, path}},
                                  std::pair{ParamId::kRecordRegion, number(int(region))},
                                  std::pair{ParamId::kRecordFps, number(fps)},
                                  std::pair{ParamId::kRecordCrf, number(crf)},
                                  std::pair{ParamId::kRecordScale, number(scale)},
                                  std::pair{ParamId::kRecordStepsPerFrame, number(steps_per_frame)},
                                  std::pair{ParamId::kRecordFrames, number(double(max_frames))},
                                  std::pair{ParamId::kRecordSeconds, number(max_seconds)}}) {
    if (auto s = p.set(id, value); !s) return s;
  }
  if (auto s = p.set_from_string(ParamId::kRecordPreset, preset); !s) return s;
  const std::string ext = lower_extension(path);
  if (ext != ".mp4" && ext != ".gif") {
    return Error{"recording " + path + ": the file must end in .mp4 or .gif"};
  }
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
