// The 2D lab's plain-C++ side: heatmap colours and orientation, manifold density, the headless
// scatter image, pan/zoom, the parameter table's 2D rows, presets and the CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "core/cli.h"
#include "core/presets.h"
#include "core/toy_view.h"

using namespace genscope;

namespace {

std::array<uint8_t, 4> pixel(const ImageRGBA& img, int x, int y) {
  const uint8_t* p = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 4];
  return {p[0], p[1], p[2], p[3]};
}

// A 2x2 heat grid over [-1, 1]^2: rows from min_y, values 0 (bottom) and 1 (top).
ToyView two_by_two() {
  ToyView v;
  v.active = true;
  v.heat_box = {-1, -1, 1, 1};
  v.heat_cols = v.heat_rows = 2;
  v.heat = {0.0f, 0.0f, 1.0f, 1.0f};
  v.heat_lo = 0.0f, v.heat_hi = 1.0f;
  return v;
}

}  // namespace

TEST(ToyHeat, ColourMapRunsFromPurpleThroughWhiteToGreen) {
  const auto fake = toy_heat_color(0.0f), mid = toy_heat_color(0.5f), real = toy_heat_color(1.0f);
  EXPECT_GT(fake[2], fake[1]);  // purple: blue and red over green
  EXPECT_GT(fake[0], fake[1]);
  EXPECT_GT(real[1], real[0]);  // green
  EXPECT_GT(real[1], real[2]);
  EXPECT_GT(mid[0], 235);       // near white
  EXPECT_GT(mid[1], 235);
  EXPECT_EQ(toy_heat_color(-3.0f), fake);  // clamped
  EXPECT_EQ(toy_heat_color(7.0f), real);
}

TEST(ToyHeat, ImageRowZeroIsTheTopOfThePlane) {
  const ToyView v = two_by_two();
  const ImageRGBA img = toy_heat_image(v);
  ASSERT_EQ(img.width, 2);
  ASSERT_EQ(img.height, 2);
  EXPECT_EQ(pixel(img, 0, 0), toy_heat_color(1.0f));  // grid row 1 (max y) is image row 0
  EXPECT_EQ(pixel(img, 1, 1), toy_heat_color(0.0f));
}

TEST(ToyHeat, RawScoresMapThroughTheirRange) {
  ToyView v = two_by_two();
  v.heat = {-4.0f, -4.0f, 6.0f, 6.0f};
  v.heat_is_probability = false;
  toy_heat_range(v.heat, v.heat_lo, v.heat_hi);
  EXPECT_FLOAT_EQ(v.heat_lo, -4.0f);
  EXPECT_FLOAT_EQ(v.heat_hi, 6.0f);
  EXPECT_FLOAT_EQ(toy_heat_t(v, 1.0f), 0.5f);
  float lo, hi;
  toy_heat_range({2.0f, 2.0f, NAN}, lo, hi);  // constant: a unit range around it
  EXPECT_FLOAT_EQ(lo, 1.5f);
  EXPECT_FLOAT_EQ(hi, 2.5f);
}

TEST(ToyManifold, UniformGridMappedAffinelyHasEqualDensity) {
  const int res = 5;
  std::vector<Point2> pts;
  for (int j = 0; j < res; ++j)
    for (int i = 0; i < res; ++i) pts.push_back({3.0f * i + 1.0f * j, 2.0f * j});
  const std::vector<float> d = manifold_density(pts, res, 2, /*uniform=*/true);
  ASSERT_EQ(d.size(), 16u);
  for (float x : d) EXPECT_NEAR(x, 1.0f, 1e-5f);
}

