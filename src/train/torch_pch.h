#pragma once
// Precompiled header for the training code: the only place LibTorch is included from.
#include <torch/torch.h>
