// Checkpoints: resume is exact (N steps, save, load, M more == N + M straight through), writes are
// atomic, and damaged or foreign files give errors, not crashes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include "record/checkpoint_file.h"
#include "support/test_files.h"
#include "core/alarms.h"
#include "train/family_access.h"
#include "train/checkpoint.h"
#include "train/rng.h"
#include "train/session.h"
#include "train/torch_pch.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

const bool kCleanup = test::remove_when_all_pass("checkpoint");

std::string dir() { return test::process_dir("checkpoint"); }

std::shared_ptr<const Dataset> squares() {
  static std::shared_ptr<const Dataset> data = [] {
    auto d = load_dataset(test::write_squares_dataset(dir() + "/squares"));
    EXPECT_TRUE(d.ok()) << d.error();
    return std::make_shared<const Dataset>(std::move(*d));
  }();
  return data;
}

Params params_for(const std::string& model, const std::string& dataset) {
  Params p;
  EXPECT_TRUE(p.set_from_string(ParamId::kModel, model).ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kDataset, dataset).ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kWidth, "8").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kLatentDim, "8").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kBatchSize, "16").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kSeed, "7").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kWidthG, "16").ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kWidthD, "16").ok());
  return p;
}

DatasetLoader loader() {
  return [](const Params&) { return Result<std::shared_ptr<const Dataset>>(squares()); };
}

std::unique_ptr<TrainingSession> make(const Params& p) {
  auto s = TrainingSession::create(p, model_family(p) == ModelFamily::kToy ? nullptr : squares());
  EXPECT_TRUE(s.ok()) << s.error();
  return std::move(*s);
}

// Every weight of the session's networks, flattened.
std::vector<float> weights(TrainingSession& s) {
  std::vector<float> out;
  if (toy_lab(s)) {
    for (bool g : {true, false}) {
      auto w = toy_lab(s)->gan().parameters(g);
      out.insert(out.end(), w.begin(), w.end());
    }
    return out;
  }
  for (const torch::Tensor& t : image_model(s).parameters()) {
    torch::Tensor c = t.detach().to(torch::kCPU).contiguous().view({-1});
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

void train(TrainingSession& s, int n) {
  for (int i = 0; i < n; ++i) ASSERT_TRUE(s.step().stepped);
}

// A session of `p` trained `steps` steps and saved as dir()/`name`; `path` is the file's.
std::unique_ptr<TrainingSession> saved(const Params& p, int steps, const std::string& name,
                                       std::string& path) {
  auto s = make(p);
  train(*s, steps);
  path = dir() + "/" + name;
  EXPECT_TRUE(save_checkpoint(*s, path).ok());
  return s;
}

// N steps, save, M more (straight through) vs load and M more: identical weights and metrics.
void expect_exact_resume(const Params& p) {
  const std::string path = dir() + "/" + p.choice(ParamId::kModel) + "_" +
                           p.text(ParamId::kDataset).substr(0, 6) + ".ckpt";
  auto straight = make(p);
  train(*straight, 4);
  ASSERT_TRUE(save_checkpoint(*straight, path).ok());
  std::vector<MetricRow> rows_a, rows_b;
  for (int i = 0; i < 5; ++i) rows_a.push_back(straight->step().row);
  auto resumed = open_checkpoint(path, loader());
  ASSERT_TRUE(resumed.ok()) << resumed.error();
  EXPECT_EQ((*resumed)->step_count(), 4);
  for (int i = 0; i < 5; ++i) rows_b.push_back((*resumed)->step().row);
  EXPECT_EQ(weights(**resumed), weights(*straight));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(rows_a[i].step, rows_b[i].step);
    for (int k = 0; k < rows_a[i].count; ++k) {
      if (std::isnan(rows_a[i].values[k])) continue;
      EXPECT_EQ(rows_a[i].values[k], rows_b[i].values[k]) << "row " << i << " column " << k;
    }
  }
}

}  // namespace

TEST(Checkpoint, ResumeIsExactForADcgan) { expect_exact_resume(params_for("dcgan", "squares")); }

TEST(Checkpoint, ResumeIsExactForAVae) { expect_exact_resume(params_for("vae", "squares")); }

TEST(Checkpoint, ResumeIsExactForThe2DLab) { expect_exact_resume(params_for("dcgan", "ring8")); }

