// Runs the real genscope binary: headless training on a small IDX dataset the test writes, a
// scripted screenshot under Xvfb, and bad input.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "record/png.h"
#include "record/tfrecord.h"
#include "src/record/proto/tensorboard_event.pb.h"
#include "support/test_files.h"
#include "core/params.h"
#include "core/toy_view.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

using test::RunResult;
using test::split;
using test::unwrapped;

// ctest runs these tests in parallel processes: every file a test writes is named for its process,
// so two tests never read each other's output.
std::string per_process(const std::string& stem) {
  fs::create_directories(GENSCOPE_TEST_TMP);
  return std::string(GENSCOPE_TEST_TMP) + "/" + stem + "_" + std::to_string(getpid());
}

RunResult run(const std::string& args) {
  return test::run_genscope(args, per_process("e2e_run") + ".log");
}

// A small MNIST-format dataset of bright squares, gzipped like Debian's files.
std::string write_dataset() { return test::write_squares_dataset(per_process("e2e_data")); }

bool have_display() { return std::getenv("DISPLAY") != nullptr; }

}  // namespace

// The run's TensorBoard event file holds every metrics.csv row's loss_d at its step, and the
// sample grid as a PNG image.
static void expect_tensorboard_matches_csv(const std::string& out, int rows) {
  std::string events;
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      events = entry.path().string();
    }
  }
  ASSERT_FALSE(events.empty()) << "no events.out.tfevents.* in " << out;
  auto records = tfrecord_records(test::read_text(events), events);
  ASSERT_TRUE(records) << records.error();
  std::ifstream csv(out + "/metrics.csv");
  std::string line;
  std::getline(csv, line);
  std::vector<double> loss_d;
  while (std::getline(csv, line)) loss_d.push_back(std::stod(split(line)[3]));
  int scalars = 0, images = 0;
  for (const std::string& record : *records) {
    tensorboard::Event e;
    ASSERT_TRUE(e.ParseFromString(record));
    for (const auto& v : e.summary().value()) {
      if (v.tag() == "loss_d") {
        ASSERT_GE(e.step(), 1);
        ASSERT_LE(e.step(), int64_t(loss_d.size()));
        EXPECT_NEAR(v.simple_value(), loss_d[e.step() - 1], 1e-4 * std::abs(loss_d[e.step() - 1]) + 1e-6);
        ++scalars;
      }
      if (!v.has_image()) continue;
      ++images;
      EXPECT_EQ(v.image().encoded_image_string().substr(1, 3), "PNG");
    }
  }
  EXPECT_EQ(scalars, rows);
  EXPECT_GE(images, 1);
}

TEST(E2E, HeadlessWritesMetricsAndSamples) {
  std::string data = write_dataset();
  std::string out = std::string(GENSCOPE_TEST_TMP) + "/e2e_headless";
  fs::remove_all(out);
  RunResult r = run("--headless --steps 50 --tb-image-every 25 --dataset " + data +
                    " --width 8 --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream csv(out + "/metrics.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "step,epoch,wall_s,loss_d,loss_g,d_real,d_fake,lr_scale");
  std::string line;
  int rows = 0;
  while (std::getline(csv, line)) {
    auto cells = split(line);
    ASSERT_EQ(cells.size(), 8u) << line;
    EXPECT_EQ(std::stoll(cells[0]), rows + 1);
    for (const auto& c : cells) EXPECT_TRUE(std::isfinite(std::stod(c))) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 50);
  auto png = read_png_rgba(out + "/samples.png");
  ASSERT_TRUE(png.ok()) << png.error();
  EXPECT_EQ(png->width, 8 * 28 + 9 * 2);
  expect_tensorboard_matches_csv(out, 50);
}

