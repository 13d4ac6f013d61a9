#include "train/quality.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "record/checkpoint_file.h"
#include "train/frechet.h"
#include "train/rng.h"
#include "util/strings.h"

namespace genscope {
namespace {

// Bump when the classifier's architecture or training changes: old cache files are then ignored.
constexpr int kClassifierVersion = 1;
constexpr uint64_t kNoiseSeed = 20261123;  // the evaluations' latent codes
constexpr int64_t kChunk = 500;

uint64_t fnv1a(const std::vector<uint8_t>& bytes, uint64_t h) {
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ULL;
  return h;
}

// Identifies the data a classifier was trained and tested on.
uint64_t dataset_hash(const Dataset& d, const ClassifierTraining& t) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const ImageSet* s : {&d.train, &d.test}) {
    h = fnv1a(s->pixels, h);
    h = fnv1a(s->labels, h);
  }
  const uint64_t setup[] = {uint64_t(kClassifierVersion), uint64_t(t.epochs),
                            uint64_t(t.batch_size), uint64_t(t.lr * 1e9), t.seed};
  for (uint64_t v : setup) h = (h ^ v) * 0x100000001b3ULL;
  return h;
}

std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return out.empty() ? "data" : out;
}

int class_count(const Dataset& d) {
  int k = 0;
  for (const ImageSet* s : {&d.train, &d.test})
    for (uint8_t l : s->labels) k = std::max(k, int(l) + 1);
  return k;
}

std::vector<float> label_share(const std::vector<uint8_t>& labels, int classes) {
  std::vector<float> share(classes, 0.0f);
  for (uint8_t l : labels) share[l] += 1.0f;
  for (float& s : share) s /= std::max<size_t>(1, labels.size());
  return share;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* d = std::getenv("GENSCOPE_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/genscope";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/genscope";
  return (std::filesystem::temp_directory_path() / "genscope-cache").string();
}

QualityPoint quality_scores(const torch::Tensor& features, const torch::Tensor& probs,
                            const torch::Tensor& real_mu, const torch::Tensor& real_sigma,
                            std::vector<float>& share) {
  QualityPoint p;
  auto [mu, sigma] = feature_statistics(features);
  p.fid = frechet_distance(mu, sigma, real_mu, real_sigma);
  const torch::Tensor pr = probs.to(torch::kDouble).clamp_min(1e-12);
  const torch::Tensor marginal = pr.mean(0, true);
  p.is_score = std::exp((pr * (pr.log() - marginal.log())).sum(1).mean().item<double>());
  const int64_t k = probs.size(1);
  const torch::Tensor counts =
      torch::bincount(probs.argmax(1), {}, k).to(torch::kDouble).div(double(probs.size(0)));
  share.assign(k, 0.0f);
  double h = 0.0;
  for (int64_t c = 0; c < k; ++c) {
    const double s = counts[c].item<double>();
    share[c] = static_cast<float>(s);
    if (s > 0.0) h -= s * std::log(s);
  }
  p.class_entropy = h;
  return p;
}

QualityMetrics::QualityMetrics(std::shared_ptr<const Dataset> data, torch::Device device,
                               std::string cache_dir, ClassifierTraining training)
    : data_(std::move(data)),
      device_(device),
      training_(training),
      cache_dir_(std::move(cache_dir)) {}

bool QualityMetrics::supported(const Dataset& data, std::string* why) {
  const auto labelled = [](const ImageSet& s) {
    return s.count > 0 && s.labels.size() == static_cast<size_t>(s.count);
  };
  if (labelled(data.train) && labelled(data.test) && class_count(data) >= 2) return true;
  if (why) {
    // An unlabelled set has no test split either (only labelled ones get a held-out one): the
    // labels are what it lacks.
    const char* lacks = !labelled(data.train)  ? " has no labels"
                        : data.test.count == 0 ? " has no test split"
                        : !labelled(data.test) ? " has no labels in its test split"
                                               : " has fewer than two classes";
    *why = "quality metrics need labelled train and test splits; " + data.name + lacks;
  }
  return false;
}

QualityMetrics::Scores QualityMetrics::score(const torch::Tensor& images,
                                             const std::function<bool()>& keep_going) {
  std::vector<torch::Tensor> logits, features;
  for (int64_t i = 0; i < images.size(0); i += kChunk) {
    if (keep_going && !keep_going()) throw Cancelled{};
    auto [l, f] = classify(net_, images.slice(0, i, i + kChunk), kChunk);
    logits.push_back(l);
    features.push_back(f);
  }
  return {torch::cat(features), torch::softmax(torch::cat(logits), 1)};
}

void QualityMetrics::reset_net() {
  const Dataset& d = *data_;
  net_ = MetricClassifierNet(d.train.channels, d.train.height, d.train.width, class_count(d),
                             training_.seed);
  net_->to(device_);
}

Status QualityMetrics::prepare(const QualityProgress& progress) {
  if (ready_) return {};
  std::string why;
  if (!supported(*data_, &why)) return Error{why};
  const Dataset& d = *data_;
  // Hashing the images takes a moment: here, on the preparing thread, not in the constructor.
  cache_path_ =
      strformat("%s/classifier-%s-%016llx.gsc", cache_dir_.c_str(), safe_name(d.name).c_str(),
                static_cast<unsigned long long>(dataset_hash(d, training_)));
  reset_net();
  std::error_code ec;  // an unreadable cache directory: train a classifier, say so when saving
  if (std::filesystem::exists(cache_path_, ec)) {
    if (Status s = load_cache(); s) {
      cached_ = true;
    } else {
      warning_ = s.error() + " (training a new classifier)";
      reset_net();  // a half-loaded cache must not leave weights behind
    }
  }
  if (!cached_) {
    const std::string what = "training the metric classifier on " + d.name + "'s train split";
    if (progress && !progress(0.0, what)) return Error{"cancelled"};
    Status s = train_metric_classifier(
        net_, d.train, training_, [&](double f) { return !progress || progress(0.9 * f, what); });
    if (!s) return s;
    if (progress && !progress(0.9, "scoring the test split")) return Error{"cancelled"};
    Scores test;
    try {
      test = score(image_tensor(d.test, 0, d.test.count),
                   [&] { return !progress || progress(0.9, "scoring the test split"); });
    } catch (const Cancelled&) {
      return Error{"cancelled"};
    }
    accuracy_ = classifier_accuracy(test.probs, d.test.labels);
    std::tie(test_mu_, test_sigma_) = feature_statistics(test.features);
    test_share_ = label_share(d.test.labels, class_count(d));
    if (Status w = write_cache(); !w) warning_ = w.error();
  }
  ready_ = true;
  return {};
}

Status QualityMetrics::write_cache() {
  try {
    torch::serialize::OutputArchive a;
    net_->save(a);
    a.write("test_mu", test_mu_);
    a.write("test_sigma", test_sigma_);
    a.write("accuracy", torch::tensor({accuracy_}, torch::kDouble));
    std::ostringstream bytes;
    a.save_to(bytes);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cache_path_).parent_path(), ec);
    const std::string text = strformat("kind = metric-classifier\ndataset = %s\naccuracy = %.6f\n",
                                       data_->name.c_str(), accuracy_);
    if (Status s = write_file_atomic(cache_path_, encode_checkpoint({text, bytes.str()})); !s) {
      return Error{"metric classifier cache " + s.error()};
    }
  } catch (const std::exception& e) {
    return Error{"metric classifier cache " + cache_path_ + ": " + first_line(e.what())};
  }
  return {};
}

