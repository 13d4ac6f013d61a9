// Data-parallel training as torchrun would launch it: ranks of the genscope binary on loopback,
// meeting through c10d's TCPStore and all-reducing with ProcessGroupGloo. Two ranks with half
// the batch each train to the same weights as one process with the whole batch (the classic DDP
// equivalence test: an MLP GAN, whose layers have no batch statistics), a killed rank ends the
// other with an error, and a checkpoint resumes on another number of ranks.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "net/remote_client.h"
#include "record/checkpoint_file.h"
#include "record/tensor_file.h"
#include "support/child.h"
#include "support/link_reader.h"
#include "support/test_files.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

[[maybe_unused]] const bool kCleanup = test::remove_when_all_pass("distributed");
std::string temp_dir() { return test::process_dir("distributed"); }

// A port nobody listens on now (the kernel's pick for a socket bound to port 0).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

std::vector<std::string> training(const std::string& data, int batch, int steps,
                                  const std::string& model = "mlp-gan") {
  return {"--headless", "--steps", std::to_string(steps), "--dataset", data, "--model", model,
          "--width", "32", "--threads", "1", "--eval-every", "0", "--seed", "5",
          "--batch-size", std::to_string(batch), "--checkpoint-every", std::to_string(steps),
          "--tensorboard", "off"};
}

std::vector<std::string> with(std::vector<std::string> args, std::vector<std::string> more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The float tensors of a checkpoint's training state, by name.
std::map<std::string, std::vector<float>> weights(const std::string& path) {
  std::map<std::string, std::vector<float>> out;
  auto bytes = read_file_bytes(path);
  EXPECT_TRUE(bytes.ok()) << bytes.error();
  if (!bytes) return out;
  auto ckpt = decode_checkpoint(*bytes, path);
  EXPECT_TRUE(ckpt.ok()) << ckpt.error();
  if (!ckpt) return out;
  auto state = decode_tensor_file(ckpt->payload, path);
  EXPECT_TRUE(state.ok()) << state.error();
  if (!state) return out;
  for (const auto& [name, t] : state->tensors) {
    if (t.dtype != DType::kF32) continue;
    std::vector<float> v(t.bytes.size() / sizeof(float));
    std::memcpy(v.data(), t.bytes.data(), v.size() * sizeof(float));
    out[name] = std::move(v);
  }
  return out;
}

// Starts rank `rank` of `world` meeting at `port`.
test::Child rank(int r, int world, int port, const std::vector<std::string>& args,
                 const std::string& log) {
  return test::Child::start(with(args, {"--rank", std::to_string(r), "--world-size",
                                        std::to_string(world), "--master-port",
                                        std::to_string(port)}),
                            log, temp_dir() + "/runs");
}

// Expects the two checkpoints to hold the same weights and optimizer state (to float
// tolerance: the ranks' sums of half batches round otherwise than one whole batch's).
void expect_same_weights(const std::string& a_path, const std::string& b_path,
                         const std::string& what) {
  const auto single = weights(a_path), parallel = weights(b_path);
  EXPECT_FALSE(single.empty());
  EXPECT_EQ(single.size(), parallel.size());
  double worst = 0.0;
  size_t values = 0;
  for (const auto& [tensor, a] : single) {
    if (parallel.count(tensor) == 0 || parallel.at(tensor).size() != a.size()) {
      ADD_FAILURE() << tensor << ": not in " << b_path << ", or of another size";
      continue;
    }
    const std::vector<float>& b = parallel.at(tensor);
    for (size_t i = 0; i < a.size(); ++i) {
      worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])) / (1.0 + std::fabs(a[i])));
    }
    values += a.size();
  }
  ::testing::Test::RecordProperty("largest_relative_difference_" + what, std::to_string(worst));
  std::printf("%s: %zu values, largest relative difference %.3g\n", what.c_str(), values, worst);
  EXPECT_GT(values, 10000u);
  EXPECT_LT(worst, 1e-4) << "the largest relative difference of " << values << " values";
}