// A text file the test writes: a headless char-lstm writes train/val bits per character to
// metrics.csv and the fixed-seed continuation at every validation to samples.txt.
TEST(E2E, HeadlessTextModelWritesSamplesTxt) {
  const std::string dir = per_process("e2e_text");
  fs::create_directories(dir);
  {
    std::ofstream f(dir + "/corpus.txt");
    for (int i = 0; i < 300; ++i) f << "the cat sat on the mat. a dog ran.\n";
  }
  const std::string out = dir + "/run";
  fs::remove_all(out);
  RunResult r = run("--headless --steps 20 --model char-lstm --dataset text:" + dir +
                    "/corpus.txt --width 16 --bptt 16 --val-every 10 --sample-chars 40 "
                    "--prompt 'the ' --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("samples.txt"), std::string::npos) << r.output;
  std::ifstream csv(out + "/metrics.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "step,epoch,wall_s,train_bpc,val_bpc,grad_norm,lr");
  const std::string samples = test::read_text(out + "/samples.txt");
  EXPECT_NE(samples.find("## step 10: val "), std::string::npos) << samples;
  EXPECT_NE(samples.find("## step 20: val "), std::string::npos) << samples;
  EXPECT_NE(samples.find("\nthe"), std::string::npos) << samples;  // each continues the prompt
  EXPECT_FALSE(fs::exists(out + "/samples.png"));
  // Text and an image model clash: one line naming both.
  RunResult clash = run("--headless --steps 2 --model dcgan --dataset text:" + dir +
                        "/corpus.txt --out " + dir + "/clash");
  EXPECT_NE(clash.code, 0);
  EXPECT_NE(clash.output.find("model dcgan trains on images"), std::string::npos) << clash.output;
}

// A folder of colour PNGs in two class folders (plus one corrupt file): a headless DCGAN at
// 32x32x3 writes finite metrics and a colour sample grid, and names the file it skipped.
TEST(E2E, HeadlessTrainsOnAFolderOfColourImages) {
  const std::string data = per_process("e2e_colour");
  fs::remove_all(data);
  for (int i = 0; i < 24; ++i) {
    const std::string cls = i % 2 ? "/blue" : "/red";
    fs::create_directories(data + cls);
    std::vector<uint8_t> px(20 * 20 * 3, 0);
    for (int p = 0; p < 20 * 20; ++p) {
      const bool in_square = (p % 20) >= i % 8 && (p % 20) < i % 8 + 10 && p / 20 >= 4 && p / 20 < 14;
      px[3 * p + (i % 2 ? 2 : 0)] = in_square ? 230 : 20;
      px[3 * p + 1] = uint8_t(8 * (i % 5));
    }
    ASSERT_NE(stbi_write_png((data + cls + "/" + std::to_string(i) + ".png").c_str(), 20, 20, 3,
                             px.data(), 60), 0);
  }
  std::ofstream(data + "/red/broken.png", std::ios::binary) << "not a png";
  const std::string out = per_process("e2e_colour_out");
  fs::remove_all(out);
  RunResult r = run("--headless --steps 20 --dataset " + data + " --width 8 --batch-size 8 --out " +
                    out);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: step 0: " + data + ": skipped 1 unreadable image: "),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("broken.png"), std::string::npos) << r.output;
  std::ifstream csv(out + "/metrics.csv");
  std::string line;
  std::getline(csv, line);
  // Class folders and no test split: every tenth image is held out, so the quality columns are
  // there (empty before the first evaluation at step 500).
  EXPECT_EQ(line, "step,epoch,wall_s,loss_d,loss_g,d_real,d_fake,lr_scale,fid,is_score,class_entropy");
  int rows = 0;
  while (std::getline(csv, line)) {
    const auto cells = split(line);
    ASSERT_EQ(cells.size(), 8u + 3u) << line;
    for (size_t k = 0; k < 8; ++k) EXPECT_TRUE(std::isfinite(std::stod(cells[k]))) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 20);
  auto png = read_png_rgba(out + "/samples.png");
  ASSERT_TRUE(png.ok()) << png.error();
  EXPECT_EQ(png->width, 8 * 32 + 9 * 2) << "32x32 images: an image folder's default resolution";
  int coloured = 0;
  for (size_t p = 0; p + 3 < png->pixels.size(); p += 4) {
    coloured += std::abs(png->pixels[p] - png->pixels[p + 1]) > 8 ||
                std::abs(png->pixels[p + 1] - png->pixels[p + 2]) > 8;
  }
  EXPECT_GT(coloured, 1000) << "the samples are in colour";
}

TEST(E2E, BadInputGivesOneLineErrors) {
  RunResult r = run("--headless --steps 5 --dataset /nonexistent/data");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("/nonexistent/data"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;

  r = run("--lr-g abc");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: --lr-g: 'abc' is not a number\n");

  r = run("--batch-size 5000");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("--batch-size"), std::string::npos) << r.output;

  std::string data = write_dataset();
  r = run("--headless --steps 5 --dataset " + data + " --out /proc/genscope-cannot-write");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("/proc/genscope-cannot-write"), std::string::npos) << r.output;
}

TEST(E2E, WindowScreenshotShowsTheSampleGrid) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  std::string data = write_dataset();
  std::string shot = std::string(GENSCOPE_TEST_TMP) + "/e2e_window.png";
  fs::remove(shot);
  RunResult r = run("--dataset " + data + " --width 8 --screenshot " + shot + " --frames 3");
  ASSERT_EQ(r.code, 0) << r.output;
  auto png = read_png_rgba(shot);
  ASSERT_TRUE(png.ok()) << png.error();
  ASSERT_EQ(png->width, 1280);
  ASSERT_EQ(png->height, 720);
  // The generated grid's top-left corner is near (328, 67) in the Samples panel and it is at least
  // 242 pixels wide; the real grid starts right of x 575. Generated tiles are gray pixels of many
  // levels; the UI has only a few flat colors.
  std::set<int> grays;
  int gray_pixels = 0;
  for (int y = 80; y < 300; ++y) {
    for (int x = 340; x < 560; ++x) {
      const uint8_t* p = &png->pixels[(size_t(y) * png->width + x) * 4];
      if (p[0] == p[1] && p[1] == p[2]) {
        grays.insert(p[0]);
        ++gray_pixels;
      }
    }
  }
  EXPECT_GT(grays.size(), 40u);
  EXPECT_GT(gray_pixels, 180 * 180);
}