Status QualityMetrics::load_cache() {
  auto bytes = read_file_bytes(cache_path_);
  if (!bytes) return Error{"metric classifier cache " + bytes.error()};
  auto file = decode_checkpoint(*bytes, cache_path_);
  if (!file) return Error{"metric classifier cache " + file.error()};
  try {
    std::istringstream in(file->payload);
    torch::serialize::InputArchive a;
    a.load_from(in, device_);  // written on a CPU or a GPU
    net_->load(a);
    const auto read = [&a](const char* key) {
      torch::Tensor t;
      a.read(key, t);
      return t.to(torch::kCPU);
    };
    test_mu_ = read("test_mu");
    test_sigma_ = read("test_sigma");
    accuracy_ = read("accuracy").item<double>();
    const int64_t dim = MetricClassifierNetImpl::kFeatureDim;
    if (test_mu_.numel() != dim || test_sigma_.numel() != dim * dim) {
      return Error{"metric classifier cache " + cache_path_ + ": statistics of the wrong size"};
    }
  } catch (const std::exception& e) {
    return Error{"metric classifier cache " + cache_path_ + ": " + first_line(e.what())};
  }
  net_->eval();
  test_share_ = label_share(data_->test.labels, class_count(*data_));
  return {};
}

int QualityMetrics::reference_count(int n) const {
  return static_cast<int>(std::clamp<int64_t>(n, 1, data_->train.count));
}

std::pair<double, double> QualityMetrics::reference(int n,
                                                    const std::function<bool()>& keep_going) {
  n = reference_count(n);
  if (auto it = references_.find(n); it != references_.end()) return it->second;
  const ImageSet& train = data_->train;
  // n train images spread over the split (a fixed stride, so every class is in).
  const int64_t stride = std::max<int64_t>(1, train.count / n);
  const torch::Tensor idx = torch::arange(0, int64_t(n) * stride, stride, torch::kLong);
  const Scores s = score(unit_range(uint8_images(train).index_select(0, idx)), keep_going);
  std::vector<float> share;
  const QualityPoint p = quality_scores(s.features, s.probs, test_mu_, test_sigma_, share);
  return references_[n] = {p.fid, p.is_score};
}

QualityPoint QualityMetrics::evaluate(Model& model, int n, int64_t step, std::vector<float>& share,
                                      const std::function<bool()>& keep_going) {
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(kNoiseSeed);
  const torch::Tensor z = torch::randn({n, model.latent_dim()}, gen, torch::kFloat);
  std::vector<torch::Tensor> features, probs;
  for (int64_t i = 0; i < n; i += kChunk) {
    if (keep_going && !keep_going()) throw Cancelled{};
    const torch::Tensor images = model.decode(z.slice(0, i, i + kChunk).to(device_));
    const Scores s = score(images);
    features.push_back(s.features);
    probs.push_back(s.probs);
  }
  QualityPoint p =
      quality_scores(torch::cat(features), torch::cat(probs), test_mu_, test_sigma_, share);
  p.step = step;
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

void QualityMetrics::fill_reference(QualityView& out) const {
  out.classifier_accuracy = accuracy_;
  out.classifier_cached = cached_;
  out.cache_path = cache_path_;
  out.class_names = data_->test.class_names;
  out.real_share = test_share_;
  out.entropy_max = std::log(double(std::max<size_t>(1, test_share_.size())));
}

std::unique_ptr<Model> copy_model(Model& model, const std::function<std::unique_ptr<Model>()>& build,
                                  torch::Device device) {
  std::unique_ptr<Model> copy;
  {
    // Building draws initial weights (and a GAN's fixed noise) from the global generators.
    GlobalRngRestore restore(device);
    copy = build();
  }
  StateWriter out;
  model.save(out);
  StateReader in(out.file(), device);
  copy->load(in);
  return copy;
}

}  // namespace genscope
