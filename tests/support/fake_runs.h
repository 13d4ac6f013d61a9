#pragma once
// Past run directories made up for the Runs window's tests: a config.cfg, a metrics.csv and,
// when asked, an event file with sample grids (no training).
#include <string>
#include <utility>
#include <vector>

namespace genscope::test {

/// `root`/`name` with config.cfg holding the defaults with `edits` ("" for none) and a
/// metrics.csv of D and G losses over steps 1..`steps` (D at `d`, one second a step).
std::string fake_run(const std::string& root, const std::string& name, const std::string& edits,
                     int steps, float d);

/// An event file in `dir` with a sample grid of `sizes[i]` (width, height) at `steps[i]`, every
/// pixel `rgb` (opaque).
void fake_sample_events(const std::string& dir, const std::vector<std::pair<int, int>>& sizes,
                        const std::vector<int>& steps, const std::vector<uint8_t>& rgb = {200, 200, 200});

}  // namespace genscope::test
