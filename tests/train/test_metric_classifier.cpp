// The metric classifier on the real Fashion-MNIST (skipped where Debian's dataset is missing).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "data/dataset.h"
#include "train/metric_classifier.h"

namespace genscope {
namespace {

TEST(MetricClassifier, ReachesNinetyPercentOnFashionMnistTest) {
  if (!std::filesystem::exists(kFashionMnistDir)) GTEST_SKIP() << "no " << kFashionMnistDir;
  auto data = load_dataset("fashion-mnist");
  ASSERT_TRUE(data) << data.error();
  MetricClassifierNet net(1, 28, 28, 10, 1);
  const auto t0 = std::chrono::steady_clock::now();
  int printed = -1;
  ASSERT_TRUE(train_metric_classifier(net, data->train, ClassifierTraining{}, [&](double f) {
    if (int(f * 20) != printed) {
      printed = int(f * 20);
      std::printf("%3.0f %% at %.1f s\n", f * 100,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      std::fflush(stdout);
    }
    return true;
  }));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto [logits, features] = classify(net, image_tensor(data->test, 0, data->test.count));
  const double acc = classifier_accuracy(logits, data->test.labels);
  std::printf("metric classifier: %.2f %% test accuracy after %.1f s of training\n", acc * 100, s);
  EXPECT_GE(acc, 0.90);
  EXPECT_EQ(features.size(1), MetricClassifierNetImpl::kFeatureDim);
}

}  // namespace
}  // namespace genscope