TEST(E2E, WindowStaysUpAndShowsABrokenDataset) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  std::string shot = std::string(GENSCOPE_TEST_TMP) + "/e2e_missing.png";
  fs::remove(shot);
  // A directory that exists passes the command line; its missing IDX files are the loader's
  // error, shown in the window.
  const std::string empty = per_process("e2e_empty_data");
  fs::create_directories(empty);
  RunResult r = run("--dataset " + empty + " --screenshot " + shot + " --frames 2");
  ASSERT_EQ(r.code, 0) << r.output;
  auto png = read_png_rgba(shot);
  ASSERT_TRUE(png.ok()) << png.error();
  // The error line is drawn in red in the Status panel (top left).
  int red = 0;
  for (int y = 0; y < 250; ++y) {
    for (int x = 0; x < 320; ++x) {
      const uint8_t* p = &png->pixels[(size_t(y) * png->width + x) * 4];
      if (p[0] > 200 && p[1] < 130 && p[2] < 130) ++red;
    }
  }
  EXPECT_GT(red, 30);
}

TEST(E2E, VaeWindowShowsTheTraversalAndTheLatentMap) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  std::string data = write_dataset();
  std::string shot = std::string(GENSCOPE_TEST_TMP) + "/e2e_vae.png";
  fs::remove(shot);
  RunResult r = run("--model vae --latent-dim 2 --map-every 50 --dataset " + data +
                    " --screenshot " + shot + " --screenshot-step 60 --frames 3");
  ASSERT_EQ(r.code, 0) << r.output;
  auto png = read_png_rgba(shot);
  ASSERT_TRUE(png.ok()) << png.error();
  ASSERT_EQ(png->width, 1280);
  ASSERT_EQ(png->height, 720);
  const auto pixel = [&](int x, int y) { return &png->pixels[(size_t(y) * png->width + x) * 4]; };
  // The Latent window (top right) shows the traversal grid, two rows for a 2D latent, from about
  // (868, 118) to (1272, 208): decoded images of many gray levels.
  std::set<int> grays;
  for (int y = 125; y < 200; ++y) {
    for (int x = 880; x < 1260; ++x) {
      const uint8_t* p = pixel(x, y);
      if (p[0] == p[1] && p[1] == p[2]) grays.insert(p[0]);
    }
  }
  EXPECT_GT(grays.size(), 30u);
  // The Latent map (bottom right) plots the 512 codes from about (888, 490) to (1192, 690),
  // colored by the labels n % 10: count the distinct hues of saturated pixels in 30-degree bins.
  std::array<int, 12> hue_bins{};
  for (int y = 495; y < 685; ++y) {
    for (int x = 895; x < 1185; ++x) {
      const uint8_t* p = pixel(x, y);
      const int hi = std::max({p[0], p[1], p[2]}), lo = std::min({p[0], p[1], p[2]});
      if (hi - lo < 50) continue;
      const double c = hi - lo;
      double hue = hi == p[0]   ? std::fmod((p[1] - p[2]) / c, 6.0)
                   : hi == p[1] ? (p[2] - p[0]) / c + 2.0
                                : (p[0] - p[1]) / c + 4.0;
      if (hue < 0) hue += 6.0;
      ++hue_bins[static_cast<int>(hue * 2.0) % 12];
    }
  }
  int hues = 0;
  for (int n : hue_bins) hues += n >= 20;
  EXPECT_GE(hues, 4);
}

TEST(E2E, TwoDLabHeadlessWritesModeMetrics) {
  const std::string out = per_process("e2e_toy_out");
  fs::remove_all(out);
  RunResult r = run("--headless --dataset ring8 --steps 40 --metrics-every 10 --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("scatter.png"), std::string::npos) << r.output;
  std::ifstream csv(out + "/metrics.csv");
  std::string header;
  std::getline(csv, header);
  const std::vector<std::string> cols = split(header, ',');
  for (const char* c : {"modes_covered", "hq_percent", "kl", "js"}) {
    EXPECT_NE(std::find(cols.begin(), cols.end(), c), cols.end()) << header;
  }
  auto png = read_png_rgba(out + "/scatter.png");
  ASSERT_TRUE(png.ok()) << png.error();
  fs::remove_all(out);
  // A bad 2D setting names the flag; custom data needs painted points.
  RunResult bad = run("--headless --dataset ring8 --steps 5 --noise-dim 17 --out " + out);
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.output.find("--noise-dim"), std::string::npos) << bad.output;
  RunResult custom = run("--headless --dataset custom --steps 5 --out " + out);
  EXPECT_NE(custom.code, 0);
  EXPECT_NE(custom.output.find("painted"), std::string::npos) << custom.output;
}

