#pragma once
// One training step's scalars, as the plots, the alarms and metrics.csv see them. Plain C++.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace genscope {

/// One training step's scalars. Names come from the model's MetricSchema.
struct MetricRow {
  static constexpr int kMaxValues = 8;
  int64_t step = 0;
  int64_t epoch = 0;
  double wall_s = 0.0;  // seconds since training started
  int count = 0;
  std::array<float, kMaxValues> values{};
  /// Bit i set: values[i] was not measured at this step (it repeats the last measurement for
  /// the plots, or is NaN before the first); metrics.csv writes an empty cell for it.
  uint32_t unmeasured = 0;
  /// The run that made it (Snapshot::run_id; a reset or a load starts a new one); 0: unknown.
  uint64_t run = 0;

  bool measured(int i) const { return !(unmeasured & (1u << i)); }
  /// Appends a value (ignored past kMaxValues); `measured` false marks it not measured.
  void push(float value, bool measured = true) {
    if (count >= kMaxValues) return;
    if (!measured) unmeasured |= 1u << count;
    values[count++] = value;
  }
};

/// Names of a model's metric columns: GANs report loss_d, loss_g, d_real, d_fake; VAEs and AEs
/// report recon, kl, elbo, beta_kl (ELBO = -(recon + kl) per image, in nats).
using MetricSchema = std::vector<std::string>;

}  // namespace genscope