TEST(Checkpoint, KeepsParametersFixedNoiseAndAdamState) {
  Params p = params_for("dcgan", "squares");
  ASSERT_TRUE(p.set_from_string(ParamId::kLrD, "3e-4").ok());
  std::string path;
  auto s = saved(p, 3, "params.ckpt", path);
  auto r = open_checkpoint(path, loader());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ((*r)->params().number(ParamId::kLrD), 3e-4);
  EXPECT_TRUE((*r)->params().diff(s->params()).empty());
  ImageRGBA a, b;  // the fixed noise: the same sample grid
  s->render_samples(a);
  (*r)->render_samples(b);
  EXPECT_EQ(a.pixels, b.pixels);
}

TEST(Checkpoint, ACrashBeforeTheRenameLeavesTheOldCheckpoint) {
  auto s = make(params_for("dcgan", "squares"));
  const std::string path = dir() + "/atomic.ckpt";
  train(*s, 2);
  ASSERT_TRUE(save_checkpoint(*s, path).ok());
  const std::string before = test::read_text(path);
  train(*s, 2);
  struct Crash {};
  EXPECT_THROW(save_checkpoint(*s, path, [] { throw Crash{}; }), Crash);
  EXPECT_EQ(test::read_text(path), before);  // untouched
  for (const auto& e : fs::directory_iterator(dir())) {
    EXPECT_EQ(e.path().filename().string().find("atomic.ckpt.tmp"), std::string::npos);
  }
  auto r = open_checkpoint(path, loader());
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ((*r)->step_count(), 2);
  // An unwritable place names the path.
  Status bad = save_checkpoint(*s, dir() + "/no/such/dir/x.ckpt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("no/such/dir/x.ckpt"), std::string::npos) << bad.error();
}

// A save killed before its rename leaves NAME.tmp-PID: the next start removes those of dead
// processes (here, a child that exited) and keeps those of live ones and every other file.
TEST(Checkpoint, TempFilesOfKilledSavesAreRemovedThoseOfLiveProcessesStay) {
  const std::string folder = dir() + "/stale";
  fs::remove_all(folder);
  fs::create_directories(folder);
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);  // its pid now names no process
  const std::string dead = folder + "/step-5.ckpt.tmp-" + std::to_string(child);
  const std::string live = folder + "/step-6.ckpt.tmp-" + std::to_string(getpid());
  for (const std::string& f : {dead, live, folder + "/step-4.ckpt", folder + "/notes.tmp-x"}) {
    std::ofstream(f) << "x";
  }
  EXPECT_EQ(remove_stale_temp_files(folder), 1);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(folder + "/step-4.ckpt"));
  EXPECT_TRUE(fs::exists(folder + "/notes.tmp-x"));
  EXPECT_EQ(remove_stale_temp_files(folder + "/missing"), 0);
}

TEST(Checkpoint, DamagedTruncatedAndForeignFilesAreErrors) {
  auto s = make(params_for("dcgan", "squares"));
  train(*s, 1);
  const std::string good = dir() + "/good.ckpt";
  ASSERT_TRUE(save_checkpoint(*s, good).ok());
  const std::string bytes = test::read_text(good);
  const auto write = [&](const std::string& name, const std::string& content) {
    const std::string p = dir() + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x20;
  const struct {
    std::string path, expect;
  } cases[] = {
      {write("flipped.ckpt", flipped), "checksum"},
      {write("truncated.ckpt", bytes.substr(0, bytes.size() / 3)), "truncated"},
      {write("foreign.ckpt", "P3\n2 2\n255\n0 0 0\n"), "not a genscope checkpoint"},
      {write("empty.ckpt", ""), "not a genscope checkpoint"},
      {dir() + "/missing.ckpt", "cannot open"},
      {dir(), "not a regular file"},  // a directory
  };
  for (const auto& c : cases) {
    auto r = open_checkpoint(c.path, loader());
    ASSERT_FALSE(r.ok()) << c.path;
    EXPECT_NE(r.error().find(c.path), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(c.expect), std::string::npos) << r.error();
  }
  // A well-formed file whose weights do not fit its parameters (width edited): an error.
  auto file = decode_checkpoint(bytes, good);
  ASSERT_TRUE(file.ok());
  std::string text = file->config_text;
  const auto at = text.find("\nwidth = 8");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 10, "\nwidth = 16");
  const std::string mismatched = write("mismatch.ckpt", encode_checkpoint({text, file->payload}));
  // Building its session seeded the global generator before the weights failed to fit: the
  // running session's random stream is put back.
  torch::rand({3});
  const torch::Tensor rng_before = generator_state(torch::kCPU);
  auto r = open_checkpoint(mismatched, loader());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("does not fit"), std::string::npos) << r.error();
  EXPECT_TRUE(torch::equal(generator_state(torch::kCPU), rng_before));
}