TEST(E2E, TwoDLabScreenshotShowsEveryLayer) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string shot = per_process("e2e_toy") + ".png";
  fs::remove(shot);
  RunResult r = run("--dataset ring8 --lr-d 1e-3 --lr-g 1e-4 --batch-size 256 --screenshot " +
                    shot + " --screenshot-step 200 --frames 3");
  ASSERT_EQ(r.code, 0) << r.output;
  auto png = read_png_rgba(shot);
  ASSERT_TRUE(png.ok()) << png.error();
  // The 2D GAN panel fills the middle column (x 320..858 at 1280x720). The plot is where the
  // heatmap's colours are; inside it count the points' and the arrows' colours.
  const auto at = [&](int x, int y) { return &png->pixels[(size_t(y) * png->width + x) * 4]; };
  const auto is_heat = [](const uint8_t* p) {
    if (p[0] > 240 && p[1] > 240 && p[2] > 240) return false;  // white is also the background
    for (int k = 0; k <= 20; ++k) {
      const auto c = toy_heat_color(k / 20.0f);
      if (std::abs(p[0] - c[0]) + std::abs(p[1] - c[1]) + std::abs(p[2] - c[2]) <= 12) return true;
    }
    return false;
  };
  int heat = 0, x0 = 10000, y0 = 10000, x1 = -1, y1 = -1;
  for (int y = 0; y < png->height; ++y) {
    for (int x = 320; x < 858; ++x) {
      if (!is_heat(at(x, y))) continue;
      ++heat;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  }
  ASSERT_GT(x1 - x0, 300) << "the plot is at least 300 pixels wide";
  ASSERT_GT(y1 - y0, 300);
  int real = 0, fake = 0, arrows = 0;
  for (int y = y0 + 2; y < y1 - 2; ++y) {
    for (int x = x0 + 2; x < x1 - 2; ++x) {
      const uint8_t* p = at(x, y);
      const int r8 = p[0], g8 = p[1], b8 = p[2];
      if (g8 > r8 + 50 && g8 > b8 + 30 && g8 < 170) ++real;          // dark green dots
      if (b8 > 150 && r8 > 90 && g8 < 100 && b8 > r8 + 20) ++fake;  // purple dots
      if (r8 < 100 && g8 < 100 && b8 < 100 && std::abs(r8 - g8) < 15 && std::abs(g8 - b8) < 15)
        ++arrows;  // dark gray arrows
    }
  }
  EXPECT_GT(heat, 20000) << "heatmap";
  EXPECT_GT(real, 50) << "real points";
  EXPECT_GT(fake, 200) << "generated points";
  EXPECT_GT(arrows, 100) << "gradient arrows";
  fs::remove(shot);
}

TEST(E2E, CheckpointEveryAndResumeContinueExactly) {
  const std::string base = per_process("e2e_ckpt");
  fs::remove_all(base);
  fs::create_directories(base);
  const std::string ckpt = base + "/run.ckpt";
  // 30 steps straight, and 20 steps with a checkpoint every 10 then 10 more from it.
  RunResult straight = run("--headless --dataset ring8 --steps 30 --out " + base + "/straight");
  ASSERT_EQ(straight.code, 0) << straight.output;
  RunResult first = run("--headless --dataset ring8 --steps 20 --checkpoint-every 10 --checkpoint " +
                        ckpt + " --out " + base + "/first");
  ASSERT_EQ(first.code, 0) << first.output;
  ASSERT_TRUE(fs::exists(ckpt));
  RunResult resumed = run("--headless --resume " + ckpt + " --steps 10 --out " + base + "/resumed");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  const auto rows = [](const std::string& csv) {
    std::vector<std::string> out;
    std::istringstream in(test::read_text(csv));
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<std::string> f = split(line, ',');
      f.erase(f.begin() + 2);  // wall_s differs between runs
      std::string joined;
      for (const auto& x : f) joined += x + ",";
      out.push_back(joined);
    }
    return out;
  };
  const std::vector<std::string> a = rows(base + "/straight/metrics.csv");
  const std::vector<std::string> b = rows(base + "/resumed/metrics.csv");
  ASSERT_EQ(a.size(), 30u);
  ASSERT_EQ(b.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(b[i], a[20 + i]) << "step " << 21 + i;
  // A damaged checkpoint is one clear line and exit 1.
  std::string bytes = test::read_text(ckpt);
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(base + "/bad.ckpt", std::ios::binary) << bytes;
  RunResult bad = run("--headless --resume " + base + "/bad.ckpt --steps 5 --out " + base + "/bad");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.output.find("bad.ckpt"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("checksum"), std::string::npos) << bad.output;
  fs::remove_all(base);
}

// A 2D-lab run whose D learns 10,000 times faster than G: D overpowers G by step ~100.
constexpr const char* kOverpowered =
    "--dataset ring8 --loss non_saturating --lr-g 1e-6 --lr-d 1e-2";

TEST(E2E, AnAlarmSavesACheckpointInTheRunDirectory) {
  const std::string base = per_process("e2e_alarm");
  fs::remove_all(base);
  fs::create_directories(base);
  RunResult r = run(std::string("--headless ") + kOverpowered + " --steps 300 --out " + base +
                    "/out");
  ASSERT_EQ(r.code, 0) << r.output;
  const std::size_t at = r.output.find("genscope: warning: step ");
  ASSERT_NE(at, std::string::npos) << r.output;
  const long long step = std::atoll(r.output.c_str() + at + std::strlen("genscope: warning: step "));
  EXPECT_NE(r.output.find("alarm: D overpowering G", at), std::string::npos) << r.output;
  const std::string saved = base + "/out/checkpoints/alarm-step" + std::to_string(step) + ".ckpt";
  EXPECT_TRUE(fs::exists(saved)) << r.output;
  EXPECT_NE(r.output.find("alarm: saved checkpoint " + saved), std::string::npos) << r.output;
  EXPECT_NE(test::read_text(base + "/out/events.log").find("alarm: D overpowering G"),
            std::string::npos);
  // It resumes at the alarm's step.
  RunResult resumed = run("--headless --resume " + saved + " --steps 2 --out " + base + "/resumed");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  const std::string csv = test::read_text(base + "/resumed/metrics.csv");
  EXPECT_EQ(csv.substr(csv.find('\n') + 1, std::to_string(step + 1).size() + 1),
            std::to_string(step + 1) + ",")
      << csv;
  fs::remove_all(base);
}

