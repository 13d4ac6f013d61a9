#include "train/session.h"

#include <cmath>
#include <cstring>

#include "record/tensor_file.h"
#include "train/distributed.h"
#include "train/models/image/model.h"
#include "train/state_io.h"
#include "util/strings.h"
#include "util/unique_version.h"

namespace genscope {

Result<std::unique_ptr<TrainingSession>> TrainingSession::create(
    const Params& params, std::shared_ptr<const Dataset> data, std::vector<Point2> custom_points) {
  const FamilyInfo& info = family_info(params);
  Params adjusted = params;
  FamilyInputs inputs{info.uses_dataset ? std::move(data) : nullptr, std::move(custom_points)};
  auto family = info.create(adjusted, inputs);
  if (!family) return Error{family.error()};
  return std::unique_ptr<TrainingSession>(
      new TrainingSession(adjusted, std::move(inputs), std::move(*family)));
}

TrainingSession::TrainingSession(const Params& params, FamilyInputs inputs,
                                 std::unique_ptr<Family> family)
    : params_(params),
      pending_(params),
      inputs_(std::move(inputs)),
      family_(std::move(family)) {
  restart_counters(0);
}

void TrainingSession::restart_counters(int64_t step) {
  step_ = step;
  run_id_ = next_unique_version();
  steps_left_ = 0;
  last_step_non_finite_ = false;
  start_ = rate_mark_ = std::chrono::steady_clock::now();
  rate_mark_step_ = step;
  steps_per_sec_ = 0.0;
  histograms_ = LayerHistograms{};
  histograms_.version = next_unique_version();
}

void TrainingSession::rebuild() {
  family_->reset(params_, inputs_);
  restart_counters(0);
}

bool TrainingSession::wants_step() const {
  if (paused_ && steps_left_ <= 0) return false;
  const auto at = family_->next_step_at();
  return !at || std::chrono::steady_clock::now() >= *at;
}

std::optional<std::chrono::steady_clock::time_point> TrainingSession::wake_at() const {
  if (paused_ && steps_left_ <= 0) return std::nullopt;
  return family_->next_step_at();
}

StepOutcome TrainingSession::step() {
  StepOutcome out;
  if (!wants_step()) return out;
  FamilyStep s = family_->step(params_, step_);
  if (!s.done) {
    out.phase = true;
    return out;
  }
  out.row = s.row;
  finish_step(out, s.finite_columns);
  if (!out.non_finite) family_->after_step(params_, step_);
  return out;
}

void TrainingSession::sample_histograms() {
  const int every = params_.integer(ParamId::kHistEvery);
  if (every <= 0 || step_ % every != 0) return;
  histograms_.layers.clear();
  family_->layer_histograms(kHistogramBins, histograms_.layers);
  histograms_.step = step_;
  histograms_.version = next_unique_version();
}

bool TrainingSession::diverged() {
  return last_step_non_finite_ || !family_->first_non_finite_parameter().empty();
}

void TrainingSession::finish_step(StepOutcome& out, int finite_columns) {
  ++step_;
  if (steps_left_ > 0 && --steps_left_ == 0) paused_ = true;
  out.stepped = true;
  out.row.step = step_;
  out.row.run = run_id_;
  out.row.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  last_step_non_finite_ = false;
  const MetricSchema& names = metric_names();
  for (int i = 0; i < std::min(finite_columns, out.row.count); ++i) {
    const float v = out.row.values[i];
    if (std::isfinite(v)) continue;
    out.non_finite = true;
    last_step_non_finite_ = true;
    paused_ = true;
    steps_left_ = 0;
    const std::string tensor = family_->first_non_finite_parameter();
    set_message(MessageLevel::kError,
                strformat("%s is %s at step %lld: training paused. %s%s", names[i].c_str(),
                          std::isnan(v) ? "NaN" : "infinite", static_cast<long long>(step_),
                          tensor.empty() ? "The weights are still finite. "
                                         : ("First non-finite weights: " + tensor + ". ").c_str(),
                          "Roll back to the last checkpoint, or lower the learning rates and "
                          "Reset."));
    break;
  }
  if (!out.non_finite) sample_histograms();
  update_rate();
}

void TrainingSession::update_rate() {
  auto now = std::chrono::steady_clock::now();
  double dt = std::chrono::duration<double>(now - rate_mark_).count();
  if (dt >= 0.5) {
    steps_per_sec_ = (step_ - rate_mark_step_) / dt;
    rate_mark_ = now;
    rate_mark_step_ = step_;
  }
}

// Painted points: a custom dataset, from new weights (the old run stays when they do not build).
Status TrainingSession::paint(const Command& command) {
  if (command.points.empty()) return Error{"custom: paint at least one point, then Apply"};
  std::vector<Point2> old = inputs_.custom_points;
  Params old_params = params_;
  inputs_.custom_points = command.points;
  pending_.set(ParamId::kDataset, {0.0, "custom"});
  params_ = pending_;
  try {
    rebuild();
  } catch (const std::exception& e) {
    inputs_.custom_points = std::move(old);
    params_ = pending_ = old_params;
    rebuild();
    return Error{e.what()};
  }
  set_message(MessageLevel::kInfo,
              strformat("training on %zu painted points", inputs_.custom_points.size()));
  return {};
}

// An edit: live values apply at once, needs-reset ones wait in pending_; a change is a history
// line.
Status TrainingSession::apply_edit(const Command& command) {
  const ParamSpec& spec = param_spec(command.param);
  const std::string from = format_param_value(spec, pending_.value(command.param));
  if (auto s = pending_.set(command.param, command.value); !s) return s;
  const std::string to = format_param_value(spec, pending_.value(command.param));
  if (message_is_input_error_) set_message(MessageLevel::kNone, "");
  // The model is touched only for a value that changed (resuming re-applies the run's
  // file settings; an optimizer's state stays as it was).
  const bool changed = params_.value(command.param) != pending_.value(command.param);
  if (spec.apply == ParamApply::kLive && changed) {
    params_.set(command.param, command.value);
    family_->set_live(params_);
  }
  const bool waits = spec.apply == ParamApply::kReset &&
                     pending_.value(command.param) != params_.value(command.param);
  if (from != to) push_event(RunEvent::edit(
      command.param, from, to, step_, waits,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()));
  return {};
}

Status TrainingSession::apply(const Command& command) {
  switch (command.kind) {
    case Command::Kind::kSetParam:
      return apply_edit(command);
    case Command::Kind::kPause:
      if (!paused_ || steps_left_ > 0) {
        push_event(RunEvent::message(MessageLevel::kInfo, "paused", step_));
      }
      paused_ = true;
      steps_left_ = 0;
      return {};
    case Command::Kind::kResume:
      if (paused_) push_event(RunEvent::message(MessageLevel::kInfo, "resumed", step_));
      paused_ = false;
      steps_left_ = 0;
      if (message_level_ == MessageLevel::kError) set_message(MessageLevel::kNone, "");
      return {};
    case Command::Kind::kStep:
      paused_ = true;
      steps_left_ += std::max<int64_t>(1, command.count);
      return {};
    case Command::Kind::kStepTo:
      paused_ = true;
      steps_left_ = std::max<int64_t>(0, command.count - step_);
      return {};
    case Command::Kind::kReset: {
      std::vector<ParamId> changed = pending_.diff(params_);
      params_ = pending_;
      rebuild();
      std::string what;
      for (ParamId id : changed) {
        what += strformat("%s%s=%s", what.empty() ? "" : ", ", param_spec(id).key,
                          params_.to_string(id).c_str());
      }
      set_message(MessageLevel::kInfo,
                  what.empty() ? "reset: new weights from seed " + params_.to_string(ParamId::kSeed)
                               : "reset with " + what);
      return {};
    }
    case Command::Kind::kToyPaint:
      return paint(command);
    case Command::Kind::kLatent:
    case Command::Kind::kToyUpdate:
    case Command::Kind::kToyView: {
      auto effect = family_->apply(command, step_);
      if (!effect) return Error{effect.error()};
      if (effect->pause) {
        paused_ = true;
        steps_left_ = 0;
      }
      return {};
    }
    case Command::Kind::kStop:
    case Command::Kind::kSaveCheckpoint:  // the Run does these
    case Command::Kind::kMuteAlarm:
    case Command::Kind::kLoadCheckpoint:
    case Command::Kind::kRollBack:
    case Command::Kind::kExportGenerator:
    case Command::Kind::kFork:  // the window's Trainer does these
    case Command::Kind::kShowRun:
    case Command::Kind::kCloseRun:
      return {};
  }
  return {};
}

Result<std::string> TrainingSession::save_state() {
  try {
    StateWriter w;
    w.write_int("step", step_);
    if (!inputs_.custom_points.empty()) {
      std::vector<float> pts;
      for (const Point2& p : inputs_.custom_points) pts.push_back(p.x), pts.push_back(p.y);
      w.write("custom_points", torch::tensor(pts, torch::kFloat32));
    }
    family_->save(w);
    return encode_tensor_file(w.file());
  } catch (const std::exception& e) {
    return Error{"saving the training state failed: " + first_line(e.what())};
  }
}

Result<TrainingSession::CheckpointInputs> TrainingSession::checkpoint_inputs(
    const std::string& bytes) {
  auto file = decode_tensor_file(bytes, "the training state");
  if (!file) return Error{file.error()};
  CheckpointInputs inputs;
  if (StateReader state(*file, torch::kCPU); state.has("ranks")) {
    int64_t n = 0;
    try {
      n = state.read_int("ranks");
    } catch (const std::exception& e) {
      return Error{first_line(e.what())};
    }
    if (n < 1 || n > kMaxRanks) return Error{strformat("ranks = %lld: out of range", static_cast<long long>(n))};
    inputs.ranks = static_cast<int>(n);
  }
  std::vector<Point2>& pts = inputs.custom_points;
  auto it = file->tensors.find("custom_points");
  if (it == file->tensors.end()) return inputs;
  const StoredTensor& t = it->second;
  if (t.dtype != DType::kF32 || t.shape.size() != 1 || t.shape[0] % 2 != 0) {
    return Error{"custom_points is not a list of (x, y) float pairs"};
  }
  std::vector<float> v(size_t(t.numel()));
  if (!v.empty()) std::memcpy(v.data(), t.bytes.data(), t.bytes.size());
  for (size_t i = 0; i + 1 < v.size(); i += 2) {
    if (!std::isfinite(v[i]) || !std::isfinite(v[i + 1])) return Error{"custom_points: not finite"};
    pts.push_back({v[i], v[i + 1]});
  }
  return inputs;
}

Status TrainingSession::restore_state(std::string bytes) {
  auto file = decode_tensor_file(bytes, "the training state");
  if (!file) return Error{file.error()};
  std::string().swap(bytes);  // decoded: the tensors' bytes are all that is held now
  try {
    StateReader r(*file, family_->device());  // saved on a CPU or a GPU, loaded onto this one
    const int64_t step = r.read_int("step");
    if (step < 0) return Error{"the checkpoint's step is negative"};
    if (r.has("custom_points")) r.read_any("custom_points", torch::kFloat32, 1);  // read already
    if (auto s = family_->load(r); !s) return s;
    r.check_all_read();
    step_ = step;
  } catch (const std::exception& e) {
    return Error{"the checkpoint does not fit this model: " + first_line(e.what())};
  }
  restart_counters(step_);
  return {};
}

void TrainingSession::set_message(MessageLevel level, std::string text) {
  message_level_ = level;
  message_ = std::move(text);
  message_is_input_error_ = false;
  if (level != MessageLevel::kNone && !message_.empty()) {
    push_event(RunEvent::message(level, message_, step_));
  }
}

void TrainingSession::set_input_error(std::string text) {
  set_message(MessageLevel::kError, std::move(text));
  message_is_input_error_ = true;
}

void TrainingSession::push_event(RunEvent e) {
  new_events_.push_back(std::move(e));
  // Nobody drains them in a headless run: keep the newest.
  if (new_events_.size() > kMaxPendingEvents) new_events_.erase(new_events_.begin());
}

void TrainingSession::take_events(std::vector<RunEvent>& out) {
  for (RunEvent& e : new_events_) out.push_back(std::move(e));
  new_events_.clear();
}

void TrainingSession::fill_snapshot(Snapshot& out, bool with_images) {
  // What every family reports the same way; then the family's own fields.
  out.run_id = run_id_;
  out.step = step_;
  out.steps_per_sec = paused_ ? 0.0 : steps_per_sec_;
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  out.paused = paused_;
  out.steps_left = steps_left_;
  out.running = true;
  out.message_level = message_level_;
  out.message = message_;
  out.diverged = last_step_non_finite_;
  out.checkpoint_path = checkpoint_path_;
  out.checkpoint_step = checkpoint_step_;
  if (out.histograms.version != histograms_.version) out.histograms = histograms_;
  out.params = params_;
  out.pending = pending_;
  out.metric_names = metric_names();
  family_->fill_snapshot(out, params_, with_images, step_);
}

}  // namespace genscope