TEST(ToyManifold, SqueezedCellIsDenser) {
  // Uniform noise, 3x3 points; squeezing the right column to x = 1.5 halves the right cells' area.
  std::vector<Point2> pts;
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) pts.push_back({i == 2 ? 1.5f : float(i), float(j)});
  const std::vector<float> d = manifold_density(pts, 3, 2, true);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_NEAR(d[1], 1.0f, 1e-5f);  // the right cells are the densest
  EXPECT_NEAR(d[0], 0.5f, 1e-5f);  // twice their area: half the density
  // Gaussian noise weights each cell by the noise density at its centre (the cells at the grid's
  // centre outweigh the corners for an unsqueezed grid).
  std::vector<Point2> grid;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 4; ++i) grid.push_back({float(i), float(j)});
  const std::vector<float> g = manifold_density(grid, 4, 2, false);
  ASSERT_EQ(g.size(), 9u);
  EXPECT_NEAR(g[4], 1.0f, 1e-5f);
  EXPECT_LT(g[0], g[4]);
  // 1D noise: segments, mass over length.
  const std::vector<float> line = manifold_density({{0, 0}, {1, 0}, {1.5f, 0}}, 3, 1, true);
  ASSERT_EQ(line.size(), 2u);
  EXPECT_NEAR(line[0], 0.5f, 1e-5f);
  EXPECT_NEAR(line[1], 1.0f, 1e-5f);
  EXPECT_TRUE(manifold_density(grid, 3, 2, true).empty());  // wrong point count
}

TEST(ToyScatter, DrawsTheHeatmapAndBothPointSets) {
  ToyView v = two_by_two();
  v.real = {{-0.5f, 0.5f}};
  v.fake = {{0.5f, -0.5f}};
  const ImageRGBA img = render_toy_scatter(v, {-1, -1, 1, 1}, 200);
  ASSERT_EQ(img.width, 200);
  EXPECT_EQ(pixel(img, 150, 20), toy_heat_color(1.0f));   // top half: D says real
  EXPECT_EQ(pixel(img, 20, 180), toy_heat_color(0.0f));   // bottom half: fake
  EXPECT_EQ(pixel(img, 50, 50), kToyRealColor);           // (-0.5, 0.5)
  EXPECT_EQ(pixel(img, 150, 150), kToyFakeColor);         // (0.5, -0.5)
}

TEST(ToyPlotBox, ZoomKeepsTheAnchorAndPanShifts) {
  const Box2 b{-3, -3, 3, 3};
  const Box2 z = zoom_box(b, 0.5f, {1.0f, 2.0f});
  EXPECT_FLOAT_EQ(z.max_x - z.min_x, 3.0f);
  // The anchor sits at the same fraction of the box before and after.
  EXPECT_FLOAT_EQ((1.0f - z.min_x) / (z.max_x - z.min_x), (1.0f - b.min_x) / (b.max_x - b.min_x));
  EXPECT_FLOAT_EQ((2.0f - z.min_y) / (z.max_y - z.min_y), (2.0f - b.min_y) / (b.max_y - b.min_y));
  const Box2 p = pan_box(b, 1.0f, -2.0f);
  EXPECT_FLOAT_EQ(p.min_x, -2.0f);
  EXPECT_FLOAT_EQ(p.max_y, 1.0f);
  EXPECT_FLOAT_EQ(zoom_box(b, -1.0f, {0, 0}).max_x, 3.0f);  // nonsense factors change nothing
}

TEST(ToyParams, TwoDDatasetsSelectTheLabFamily) {
  Params p;
  EXPECT_EQ(model_family(p), ModelFamily::kImageGan);
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "ring8").ok());
  EXPECT_EQ(model_family(p), ModelFamily::kToy);
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "/data/ring8-images").ok());
  EXPECT_NE(model_family(p), ModelFamily::kToy);
  EXPECT_TRUE(param_applies(param_spec(ParamId::kLoss), ModelFamily::kToy));
  EXPECT_FALSE(param_applies(param_spec(ParamId::kLoss), ModelFamily::kVae));
  EXPECT_TRUE(param_applies(param_spec(ParamId::kLrD), ModelFamily::kToy));
  EXPECT_FALSE(param_applies(param_spec(ParamId::kBeta), ModelFamily::kToy));
}