TEST(E2E, AHeadlessRunKeepsEverythingInItsRunDirectoryAndItsConfigReproducesIt) {
  const std::string scratch = per_process("e2e_scratch");
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  RunResult r = test::run_genscope(
      std::string("--headless ") + kOverpowered +
          " --steps 300 --checkpoint-every 100 --record rec.mp4 --record-steps-per-frame 50 "
          "--out run",
      scratch + ".log", "", scratch);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(test::names_in(scratch), std::vector<std::string>{"run"}) << "nothing else in the cwd";
  EXPECT_EQ(test::missing(test::names_in(scratch + "/run"),
                          {"checkpoints", "config.cfg", "events.log", "metrics.csv", "rec.mp4",
                           "scatter.png"}),
            std::vector<std::string>{});
  const std::vector<std::string> ckpts = test::names_in(scratch + "/run/checkpoints");
  EXPECT_EQ(test::missing(ckpts, {"step-100.ckpt", "step-200.ckpt", "step-300.ckpt"}),
            std::vector<std::string>{});
  EXPECT_TRUE(std::any_of(ckpts.begin(), ckpts.end(),
                          [](const std::string& n) { return n.rfind("alarm-step", 0) == 0; }));
  const std::string events = test::read_text(scratch + "/run/events.log");
  EXPECT_NE(events.find("alarm: D overpowering G"), std::string::npos) << events;
  // --config run/config.cfg is the same run: the same rows, but for their wall time.
  RunResult again = test::run_genscope("--headless --steps 300 --config run/config.cfg --out again",
                                       scratch + "-again.log", "", scratch);
  ASSERT_EQ(again.code, 0) << again.output;
  const auto first = test::rows_without_time(scratch + "/run/metrics.csv");
  EXPECT_EQ(first.size(), 301u);
  EXPECT_EQ(first, test::rows_without_time(scratch + "/again/metrics.csv"));
  fs::remove_all(scratch);
}

// --fork-at: the parent and a branch beside it, the branch's config naming its parent, and that
// config usable as --config (its parent line is lineage, skipped).
TEST(E2E, AHeadlessForkWritesTheParentAndABranchThatNamesIt) {
  const std::string scratch = per_process("e2e_fork");
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  RunResult r = test::run_genscope(
      "--headless --dataset ring8 --steps 60 --fork-at 30 --fork lr_d=1e-3 --out run",
      scratch + ".log", "", scratch);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string branch = "run-fork1-lr_d-1e-3";
  EXPECT_EQ(test::names_in(scratch), (std::vector<std::string>{"run", branch}));
  EXPECT_NE(r.output.find("forked at step 30 with lr_d=1e-3: wrote run-fork1-lr_d-1e-3"),
            std::string::npos) << r.output;
  EXPECT_EQ(test::missing(test::names_in(scratch + "/" + branch),
                          {"config.cfg", "events.log", "metrics.csv", "scatter.png"}),
            std::vector<std::string>{});
  EXPECT_TRUE(fs::exists(scratch + "/run/checkpoints/step-30.ckpt"));
  const std::string config = test::read_text(scratch + "/" + branch + "/config.cfg");
  EXPECT_NE(config.find("\nparent = run@30\n"), std::string::npos) << config.substr(0, 300);
  EXPECT_NE(config.find("\nlr_d = 0.001\n"), std::string::npos);
  const auto rows = test::rows_without_time(scratch + "/" + branch + "/metrics.csv");
  ASSERT_EQ(rows.size(), 31u);  // the header and steps 31..60
  EXPECT_EQ(rows[1].rfind("31,", 0), 0u) << rows[1];
  EXPECT_EQ(test::rows_without_time(scratch + "/run/metrics.csv").size(), 61u);
  RunResult again = test::run_genscope(
      "--headless --steps 5 --config " + branch + "/config.cfg --out again", scratch + "-again.log",
      "", scratch);
  EXPECT_EQ(again.code, 0) << again.output;
  fs::remove_all(scratch);
}

// --compare opens the Runs window with the parent and the branch of a headless fork ticked:
// their curves are drawn over the live run's in the Mode metrics plots, in the first two
// compared runs' colours, and the window writes only its own run directory.
TEST(E2E, CompareOverlaysTheGivenRunsOnTheWindowsPlots) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string scratch = per_process("e2e_compare");
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  RunResult fork = test::run_genscope(
      "--headless --dataset ring8 --steps 60 --fork-at 30 --fork lr_d=1e-3 --out run",
      scratch + ".log", "", scratch);
  ASSERT_EQ(fork.code, 0) << fork.output;
  const std::string branch = "run-fork1-lr_d-1e-3";
  RunResult r = test::run_genscope("--dataset ring8 --compare run " + branch +
                                       " --out live --screenshot shot.png --screenshot-step 40 "
                                       "--frames 3",
                                   scratch + "-window.log", "", scratch);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(test::names_in(scratch), (std::vector<std::string>{"live", "run", branch}));
  auto png = read_png_rgba(scratch + "/live/shot.png");
  ASSERT_TRUE(png.ok()) << png.error();
  // Mode metrics fills the right column's lower part (x > 870, y > 420 at 1280x720).
  const auto near = [](const uint8_t* p, int r, int g, int b) {
    return std::abs(p[0] - r) + std::abs(p[1] - g) + std::abs(p[2] - b) <= 24;
  };
  int first = 0, second = 0;
  for (int y = 420; y < png->height; ++y) {
    for (int x = 870; x < png->width; ++x) {
      const uint8_t* p = &png->pixels[(size_t(y) * png->width + x) * 4];
      first += near(p, 176, 122, 220);   // compare_color(0): the parent
      second += near(p, 70, 200, 200);   // compare_color(1): the branch
    }
  }
  EXPECT_GT(first, 100) << "the parent's lines";
  EXPECT_GT(second, 100) << "the branch's lines";
  fs::remove_all(scratch);
}