// Trains `model` 20 steps in one process (batch 32) and as two ranks (16 each) from the same
// seed; expects the same weights and optimizer state. Returns the two-rank checkpoint.
std::string expect_ranks_train_as_one(const std::string& model,
                                      const std::vector<std::string>& more = {}) {
  const std::string dir = temp_dir() + "/" + model + (more.empty() ? "" : "-" + more.back());
  const std::string data = test::write_squares_dataset(dir + "/squares");
  const int steps = 20;
  test::Child one = test::Child::start(with(with(training(data, 32, steps, model), more), {"--out", dir + "/one"}),
                                       dir + "/one.log", dir + "/runs");
  EXPECT_EQ(one.wait(300), 0) << test::read_text(one.log);
  const int port = free_port();
  const auto args = with(with(training(data, 16, steps, model), more), {"--out", dir + "/two"});
  test::Child r1 = rank(1, 2, port, args, dir + "/r1.log");
  test::Child r0 = rank(0, 2, port, args, dir + "/r0.log");
  EXPECT_EQ(r0.wait(300), 0) << test::read_text(r0.log) << test::read_text(r1.log);
  EXPECT_EQ(r1.wait(60), 0) << test::read_text(r1.log);
  const std::string report = test::read_text(r0.log);
  EXPECT_NE(report.find("rank 0: "), std::string::npos) << report;
  EXPECT_NE(report.find("rank 1: "), std::string::npos) << report;
  EXPECT_NE(report.find("% of the time in all-reduce"), std::string::npos) << report;
  // Each rank says where it trains and what all-reduces its gradients (NCCL only on GPUs).
  for (const std::string& log : {report, test::read_text(r1.log)}) {
    const bool cpu = log.find("training on CPU, all-reduce through Gloo") != std::string::npos;
    const bool gpu = log.find("training on GPU ") != std::string::npos;
    EXPECT_TRUE(cpu || gpu) << log;
  }
  // Rank 0 owns the run directory; rank 1 keeps its own rows beside, and no checkpoint.
  EXPECT_TRUE(fs::exists(dir + "/two/metrics.csv"));
  EXPECT_TRUE(fs::exists(dir + "/two/rank-1/metrics.csv"));
  EXPECT_FALSE(fs::exists(dir + "/two/rank-1/checkpoints/step-20.ckpt"));

  const std::string name = "/checkpoints/step-" + std::to_string(steps) + ".ckpt";
  expect_same_weights(dir + "/one" + name, dir + "/two" + name, model);
  return dir + "/two" + name;
}

TEST(DataParallel, TwoRanksTrainAsOneProcessWithTheCombinedBatch) {
  const std::string checkpoint = expect_ranks_train_as_one("mlp-gan");
  const std::string dir = temp_dir() + "/mlp-gan";
  // A checkpoint resumes on another number of ranks as the run would have gone on: the
  // two-rank one (16 each) in one process, which takes all 32, and the one-process one (32) on
  // two ranks, which take 16 each. Five steps on, both hold the same weights.
  const std::vector<std::string> resume = {"--headless", "--steps", "5", "--threads", "1",
                                           "--checkpoint-every", "5", "--tensorboard", "off"};
  test::Child one = test::Child::start(
      with(resume, {"--resume", checkpoint, "--out", dir + "/one-from-two"}),
      dir + "/one-from-two.log", dir + "/runs");
  ASSERT_EQ(one.wait(300), 0) << test::read_text(one.log);
  const std::string said = test::read_text(dir + "/one-from-two/events.log");
  EXPECT_NE(said.find("trained by 2 ranks of 16: this process takes all 32"), std::string::npos)
      << said;
  EXPECT_NE(test::read_text(dir + "/one-from-two/metrics.csv").find("\n25,"), std::string::npos);
  const int port = free_port();
  const auto args = with(resume, {"--resume", dir + "/one/checkpoints/step-20.ckpt", "--out",
                                  dir + "/two-from-one"});
  test::Child r1 = rank(1, 2, port, args, dir + "/two-from-one-1.log");
  test::Child r0 = rank(0, 2, port, args, dir + "/two-from-one-0.log");
  ASSERT_EQ(r0.wait(300), 0) << test::read_text(r0.log) << test::read_text(r1.log);
  ASSERT_EQ(r1.wait(60), 0) << test::read_text(r1.log);
  const std::string told = test::read_text(dir + "/two-from-one/events.log");
  EXPECT_NE(told.find("trained by one process of 32: each of the 2 ranks takes 16"),
            std::string::npos)
      << told;
  expect_same_weights(dir + "/one-from-two/checkpoints/step-25.ckpt",
                      dir + "/two-from-one/checkpoints/step-25.ckpt", "resumed");
}

TEST(DataParallel, TwoVaeRanksTrainAsOneProcess) { expect_ranks_train_as_one("vae"); }