TEST(Alarms, NanInjectionPausesAndNamesTheTensor) {
  auto s = make(params_for("dcgan", "squares"));
  train(*s, 2);
  // Poison one discriminator weight.
  std::string poisoned;
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, t] : image_model(*s).named_parameters()) {
      if (name.rfind("D ", 0) == 0 && t.dim() > 1) {
        t.view({-1})[0] = std::nanf("");
        poisoned = name;
        break;
      }
    }
  }
  ASSERT_FALSE(poisoned.empty());
  StepOutcome o = s->step();
  EXPECT_TRUE(o.non_finite);
  EXPECT_TRUE(s->paused());
  EXPECT_FALSE(s->wants_step());
  Snapshot snap;
  s->fill_snapshot(snap, false);
  EXPECT_EQ(snap.message_level, MessageLevel::kError);
  EXPECT_NE(snap.message.find("NaN"), std::string::npos) << snap.message;
  EXPECT_NE(snap.message.find(poisoned), std::string::npos) << snap.message;  // names it
  EXPECT_NE(snap.message.find("Roll back"), std::string::npos) << snap.message;
}


TEST(GradientFlow, EveryFamilyReportsPerLayerNorms) {
  for (const auto& [model, dataset, first, last] :
       {std::make_tuple("dcgan", "squares", "G ", "D "),
        std::make_tuple("vae", "squares", "encoder ", "decoder "),
        std::make_tuple("dcgan", "ring8", "G ", "D ")}) {
    auto s = make(params_for(model, dataset));
    train(*s, 2);
    Snapshot snap;
    s->fill_snapshot(snap, false);
    ASSERT_GE(snap.grads.size(), 4u) << model << " " << dataset;
    EXPECT_EQ(snap.grads.front().name.rfind(first, 0), 0u) << snap.grads.front().name;
    EXPECT_EQ(snap.grads.back().name.rfind(last, 0), 0u) << snap.grads.back().name;
    for (const LayerGrad& g : snap.grads) {
      EXPECT_TRUE(std::isfinite(g.norm) && g.norm > 0.0f) << g.name << " " << g.norm;
    }
  }
}

TEST(Alarms, ACollapsedGeneratorTripsTheCollapseAlarmAHealthyOneDoesNot) {
  auto s = make(params_for("dcgan", "squares"));
  // Real images against themselves: as diverse as the data. A constant batch: no diversity.
  const torch::Tensor real = torch::rand({16, 1, 28, 28}) * 2 - 1;
  EXPECT_NEAR(sample_diversity(real, real), 1.0, 1e-6);
  EXPECT_NEAR(sample_diversity(real[0].unsqueeze(0).expand({16, 1, 28, 28}), real), 0.0, 1e-6);
  // A generator whose output layer is zeroed makes one image for every z.
  {
    torch::NoGradGuard no_grad;
    auto params = image_model(*s).named_parameters();
    for (auto& [name, t] : params) {
      if (name.rfind("G ", 0) == 0) t.zero_();
    }
  }
  AlarmMonitor collapsed, healthy;
  for (int i = 0; i < 4; ++i) {
    const int64_t step = 500 + 100 * i;
    collapsed.add_diversity(step, sample_diversity(image_model(*s).decode(torch::randn({16, 8})), real));
    healthy.add_diversity(step, sample_diversity(real.flip(0), real));
  }
  ASSERT_EQ(collapsed.log().size(), 1u);
  EXPECT_EQ(collapsed.log()[0].kind, AlarmKind::kCollapse);
  EXPECT_TRUE(healthy.log().empty());
}

