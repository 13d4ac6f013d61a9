#pragma once
// Snapshots as a run of each model family publishes them after a few hundred steps, with every
// picture, plot and list filled in (made up, torch-free), and the metric rows behind the plots:
// for layout tests and screenshots of the panels without training anything.
#include <vector>

#include "core/snapshot.h"

namespace genscope::test {

/// A run of `family` at `step`: parameters at their defaults for the family (ring8 for the 2D
/// lab, vae for encoder models), sample grids, latent views, a latent map (VAE), quality
/// evaluations (image models), histograms, gradients and the 2D lab's plot data.
Snapshot fake_snapshot(ModelFamily family, int64_t step = 600);

/// Makes `snapshot` a minimal 2D-lab one: ring8 with a 4x4 heatmap, two real and two generated
/// points, arrows, a 2x2 manifold and two modes (for panel tests that check what is drawn).
void make_small_toy(Snapshot& snapshot);

/// Makes a text snapshot (fake_snapshot(kText): a Transformer's attention) a char-lstm one: 8
/// hidden units over the passage, unit 5 following the position in the line.
void make_recurrent_text(Snapshot& snapshot);

/// `count` metric rows for `snapshot`'s schema, steps 1..count, values that wander like losses.
std::vector<MetricRow> fake_rows(const Snapshot& snapshot, int count);

}  // namespace genscope::test
