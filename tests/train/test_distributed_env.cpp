// torchrun's variables as genscope reads them (distributed_from_env): none means one process,
// and every bad value is a one-line error naming the variable.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "train/distributed.h"

using namespace genscope;

namespace {

Result<DistributedOptions> from(std::map<std::string, std::string> vars) {
  return distributed_from_env([vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(DistributedEnv, NoVariablesIsOneProcess) {
  auto o = from({});
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->enabled());
  EXPECT_EQ(o->master_addr, "127.0.0.1");
  EXPECT_EQ(o->master_port, 29500);
}

TEST(DistributedEnv, TorchrunsVariablesAreRead) {
  auto o = from({{"WORLD_SIZE", "4"}, {"RANK", "3"}, {"LOCAL_RANK", "1"},
                 {"MASTER_ADDR", "10.0.0.2"}, {"MASTER_PORT", "29400"}});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_TRUE(o->enabled());
  EXPECT_EQ(o->world, 4);
  EXPECT_EQ(o->rank, 3);
  EXPECT_EQ(o->local_rank, 1);
  EXPECT_EQ(o->master_addr, "10.0.0.2");
  EXPECT_EQ(o->master_port, 29400);
}

TEST(DistributedEnv, BadValuesNameTheVariable) {
  auto rank_too_big = from({{"WORLD_SIZE", "2"}, {"RANK", "2"}});
  ASSERT_FALSE(rank_too_big.ok());
  EXPECT_EQ(rank_too_big.error(), "RANK=2: must be below WORLD_SIZE=2");
  auto no_rank = from({{"WORLD_SIZE", "2"}});
  ASSERT_FALSE(no_rank.ok());
  EXPECT_NE(no_rank.error().find("RANK is not set"), std::string::npos) << no_rank.error();
  auto port = from({{"MASTER_PORT", "http"}});
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().find("MASTER_PORT=http"), std::string::npos) << port.error();
  auto world = from({{"WORLD_SIZE", "0"}});
  ASSERT_FALSE(world.ok());
  EXPECT_NE(world.error().find("WORLD_SIZE=0"), std::string::npos) << world.error();
}

}  // namespace

namespace {

// LOCAL_RANK picks each rank's GPU through CUDA_VISIBLE_DEVICES, before CUDA starts.
TEST(DistributedEnv, LocalRankPicksItsGpu) {
  EXPECT_EQ(*gpu_for_local_rank(0, nullptr), "0");
  EXPECT_EQ(*gpu_for_local_rank(3, nullptr), "3");
  EXPECT_EQ(*gpu_for_local_rank(1, "4,6"), "6");
  EXPECT_EQ(*gpu_for_local_rank(0, "GPU-8a1f,GPU-77c2"), "GPU-8a1f");
  EXPECT_EQ(*gpu_for_local_rank(1, "2,,5,"), "5");  // empty entries skipped
  EXPECT_EQ(*gpu_for_local_rank(1, ""), "");         // no GPU for anyone: every rank on the CPU
  auto beyond = gpu_for_local_rank(2, "0,1");
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error(),
            "LOCAL_RANK=2: CUDA_VISIBLE_DEVICES=0,1 lists 2 GPUs (one per rank on this machine)");
}

}  // namespace