// --fork-at in the window: Fork here at that step. The branch trains beside the run, the Samples
// panel shows both grids (the shown one framed) and the plots overlay the branch.
TEST(E2E, AWindowForkTrainsTheBranchBesideTheRunAndShowsBoth) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string data = write_dataset();
  const std::string scratch = per_process("e2e_window_fork");
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  RunResult r = test::run_genscope("--dataset " + data +
                                       " --width 8 --out run --fork-at 10 --fork lr_d=0.02 "
                                       "--screenshot shot.png --screenshot-step 150 --frames 3",
                                   scratch + ".log", "", scratch);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string branch = "run-fork1-lr_d-0.02";
  EXPECT_EQ(test::names_in(scratch), (std::vector<std::string>{"run", branch}));
  EXPECT_EQ(config_parent(test::read_text(scratch + "/" + branch + "/config.cfg")), "run@10");
  const auto rows = test::rows_without_time(scratch + "/" + branch + "/metrics.csv");
  ASSERT_GE(rows.size(), 100u) << "the branch trained beside the run";
  EXPECT_EQ(test::split(rows[1]).front(), "11");
  auto png = read_png_rgba(scratch + "/run/shot.png");
  ASSERT_TRUE(png.ok()) << png.error();
  const auto near = [](const uint8_t* p, int r, int g, int b) {
    return std::abs(p[0] - r) + std::abs(p[1] - g) + std::abs(p[2] - b) <= 24;
  };
  int frame = 0, overlay = 0;  // the Samples panel is x 335..860, y 60..410 at 1280x720; Losses below
  for (int y = 60; y < png->height; ++y) {
    for (int x = 335; x < 860; ++x) {
      const uint8_t* p = &png->pixels[(size_t(y) * png->width + x) * 4];
      if (y < 410) frame += near(p, 15, 135, 250);  // ImGuiCol_ButtonActive: the shown run's frame
      if (y >= 480) overlay += near(p, 176, 122, 220);  // compare_color(0): the branch
    }
  }
  EXPECT_GT(frame, 300) << "the shown run's grid is framed beside the branch's";
  EXPECT_GT(overlay, 100) << "the branch's curves";
  if (!HasFailure()) fs::remove_all(scratch);
}

TEST(E2E, AWindowRunKeepsEverythingInItsRunDirectory) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string scratch = per_process("e2e_window_scratch");
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  RunResult r = test::run_genscope(
      "--dataset ring8 --out run --screenshot shot.png --screenshot-step 50 --frames 2",
      scratch + ".log", "", scratch);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(test::names_in(scratch), std::vector<std::string>{"run"}) << "nothing else in the cwd";
  EXPECT_EQ(test::missing(test::names_in(scratch + "/run"),
                          {"config.cfg", "events.log", "metrics.csv", "scatter.png", "shot.png"}),
            std::vector<std::string>{});
  EXPECT_GE(test::rows_without_time(scratch + "/run/metrics.csv").size(), 51u);
  fs::remove_all(scratch);
}

TEST(E2E, AWindowAlarmCheckpointIsNamedAfterTheStepItHolds) {
  if (!have_display()) GTEST_SKIP() << "no DISPLAY: run under xvfb-run";
  const std::string base = per_process("e2e_window_alarm");
  fs::remove_all(base);
  fs::create_directories(base);
  // The Run decides about alarms in the window too: the checkpoint holds the alarm's step.
  RunResult r = run(std::string(kOverpowered) + " --out " + base + "/run --screenshot " + base +
                    "/shot.png --screenshot-step 400 --frames 2");
  ASSERT_EQ(r.code, 0) << r.output;
  std::string alarm;
  for (const auto& e : fs::directory_iterator(base + "/run/checkpoints")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("alarm-step", 0) == 0) alarm = name;
  }
  ASSERT_FALSE(alarm.empty()) << "no alarm checkpoint in " << base << "/run\n" << r.output;
  const long long step = std::atoll(alarm.c_str() + std::strlen("alarm-step"));
  EXPECT_GE(step, 101);  // the headless run's alarm step
  RunResult resumed = run("--headless --resume " + base + "/run/checkpoints/" + alarm +
                          " --steps 1 --out " + base + "/resumed");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  const std::string csv = test::read_text(base + "/resumed/metrics.csv");
  EXPECT_EQ(csv.substr(csv.find('\n') + 1, std::to_string(step + 1).size() + 1),
            std::to_string(step + 1) + ",")
      << alarm << "\n" << csv;
  fs::remove_all(base);
}

