#include "support/fake_runs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/params.h"
#include "record/tensorboard_writer.h"

namespace genscope::test {
namespace fs = std::filesystem;

std::string fake_run(const std::string& root, const std::string& name, const std::string& edits,
                     int steps, float d) {
  const std::string dir = root + "/" + name;
  fs::create_directories(dir);
  Params p;
  if (!edits.empty()) EXPECT_TRUE(apply_edits(p, edits)) << edits;
  std::ofstream(dir + "/config.cfg", std::ios::binary) << to_config_text(p);
  std::string csv = "step,epoch,wall_s,loss_d,loss_g,d_real,d_fake,lr_scale\n";
  for (int s = 1; s <= steps; ++s) {
    csv += std::to_string(s) + ",0," + std::to_string(s) + ".0," + std::to_string(d) +
           ",2.5,0.6,0.4,1\n";
  }
  std::ofstream(dir + "/metrics.csv", std::ios::binary) << csv;
  return dir;
}

void fake_sample_events(const std::string& dir, const std::vector<std::pair<int, int>>& sizes,
                        const std::vector<int>& steps, const std::vector<uint8_t>& rgb) {
  auto w = TensorBoardWriter::open(dir, 1000.0);
  ASSERT_TRUE(w) << w.error();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    ImageRGBA image;
    image.width = sizes[i].first, image.height = sizes[i].second;
    image.pixels.resize(size_t(image.width) * image.height * 4);
    for (size_t p = 0; p < image.pixels.size(); p += 4) {
      image.pixels[p] = rgb[0], image.pixels[p + 1] = rgb[1], image.pixels[p + 2] = rgb[2];
      image.pixels[p + 3] = 255;
    }
    ASSERT_TRUE(w->write(tb_image_event("samples", steps[i], 1000.0 + steps[i], image)));
  }
  ASSERT_TRUE(w->close());
}

}  // namespace genscope::test
