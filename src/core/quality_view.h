#pragma once
// Sample-quality metrics as plain data (no torch): what the metric classifier says about the
// generator, for the snapshot, the Quality panel, headless CSV columns and the alarms.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace genscope {

/// One evaluation of the generator.
struct QualityPoint {
  int64_t step = 0;
  double fid = NAN;            // classifier-FID of the generated images against the test split
  double is_score = NAN;       // exp(E KL(p(y|x) || p(y))): 1 (useless) .. classes (perfect)
  double class_entropy = NAN;  // entropy of the predicted-class histogram, nats (max ln classes)
  double seconds = 0.0;        // how long the evaluation took
};

/// Where the quality metrics stand.
enum class QualityState {
  kOff,        // eval_every is 0, or the model is the 2D lab
  kNoLabels,   // the dataset has no labels: no classifier, no metrics
  kPreparing,  // loading or training the metric classifier, computing the real statistics
  kReady,      // evaluating every eval_every steps
  kFailed,     // preparing failed (status says why)
};

/// The metric classifier, the reference values and every evaluation of the current run.
struct QualityView {
  QualityState state = QualityState::kOff;
  std::string status;          // one line: what is happening, or why it failed
  double progress = 0.0;       // preparing: 0..1
  double classifier_accuracy = NAN;  // on the test split
  bool classifier_cached = false;    // loaded from the cache rather than trained now
  std::string cache_path;
  int samples = 0;             // N of the evaluations
  int floor_samples = 0;       // train images behind the floor (N, or the split when smaller)
  double fid_floor = NAN;      // FID of N train images against the test split: a perfect generator
  double is_real = NAN;        // IS analogue of N train images: the best a generator can expect
  double entropy_max = NAN;    // ln(classes)
  std::vector<std::string> class_names;
  std::vector<float> real_share;  // share of each class among the test images
  std::vector<float> share;       // of the last evaluation's generated images, by predicted class
  std::vector<QualityPoint> history;  // every evaluation of this run, oldest first
  bool busy = false;          // an evaluation is running now
  int64_t busy_step = -1;     // its step
  uint64_t version = 0;       // changes whenever anything above changes

  const QualityPoint* last() const { return history.empty() ? nullptr : &history.back(); }
};

/// Names of the quality columns in metrics.csv: fid, is_score, class_entropy.
inline const std::vector<std::string>& quality_columns() {
  static const std::vector<std::string> names{"fid", "is_score", "class_entropy"};
  return names;
}

}  // namespace genscope