TEST(E2E, EvalEveryWritesQualityColumns) {
  const std::string base = per_process("e2e_quality");
  fs::remove_all(base);
  const std::string data = test::write_labelled_dataset(base + "/data");
  const std::string env = "GENSCOPE_CACHE_DIR=" + base + "/cache";
  const std::string common = "--headless --steps 20 --width 8 --batch-size 32 --dataset " + data;
  RunResult scored = test::run_genscope(common + " --eval-every 10 --eval-samples 200 --checkpoint " +
                                            base + "/scored.ckpt --checkpoint-every 20 --out " +
                                            base + "/scored",
                                        base + "/a.log", env);
  ASSERT_EQ(scored.code, 0) << scored.output;
  EXPECT_NE(scored.output.find("metric classifier"), std::string::npos) << scored.output;
  EXPECT_TRUE(fs::exists(base + "/cache")) << "the classifier is cached";
  RunResult plain = test::run_genscope(common + " --eval-every 0 --out " + base + "/plain",
                                       base + "/b.log", env);
  ASSERT_EQ(plain.code, 0) << plain.output;
  std::istringstream a(test::read_text(base + "/scored/metrics.csv"));
  std::istringstream b(test::read_text(base + "/plain/metrics.csv"));
  std::string la, lb;
  std::getline(a, la);
  std::getline(b, lb);
  EXPECT_EQ(la,
            "step,epoch,wall_s,loss_d,loss_g,d_real,d_fake,lr_scale,fid,is_score,class_entropy");
  EXPECT_EQ(lb, la) << "the same model on the same data writes the same columns";
  for (int step = 1; step <= 20; ++step) {
    ASSERT_TRUE(std::getline(a, la) && std::getline(b, lb));
    const auto ca = split(la, ','), cb = split(lb, ',');
    ASSERT_EQ(ca.size(), 11u) << la;
    for (int k = 3; k < 8; ++k) EXPECT_EQ(ca[k], cb[k]) << "scoring changed training at step " << step;
    for (int k = 8; k < 11; ++k) EXPECT_EQ(cb[k], "") << "--eval-every 0 measures nothing: " << lb;
    // Measured at steps 10 and 20 only: the other rows leave them empty.
    for (int k = 8; k < 11; ++k) {
      if (step % 10 != 0) {
        EXPECT_EQ(ca[k], "") << la;
      } else {
        EXPECT_TRUE(std::isfinite(std::stod(ca[k]))) << la;
      }
    }
    if (step % 10 == 0) {
      EXPECT_GE(std::stod(ca[9]), 1.0) << "IS analogue";
      EXPECT_LE(std::stod(ca[10]), std::log(10.0) + 1e-6) << "class entropy";
    }
  }
  // What to measure comes from the command line on resuming, not from the checkpoint.
  RunResult resumed = test::run_genscope("--headless --steps 2 --eval-every 0 --resume " + base +
                                             "/scored.ckpt --out " + base + "/resumed",
                                         base + "/c.log", env);
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  std::istringstream c(test::read_text(base + "/resumed/metrics.csv"));
  std::string lc;
  std::getline(c, lc);  // the header, then the checkpoint's rows and the two new ones
  int new_rows = 0;
  while (std::getline(c, lc)) {
    const auto cc = split(lc, ',');
    ASSERT_EQ(cc.size(), 11u) << lc;
    if (std::stoll(cc[0]) <= 20) continue;
    ++new_rows;
    for (int k = 8; k < 11; ++k) EXPECT_EQ(cc[k], "") << "--eval-every 0 wins: " << lc;
  }
  EXPECT_EQ(new_rows, 2);
  fs::remove_all(base);
}

TEST(E2E, HelpListsChoicesAndPresetsInReadableLines) {
  RunResult r = run("--help");
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string flat = unwrapped(r.output);
  EXPECT_NE(flat.find("--model dcgan"), std::string::npos) << r.output;
  EXPECT_NE(flat.find("(one of: dcgan, mlp-gan, vae, beta-vae, ae, mlp-vae, char-rnn, char-gru, "
                      "char-lstm, char-transformer)"), std::string::npos)
      << r.output;
  EXPECT_NE(flat.find("(one of: non_saturating, minimax, least_squares, hinge, wgan_gp)"),
            std::string::npos)
      << r.output;
  for (const char* preset : {"ring-collapse", "ring-cover", "grid-cover"}) {
    EXPECT_NE(r.output.find(std::string("\n  ") + preset + " "), std::string::npos) << preset;
  }
  EXPECT_NE(flat.find("Vanilla GAN collapses on the ring"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("genscope.ckptWhere"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n  --checkpoint PATH "), std::string::npos) << r.output;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  // -h is the same.
  RunResult h = run("-h");
  EXPECT_EQ(h.code, 0) << h.output;
  EXPECT_EQ(h.output, r.output);
}

TEST(E2E, NearMissesSuggestTheNameAndExitWithTwo) {
  RunResult r = run("--lrg 1e-3");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: unknown flag --lrg (did you mean --lr-g?)\n");
  r = run("--model dcgna");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output,
            "genscope: --model: unknown value 'dcgna' (did you mean dcgan?); choose one of: "
            "dcgan, mlp-gan, vae, beta-vae, ae, mlp-vae, char-rnn, char-gru, char-lstm, "
            "char-transformer\n");
  r = run("--dataset ring");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: --dataset: unknown dataset 'ring' (did you mean ring8?)\n");
  r = run("--dataset mnist");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output.rfind("genscope: --dataset: 'mnist': MNIST is not packaged in Debian; use "
                           "fashion-mnist",
                           0),
            0u)
      << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  const std::string conf = per_process("e2e_typo") + ".cfg";
  std::ofstream(conf) << "lr_g = 1e-4\nbatch_sise = 32\n";
  r = run("--config " + conf);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: config " + conf +
                          ":2: unknown key 'batch_sise' (did you mean batch_size?)\n");
  fs::remove(conf);
}

