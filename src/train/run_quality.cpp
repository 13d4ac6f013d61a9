// Run: quality evaluations (the QualityWorker), alarms and the checkpoints they and the
// checkpoint policy write.
#include <cmath>
#include <filesystem>

#include "train/checkpoint.h"
#include "train/run_impl.h"
#include "util/strings.h"

namespace genscope {

bool quality_wanted(const TrainingSession& session) {
  return session.data() && session.params().integer(ParamId::kEvalEvery) > 0 &&
         QualityMetrics::supported(*session.data());
}

void Run::Impl::sync_quality(bool new_run) {
  if (!session || !quality_wanted(*session)) {
    quality.reset();
    eval_pending = false;
    awaiting.clear();
    return;
  }
  if (!quality || quality->data() != session->data()) {
    quality =
        std::make_unique<QualityWorker>(session->data(), session->device(), default_cache_dir());
    quality_view = QualityView{};
    quality_seen = 0;
    quality_announced = false;
  } else if (new_run) {
    quality->new_run();
  }
  if (new_run) {
    eval_pending = false;
    awaiting.clear();
    quality_seen = 0;
  }
}

void Run::Impl::offer_evaluation(bool non_finite) {
  if (!quality || !session) return;
  if (non_finite) {
    eval_pending = false;  // nothing to score in a diverged model (the NaN alarm paused it)
    return;
  }
  const int every = session->params().integer(ParamId::kEvalEvery);
  if (every > 0 && step() > 0 && step() % every == 0) eval_pending = true;
  if (!eval_pending) return;
  if (options.headless && !quality->wait_until_accepting()) {
    eval_pending = false;
    return;
  }
  if (!quality->accepting()) return;
  const int n = session->params().integer(ParamId::kEvalSamples);
  if (quality->submit(session->model_copy(), step(), n)) {
    eval_pending = false;
    awaiting.push_back(step());
  }
}

void Run::Impl::take_quality_results() {
  if (!quality) return;
  quality->fill(quality_view);
  if (quality_view.state == QualityState::kFailed) awaiting.clear();
  if (quality_view.state == QualityState::kReady && !quality_announced) {
    quality_announced = true;
    std::string text = strformat("metric classifier ready: %.2f %% on the test split (%s %s)",
                                 quality_view.classifier_accuracy * 100.0,
                                 quality_view.classifier_cached ? "loaded from" : "cached in",
                                 quality_view.cache_path.c_str());
    if (std::isfinite(quality_view.fid_floor)) {
      text += strformat("; FID floor %.3f, IS %.3f", quality_view.fid_floor, quality_view.is_real);
    }
    message(MessageLevel::kInfo, text);
  }
  if (quality_view.history.size() < quality_seen) quality_seen = 0;  // a new run
  for (; quality_seen < quality_view.history.size(); ++quality_seen) {
    const QualityPoint& q = quality_view.history[quality_seen];
    alarms.add_class_entropy(q.step, q.class_entropy, quality_view.entropy_max);
    for (MetricRow& row : held) {
      if (row.step != q.step || quality_column < 0) continue;
      const double values[] = {q.fid, q.is_score, q.class_entropy};
      for (int k = 0; k < 3 && quality_column + k < row.count; ++k) {
        row.values[quality_column + k] = static_cast<float>(values[k]);
        row.unmeasured &= ~(1u << (quality_column + k));
      }
    }
    while (!awaiting.empty() && awaiting.front() <= q.step) awaiting.pop_front();
  }
  flush_rows(false);
}

void Run::Impl::watch_alarms(const MetricRow& row) {
  session->family().watch(alarms, row);
  take_quality_results();
  for (const AlarmEvent& e : alarms.take_new()) {
    add_event(RunEvent::message(
        MessageLevel::kWarning, std::string("alarm: ") + alarm_name(e.kind) + ": " + e.text,
        e.step));
    if (alarm_saves_checkpoint(e) && !session->diverged()) {
      save_to(dir.alarm_checkpoint(step()), "alarm: saved checkpoint ");
    }
  }
}

bool Run::Impl::save_to(const std::string& path, const std::string& what) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  Status s = save_checkpoint(*session, path);
  if (!s) {
    note_file_error(s.error());
    return false;
  }
  session->set_message(MessageLevel::kInfo,
                       strformat("%s%s (step %lld)", what.c_str(), path.c_str(),
                                 static_cast<long long>(step())));
  return true;
}

void Run::Impl::periodic_checkpoint() {
  const int every = session->params().integer(ParamId::kCheckpointEvery);
  if (every <= 0 || step() % every != 0 || session->diverged()) return;
  save_to(dir.checkpoint(session->params(), step()), "saved checkpoint ");
}

}  // namespace genscope
