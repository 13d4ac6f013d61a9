// Links src/train/nccl_group.cpp into a program: CMake's try_compile of a CUDA build decides
// with it whether genscope all-reduces its GPU gradients through NCCL.
#include "train/nccl_group.h"

int main(int argc, char**) {
  if (argc > 1000) genscope::make_nccl_allreduce({}, 0, 1, std::chrono::milliseconds(1));
  return 0;
}