// Mirroring and WGAN-GP's interpolation draws are sharded too.
TEST(DataParallel, TwoRanksWithFlipsAndAGradientPenaltyTrainAsOneProcess) {
  expect_ranks_train_as_one("mlp-gan", {"--hflip", "on", "--loss", "wgan_gp"});
}

TEST(DataParallel, AKilledRankEndsTheOtherWithAClearError) {
  const std::string dir = temp_dir();
  const std::string data = test::write_squares_dataset(dir + "/squares");
  const int port = free_port();
  const auto args = with(training(data, 16, 1000000), {"--out", dir + "/killed"});
  test::Child r1 = rank(1, 2, port, args, dir + "/k1.log");
  test::Child r0 = rank(0, 2, port, args, dir + "/k0.log");
  ASSERT_TRUE(test::poll_until(r0, 120, [&] {
    return test::read_text(dir + "/killed/metrics.csv").find("\n10,") != std::string::npos;
  })) << test::read_text(r0.log);
  ASSERT_EQ(kill(r1.pid, SIGKILL), 0);
  const int status = r0.wait(120);
  ASSERT_NE(status, -1) << "rank 0 did not stop within 120 s of rank 1's death";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string log = test::read_text(r0.log);
  EXPECT_NE(log.find("rank 0 of 2: "), std::string::npos) << log;
  EXPECT_NE(log.find("failed: rank 1 is gone"), std::string::npos) << log;
}

// The word after `label` in `text` ("" when there is none).
std::string word_after(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return {};
  at += label.size();
  return text.substr(at, text.find_first_of(" \n", at) - at);
}

size_t lines_of(const std::string& path) {
  const std::string text = test::read_text(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Every rank --serve: a small MLP GAN on `data` into `out` (viewers on a port of the kernel's).
std::vector<std::string> serving(const std::string& data, const std::string& out) {
  return {"--serve", "--listen", "127.0.0.1:0", "--dataset", data, "--model", "mlp-gan",
          "--width", "16", "--threads", "1", "--eval-every", "0", "--out", out};
}

TEST(DataParallel, ServedRanksTakeAViewersCommandsTogetherAndStopTogether) {
  const std::string dir = temp_dir();
  const std::string data = test::write_squares_dataset(dir + "/squares");
  const int port = free_port();
  const std::vector<std::string> args = serving(data, dir + "/served");
  test::Child r1 = rank(1, 2, port, args, dir + "/s1.log");
  test::Child r0 = rank(0, 2, port, args, dir + "/s0.log");
  std::string address, token;
  ASSERT_TRUE(test::poll_until(r0, 120, [&] {
    const std::string log = test::read_text(r0.log);
    address = word_after(log, "view it with: genscope --connect ");
    token = word_after(log, "--token ");
    return !token.empty();
  })) << test::read_text(r0.log);
  test::LinkReader viewer;
  net::ConnectOptions connect;
  connect.address = address;
  connect.token = token;
  auto client = net::RemoteClient::start(viewer.link, connect);
  ASSERT_TRUE(client.ok()) << client.error();
  // Rank 0's Status names both ranks with their rates.
  ASSERT_TRUE(viewer.wait([&] {
    const RuntimeInfo& r = viewer.snap().runtime;
    return r.world == 2 && r.ranks.size() == 2 && r.ranks[1].find("steps/s") != std::string::npos;
  }, std::chrono::seconds(60))) << viewer.snap().message;
  EXPECT_EQ(viewer.snap().runtime.ranks[1].rfind("rank 1: ", 0), 0u);

  // Pause reaches rank 1 too: its rows stop; Resume starts them again.
  const std::string rank1_rows = dir + "/served/rank-1/metrics.csv";
  uint64_t seq = viewer.link.commands.push(Command::of(Command::Kind::kPause));
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().commands_done >= seq && viewer.snap().paused; }));
  const size_t paused_at = lines_of(rank1_rows);
  EXPECT_FALSE(viewer.wait([&] { return lines_of(rank1_rows) > paused_at + 1; },
                           std::chrono::milliseconds(2500)))
      << "rank 1 trained on while rank 0 was paused";
  seq = viewer.link.commands.push(Command::set(ParamId::kLrD, {0.0007, ""}));
  viewer.link.commands.push(Command::of(Command::Kind::kResume));
  ASSERT_TRUE(viewer.wait([&] { return lines_of(rank1_rows) > paused_at + 20; },
                          std::chrono::seconds(60)));
  EXPECT_NE(test::read_text(dir + "/served/rank-1/events.log").find("lr_d"), std::string::npos)
      << "rank 1 took the edit as rank 0 did";

  // Ctrl+C on rank 0 ends both; rank 1 says why it stopped.
  ASSERT_EQ(kill(r0.pid, SIGINT), 0);
  EXPECT_EQ(r0.wait(120), 0) << test::read_text(r0.log);
  EXPECT_EQ(r1.wait(120), 0) << test::read_text(r1.log);
  EXPECT_NE(test::read_text(r1.log).find("rank 0 stopped the run at step "), std::string::npos)
      << test::read_text(r1.log);
}

