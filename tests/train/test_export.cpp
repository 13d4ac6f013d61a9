// Export generator: the README's Python lines rebuild the exported network in PyTorch, and it
// makes the images genscope makes from the same codes (Debian's python3-torch; skipped without).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "record/checkpoint_file.h"
#include "support/test_files.h"
#include "train/family_access.h"
#include "train/generator_export.h"
#include "train/run.h"
#include "train/state_io.h"
#include "train/tiny_data.h"
#include "train/trainer.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

const std::string kPython = "/usr/bin/python3";

std::string dir() {
  static const bool cleaned = test::remove_when_all_pass("export");
  (void)cleaned;
  return test::process_dir("export");
}

bool python_has_torch() {
  static const bool has = std::system((kPython + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0;
  return has;
}

// The README's block after its export-snippet marker.
std::string readme_snippet() {
  const std::string readme = test::read_text(std::string(GENSCOPE_SOURCE_DIR) + "/README.md");
  const size_t marker = readme.find("<!-- export-snippet");
  if (marker == std::string::npos) return {};
  const size_t begin = readme.find("```python\n", marker);
  const size_t end = readme.find("```\n", begin + 10);
  if (begin == std::string::npos || end == std::string::npos) return {};
  return readme.substr(begin + 10, end - begin - 10);
}

// Runs the snippet in `where` (where it loads generator-step2000), then compares its network's
// images for check.safetensors' codes with the images genscope made from them.
std::string run_snippet(const std::string& where) {
  std::ofstream(where + "/check.py")
      << readme_snippet()
      << "\nassert tuple(images.shape) == (64, arch['channels'], arch['image_size'], "
         "arch['image_size']), images.shape\n"
         "check = read_safetensors('check.safetensors')\n"
         "with torch.no_grad():\n"
         "    out = g(check['z'])\n"
         "expected = check['images'] if arch['output_range'][0] == -1 else (check['images'] + 1) / 2\n"
         "error = (out - expected).abs().max().item()\n"
         "print('max error %g' % error)\n"
         "assert error < 1e-4, error\n";
  const std::string cmd =
      "cd '" + where + "' && " + kPython + " check.py > check.out 2>&1";
  const int rc = std::system(cmd.c_str());
  return rc == 0 ? "" : test::read_text(where + "/check.out");
}

class ExportedGenerator : public ::testing::TestWithParam<const char*> {};

TEST_P(ExportedGenerator, TheReadmesPythonRebuildsItAndMakesTheSameImages) {
  if (!python_has_torch()) GTEST_SKIP() << kPython << " has no torch (Debian's python3-torch)";
  ASSERT_FALSE(readme_snippet().empty()) << "README.md lost its export-snippet block";
  Params p = test::small_params(GetParam());
  if (std::string(GetParam()) == "dcgan") p.set_from_string(ParamId::kGEma, "0.9");
  auto created = TrainingSession::create(p, test::tiny_dataset());
  ASSERT_TRUE(created.ok()) << created.error();
  TrainingSession& s = **created;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.step().stepped);
  std::unique_ptr<Model> model = image_family(s).model_copy();
  const std::string where = dir() + "/" + GetParam();
  fs::create_directories(where);
  ASSERT_TRUE(export_generator(*model, s.params(), 3, where + "/generator-step2000").ok());
  const auto arch = nlohmann::json::parse(test::read_text(where + "/generator-step2000.json"));
  EXPECT_EQ(arch["model"], GetParam());
  EXPECT_EQ(arch["step"], 3);
  EXPECT_EQ(arch["latent_dim"], 16);
  EXPECT_EQ(arch["image_size"], 28);

  // The live model's own images for four codes: the copy's are the same (its reference noise
  // and moving average came with it).
  const torch::Tensor z = torch::randn({4, 16});
  const torch::Tensor images = image_model(s).decode(z);
  EXPECT_TRUE(torch::allclose(images, model->decode(z)));
  StateWriter check;
  check.write("z", z);
  check.write("images", images);
  ASSERT_TRUE(write_file_atomic(where + "/check.safetensors", encode_tensor_file(check.file())).ok());
  const std::string failure = run_snippet(where);
  EXPECT_EQ(failure, "");
}
INSTANTIATE_TEST_SUITE_P(Models, ExportedGenerator,
                         ::testing::Values("dcgan", "mlp-gan", "vae", "mlp-vae"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// A headless --export-generator writes both files into the run directory and says so; a text
// model has no generator: a clear error, and its run directory is still complete.
TEST(ExportGenerator, HeadlessWritesIntoTheRunDirectoryAndATextModelSaysWhyNot) {
  const std::string out = dir() + "/headless";
  RunOptions o{test::small_params(), "", out};
  o.headless = true;
  o.export_generator = "gen";
  HeadlessFiles files;
  ASSERT_TRUE(run_headless(o, 2, {}, &files).ok());
  EXPECT_EQ(files.exported, out + "/gen.safetensors");
  EXPECT_TRUE(fs::exists(out + "/gen.safetensors"));
  EXPECT_TRUE(fs::exists(out + "/gen.json"));
  const std::string said = "exported the generator to " + out + "/gen.safetensors";
  EXPECT_NE(test::read_text(out + "/events.log").find(said), std::string::npos);

  Params text;
  ASSERT_TRUE(text.set_from_string(ParamId::kModel, "char-rnn").ok());
  RunOptions t{text, "", dir() + "/text"};
  t.headless = true;
  t.export_generator = "gen";
  Status s = run_headless(t, 2);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("--export-generator: the char-rnn has no generator to export"),
            std::string::npos) << s.error();
  EXPECT_TRUE(fs::exists(dir() + "/text/metrics.csv"));
  EXPECT_FALSE(fs::exists(dir() + "/text/gen.safetensors"));
}

}  // namespace
