#pragma once
// Quality metrics of one dataset: the metric classifier (loaded from the cache, or trained on the
// train split and cached), the test split's feature statistics, and evaluations of a generator
// (classifier-FID, the Inception-Score analogue, the class histogram). Synchronous: the headless
// runner calls it directly, the window through QualityWorker's thread.
#include <functional>
#include <map>
#include <memory>

#include "data/dataset.h"
#include "train/metric_classifier.h"
#include "train/models/image/model.h"
#include "core/quality_view.h"

namespace genscope {

/// Where cached classifiers go: $GENSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/genscope, else
/// $HOME/.cache/genscope.
std::string default_cache_dir();

/// Called while preparing with the fraction done and what is happening; false cancels.
using QualityProgress = std::function<bool(double fraction, const std::string& what)>;

/// The metric classifier and reference statistics of one dataset.
class QualityMetrics {
 public:
  /// For `data` (both splits need labels); the classifier runs on `device`.
  QualityMetrics(std::shared_ptr<const Dataset> data, torch::Device device, std::string cache_dir,
                 ClassifierTraining training = {});

  /// True when the dataset can be scored (labelled train and test splits); else `why` says why.
  static bool supported(const Dataset& data, std::string* why = nullptr);

  /// Loads the cached classifier for this dataset, or trains one and caches it (a failed write
  /// is reported in the view's status, not an error); then computes the test statistics.
  Status prepare(const QualityProgress& progress = {});
  bool ready() const { return ready_; }

  /// Scores `n` images decoded by `model` from a fixed set of latent codes (the same codes every
  /// evaluation, drawn from the metric's own generator). Fills the view's share of each class.
  /// `keep_going` is asked between chunks of images; when it says no, throws Cancelled.
  QualityPoint evaluate(Model& model, int n, int64_t step, std::vector<float>& share,
                        const std::function<bool()>& keep_going = {});
  /// Thrown by evaluate() and reference() when cancelled.
  struct Cancelled {};

  /// FID of `n` train images (at most the split's size: see reference_count) against the test
  /// statistics (the floor) and their IS analogue; computed once per n. `keep_going` as for
  /// evaluate().
  std::pair<double, double> reference(int n, const std::function<bool()>& keep_going = {});
  /// How many train images reference(n) uses.
  int reference_count(int n) const;

  /// The reference part of the view: accuracy, cache, class names, real shares, entropy max.
  void fill_reference(QualityView& out) const;

  MetricClassifierNet& net() { return net_; }
  /// The cache file (set by prepare()).
  const std::string& cache_path() const { return cache_path_; }
  /// A warning from preparing (a cache that could not be written), or "".
  const std::string& warning() const { return warning_; }

 private:
  struct Scores {
    torch::Tensor features;  // [N, D]
    torch::Tensor probs;     // [N, K] softmax
  };
  /// Classifies `images` chunk by chunk; throws Cancelled when `keep_going` says no between them.
  Scores score(const torch::Tensor& images, const std::function<bool()>& keep_going = {});
  /// A fresh, untrained classifier for the dataset, on the device.
  void reset_net();
  Status load_cache();
  Status write_cache();

  std::shared_ptr<const Dataset> data_;
  torch::Device device_;
  ClassifierTraining training_;
  std::string cache_dir_;
  std::string cache_path_;  // known once prepare() started
  MetricClassifierNet net_{nullptr};
  bool ready_ = false;
  bool cached_ = false;
  std::string warning_;
  double accuracy_ = NAN;
  torch::Tensor test_mu_, test_sigma_;  // double
  std::vector<float> test_share_;
  std::map<int, std::pair<double, double>> references_;  // n -> (FID floor, IS of train images)
};

/// FID, IS analogue and class entropy of scored images: `features` [N, D], class probabilities
/// `probs` [N, K]; fills `share` with each class's share of the argmax predictions.
QualityPoint quality_scores(const torch::Tensor& features, const torch::Tensor& probs,
                            const torch::Tensor& real_mu, const torch::Tensor& real_sigma,
                            std::vector<float>& share);

/// A copy of `model`'s networks (weights and buffers, for decode()) in a model `build` makes of
/// the same architecture, without drawing from LibTorch's global random generator on `device`,
/// so the run it was taken from is unchanged.
std::unique_ptr<Model> copy_model(Model& model, const std::function<std::unique_ptr<Model>()>& build,
                                  torch::Device device);

}  // namespace genscope