TEST(ToyParams, CliTakesTheLabsFlags) {
  auto cli = parse_cli({"--dataset", "grid25", "--loss", "wgan_gp", "--optimizer-g", "rmsprop",
                        "--optimizer-d=sgd", "--layers-d", "4", "--width-g", "300",
                        "--activation", "tanh", "--noise-dim", "1", "--noise", "uniform",
                        "--gp-lambda", "10", "--g-steps", "3", "--slow-motion", "0.5"});
  ASSERT_TRUE(cli.ok()) << cli.error();
  const Params& p = cli->params;
  EXPECT_EQ(p.choice(ParamId::kLoss), "wgan_gp");
  EXPECT_EQ(p.choice(ParamId::kOptimizerG), "rmsprop");
  EXPECT_EQ(p.choice(ParamId::kOptimizerD), "sgd");
  EXPECT_EQ(p.integer(ParamId::kLayersD), 4);
  EXPECT_EQ(p.integer(ParamId::kWidthG), 300);
  EXPECT_EQ(p.choice(ParamId::kActivation), "tanh");
  EXPECT_EQ(p.integer(ParamId::kNoiseDim), 1);
  EXPECT_EQ(p.choice(ParamId::kNoise), "uniform");
  EXPECT_DOUBLE_EQ(p.number(ParamId::kGpLambda), 10.0);
  EXPECT_EQ(p.integer(ParamId::kGSteps), 3);
  EXPECT_DOUBLE_EQ(p.number(ParamId::kSlowMotion), 0.5);
  // Ranges from the table, with the flag named.
  auto bad = parse_cli({"--layers-g", "7"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("--layers-g"), std::string::npos) << bad.error();
  auto bad_loss = parse_cli({"--loss", "wasserstein"});
  ASSERT_FALSE(bad_loss.ok());
  EXPECT_NE(bad_loss.error().find("wgan_gp"), std::string::npos) << bad_loss.error();
}

TEST(Presets, ShippedPresetsLoadAndDescribeThemselves) {
  const std::vector<PresetInfo> presets = list_presets();
  ASSERT_GE(presets.size(), 2u) << "no presets in " << preset_dir();
  for (const PresetInfo& info : presets) {
    Params p;
    EXPECT_TRUE(apply_preset(info.name, p).ok()) << info.name;
    EXPECT_FALSE(info.description.empty()) << info.name;
  }
  Params p;
  ASSERT_TRUE(apply_preset("ring-collapse", p).ok());
  EXPECT_EQ(p.text(ParamId::kDataset), "ring8");
  Params emoji;
  ASSERT_TRUE(apply_preset("emoji-dcgan", emoji).ok());
  EXPECT_EQ(emoji.text(ParamId::kDataset), "emoji");
  EXPECT_EQ(emoji.choice(ParamId::kResolution), "32");
  EXPECT_DOUBLE_EQ(emoji.number(ParamId::kGEma), 0.999);
  Params vae;
  ASSERT_TRUE(apply_preset("emoji-vae", vae).ok());
  EXPECT_EQ(vae.choice(ParamId::kModel), "vae");
  EXPECT_EQ(vae.choice(ParamId::kLrSchedule), "cosine");
}

TEST(Presets, APresetIsTheBaseThatOtherFlagsOverride) {
  // Wherever --preset appears, the explicit flags win.
  auto a = parse_cli({"--dataset", "grid25", "--preset", "ring-collapse"});
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a->params.text(ParamId::kDataset), "grid25");
  Params preset;
  ASSERT_TRUE(apply_preset("ring-collapse", preset).ok());
  EXPECT_EQ(a->params.value(ParamId::kLrG), preset.value(ParamId::kLrG));
  auto b = parse_cli({"--preset=ring-collapse", "--seed", "9"});
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(b->params.integer(ParamId::kSeed), 9);
  EXPECT_EQ(b->preset, "ring-collapse");
}

TEST(Presets, UnknownOrBrokenPresetsSayWhy) {
  auto unknown = parse_cli({"--preset", "no-such-preset"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("no-such-preset"), std::string::npos) << unknown.error();
  EXPECT_NE(unknown.error().find("ring-collapse"), std::string::npos) << unknown.error();
  const std::string path = std::string(GENSCOPE_TEST_TMP) + "/broken_preset_" +
                           std::to_string(::getpid()) + ".cfg";
  std::ofstream(path) << "# broken\nloss = sideways\n";
  Params p;
  Status s = apply_preset(path, p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("sideways"), std::string::npos) << s.error();
  EXPECT_TRUE(p.diff(Params{}).empty());  // untouched on error
  std::remove(path.c_str());
}