// A checkpoint edited on purpose, with its CRC recomputed so only genscope's own checks stand:
// bits flipped in the tensor file's header and data, the file cut short, numbers of the header
// (lengths, shapes, offsets) rewritten. Each load is a one-line error or a session that trains.
// (LibTorch's unpickler, which the format replaced, loaded such files and then read out of
// bounds.)
TEST(Checkpoint, EditedCheckpointsLoadCleanlyOrTrain) {
  for (const std::string dataset : {"squares", "ring8"}) {
    auto s = make(params_for("dcgan", dataset));
    train(*s, 2);
    const std::string path = dir() + "/mutate-" + dataset + ".ckpt";
    ASSERT_TRUE(save_checkpoint(*s, path).ok());
    auto bytes = read_file_bytes(path);
    ASSERT_TRUE(bytes.ok());
    auto original = decode_checkpoint(*bytes, path);
    ASSERT_TRUE(original.ok()) << original.error();
    uint64_t header = 0;
    std::memcpy(&header, original->payload.data(), 8);
    std::mt19937_64 rng(42);
    const auto pick = [&rng](size_t n) { return size_t(rng() % std::max<size_t>(1, n)); };
    int errors = 0, trained = 0;
    const std::string edited = dir() + "/mutated.ckpt";
    for (int i = 0; i < 160; ++i) {
      CheckpointFile m = *original;
      std::string& p = m.payload;
      switch (i % 4) {
        case 0:  // a bit of the header length or the JSON header
          p[pick(8 + header)] ^= char(1 << pick(8));
          break;
        case 1:  // a bit anywhere
          p[pick(p.size())] ^= char(1 << pick(8));
          break;
        case 2:  // cut short
          p.resize(pick(p.size()));
          break;
        default: {  // a digit of the header (a size, a shape, an offset) rewritten
          std::vector<size_t> digits;
          for (size_t k = 8; k < 8 + header; ++k) {
            if (p[k] >= '0' && p[k] <= '9') digits.push_back(k);
          }
          p[digits[pick(digits.size())]] = char('0' + pick(10));
          if (i % 8 == 3) p.insert(digits[pick(digits.size())], std::to_string(rng() % 100000));
        }
      }
      ASSERT_TRUE(write_file_atomic(edited, encode_checkpoint(m)).ok());
      auto r = open_checkpoint(edited, loader());
      if (!r) {
        ++errors;
        EXPECT_EQ(r.error().find('\n'), std::string::npos) << r.error();
        EXPECT_EQ(r.error().rfind("checkpoint " + edited + ": ", 0), 0u) << r.error();
        continue;
      }
      for (int k = 0; k < 2; ++k) (*r)->step();  // a flipped weight may make NaNs: not a crash
      ++trained;
    }
    EXPECT_GT(errors, 40) << dataset;
    RecordProperty("mutations_" + dataset, std::to_string(errors) + " refused, " +
                                               std::to_string(trained) + " trained");
  }
}

// A checkpoint of the format before this one (a LibTorch archive) is refused, saying why.
TEST(Checkpoint, AnOlderFormatIsRefusedSayingItIsFromAnOlderGenscope) {
  auto s = make(params_for("dcgan", "squares"));
  const std::string path = dir() + "/v1.ckpt";
  ASSERT_TRUE(save_checkpoint(*s, path).ok());
  std::string bytes = *read_file_bytes(path);
  bytes[20] = 1;  // the version after the 20-byte magic (the CRC no longer matters: refused first)
  ASSERT_TRUE(write_file_atomic(path, bytes).ok());
  auto r = open_checkpoint(path, loader());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("a checkpoint of an older genscope"), std::string::npos) << r.error();
}

// A checkpoint opened by another number of ranks: each rank's batch keeps the sum (a one-process
// checkpoint of 18 on 3 ranks: 6 each), or, when the sum does not split, each keeps the batch.
TEST(Checkpoint, AnotherNumberOfRanksSharesOutTheSameBatch) {
  Params p = params_for("mlp-gan", "squares");
  ASSERT_TRUE(p.set_from_string(ParamId::kBatchSize, "18").ok());
  std::string path, note;
  saved(p, 2, "ranks.ckpt", path);
  auto same = open_checkpoint(path, loader(), {}, 1, &note);
  ASSERT_TRUE(same.ok()) << same.error();
  EXPECT_EQ((*same)->params().integer(ParamId::kBatchSize), 18);
  EXPECT_EQ(note, "");
  auto three = open_checkpoint(path, loader(), {}, 3, &note);
  ASSERT_TRUE(three.ok()) << three.error();
  EXPECT_EQ((*three)->params().integer(ParamId::kBatchSize), 6);
  EXPECT_EQ(note, "trained by one process of 18: each of the 3 ranks takes 6");
  auto four = open_checkpoint(path, loader(), {}, 4, &note);
  ASSERT_TRUE(four.ok()) << four.error();
  EXPECT_EQ((*four)->params().integer(ParamId::kBatchSize), 18);
  EXPECT_EQ(note, "trained by one process of 18: 4 ranks cannot share 18 out evenly, so each "
                  "takes 18, 72 in all");
}