TEST(E2E, RunOnlyFlagsWithoutHeadlessSayWhatToAdd) {
  RunResult r = run("--steps 100");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output,
            "genscope: --steps only applies with --headless (add --headless to train 100 steps "
            "with no window)\n");
  r = run("--frames 5");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output,
            "genscope: --frames only applies with --screenshot (add --screenshot PATH)\n");
  r = run("--record-fps 10");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: --record-fps only applies with --record (add --record PATH)\n");
  r = run("--headless --dataset ring8");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: --headless needs --steps N (how many steps to train)\n");
}

TEST(E2E, NoDisplayIsReportedAtOnce) {
  const auto timed = [](const std::string& args, const std::string& env, double& seconds) {
    const auto t0 = std::chrono::steady_clock::now();
    RunResult r = test::run_genscope(args, per_process("e2e_nodisplay") + ".log", env);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };
  double unset_s = 0, bad_s = 0;
  // The defaults (Fashion-MNIST, a DCGAN): nothing of them may start before the display is found.
  RunResult r = timed("", "env -u DISPLAY -u WAYLAND_DISPLAY", unset_s);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output,
            "genscope: no display (DISPLAY is not set): use --headless, or run under xvfb-run\n");
  // A display that is named but cannot be reached.
  RunResult bad = timed("", "env -u WAYLAND_DISPLAY DISPLAY=:987", bad_s);
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.output.rfind("genscope: no display (cannot connect to DISPLAY=:987", 0), 0u)
      << bad.output;
  EXPECT_NE(bad.output.find("): use --headless, or run under xvfb-run\n"), std::string::npos)
      << bad.output;
  EXPECT_EQ(std::count(bad.output.begin(), bad.output.end(), '\n'), 1) << bad.output;
  // Well within a second on an idle machine; the bound leaves room for a loaded one.
  EXPECT_LT(unset_s, 5.0);
  EXPECT_LT(bad_s, 5.0);
  RecordProperty("no_display_s", std::to_string(unset_s));
  RecordProperty("unreachable_display_s", std::to_string(bad_s));
  std::printf("no display reported after %.3f s (DISPLAY unset), %.3f s (DISPLAY=:987)\n", unset_s,
              bad_s);
  // Headless needs no display.
  const std::string out = per_process("e2e_nodisplay_out");
  RunResult headless = test::run_genscope("--headless --dataset ring8 --steps 2 --out " + out,
                                          per_process("e2e_nodisplay_headless") + ".log",
                                          "env -u DISPLAY -u WAYLAND_DISPLAY");
  EXPECT_EQ(headless.code, 0) << headless.output;
  fs::remove_all(out);
}

TEST(E2E, AMissingCheckpointToResumeIsReportedBeforeAnythingStarts) {
  RunResult r = run("--resume /nonexistent/run.ckpt");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: --resume /nonexistent/run.ckpt: no such file\n");
  r = run("--headless --steps 2 --resume /tmp");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output, "genscope: --resume /tmp: not a regular file\n");
}

// genscope starts libgomp with its own short spin (re-executing itself once, as libgomp reads
// its environment when it is loaded) and says so in the run's history, with the threads it chose
// and why; the user's own OpenMP setting wins and is named as theirs.
TEST(E2E, TheRunSaysHowManyThreadsItUsesAndHowOpenMpWaits) {
  const std::string data = write_dataset();
  auto events_of = [&](const std::string& name, const std::string& env, const std::string& args) {
    const std::string out = per_process(name);
    fs::remove_all(out);
    RunResult r = test::run_genscope("--headless --steps 2 --width 8 --dataset " + data +
                                         " --out " + out + " " + args,
                                     per_process(name) + ".log", env);
    EXPECT_EQ(r.code, 0) << r.output;
    return test::read_text(out + "/events.log");
  };
  const std::string chosen = events_of("e2e_threads_auto", "", "");
  EXPECT_NE(chosen.find("threads: every core (headless)"), std::string::npos) << chosen;
  EXPECT_NE(chosen.find("OpenMP workers spin 10000 polls, then sleep (genscope's choice)"),
            std::string::npos)
      << chosen;
  const std::string users = events_of("e2e_threads_user", "OMP_WAIT_POLICY=passive", "--threads 1");
  EXPECT_NE(users.find("1 thread: set by threads = 1"), std::string::npos) << users;
  EXPECT_NE(users.find("OpenMP OMP_WAIT_POLICY=passive (set by you)"), std::string::npos) << users;
}