// A served rank 0 whose peer dies says so in its terminal and trains on alone, taking the whole
// batch the two ranks shared.
TEST(DataParallel, AServedRankZeroTrainsOnAloneWhenItsPeerDies) {
  const std::string dir = temp_dir();
  const std::string data = test::write_squares_dataset(dir + "/squares");
  const int port = free_port();
  const auto args = with(serving(data, dir + "/alone"), {"--batch-size", "16"});
  test::Child r1 = rank(1, 2, port, args, dir + "/a1.log");
  test::Child r0 = rank(0, 2, port, args, dir + "/a0.log");
  const std::string rows = dir + "/alone/metrics.csv";
  ASSERT_TRUE(test::poll_until(r0, 120, [&] { return lines_of(rows) > 10; }))
      << test::read_text(r0.log);
  ASSERT_EQ(kill(r1.pid, SIGKILL), 0);
  ASSERT_TRUE(test::poll_until(r0, 60, [&] {
    return test::read_text(r0.log).find("taking all 32 of each batch") != std::string::npos;
  })) << test::read_text(r0.log);
  const std::string said = test::read_text(r0.log);
  EXPECT_NE(said.find("rank 0 of 2: "), std::string::npos) << said;
  EXPECT_NE(said.find("rank 1 is gone"), std::string::npos) << said;
  const size_t alone_at = lines_of(rows);
  EXPECT_TRUE(test::poll_until(r0, 60, [&] { return lines_of(rows) > alone_at + 20; }))
      << "rank 0 did not train on alone: " << test::read_text(r0.log);
  ASSERT_EQ(kill(r0.pid, SIGINT), 0);
  EXPECT_EQ(r0.wait(120), 0) << test::read_text(r0.log);
  const std::string history = test::read_text(dir + "/alone/events.log");  // complete now
  EXPECT_NE(history.find("batch_size 16 → 32"), std::string::npos) << history;
}

TEST(DataParallel, RanksStopTogetherWhenOneHasNoStepsLeft) {
  const std::string dir = temp_dir();
  const std::string data = test::write_squares_dataset(dir + "/squares");
  const int port = free_port();
  test::Child r1 = rank(1, 2, port, with(training(data, 16, 30), {"--out", dir + "/uneven"}),
                        dir + "/u1.log");
  test::Child r0 = rank(0, 2, port, with(training(data, 16, 10), {"--out", dir + "/uneven"}),
                        dir + "/u0.log");
  EXPECT_EQ(r0.wait(120), 0) << test::read_text(r0.log);
  const int status = r1.wait(120);
  ASSERT_TRUE(WIFEXITED(status)) << test::read_text(r1.log);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(test::read_text(r1.log).find("another rank stopped at step 10"), std::string::npos)
      << test::read_text(r1.log);
}

TEST(DataParallel, ARankOutOfRangeOrAnotherFamilyIsAClearError) {
  const std::string dir = temp_dir();
  const std::string data = test::write_squares_dataset(dir + "/squares");
  test::Child bad = test::Child::start(with(training(data, 16, 5), {"--rank", "2", "--world-size",
                                                                     "2"}),
                                       dir + "/bad.log", dir + "/runs");
  ASSERT_EQ(bad.wait(60) >> 8, 2);
  EXPECT_NE(test::read_text(bad.log).find("the rank must be below the world size"),
            std::string::npos)
      << test::read_text(bad.log);
  const int port = free_port();
  const std::vector<std::string> toy = {"--headless", "--steps", "5", "--dataset", "ring8",
                                        "--out", dir + "/toy"};
  test::Child t1 = rank(1, 2, port, toy, dir + "/t1.log");
  test::Child t0 = rank(0, 2, port, toy, dir + "/t0.log");
  EXPECT_NE(t0.wait(120), 0);
  t1.wait(120);
  EXPECT_NE(test::read_text(t0.log).find("covers the image models"), std::string::npos)
      << test::read_text(t0.log);
}

}  // namespace
