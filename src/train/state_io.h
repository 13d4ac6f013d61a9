#pragma once
// StateWriter / StateReader: a training state as named tensors in a TensorFile (the checkpoint's
// payload, record/tensor_file.h). Modules are written parameter by parameter and buffer by buffer
// ("g.net.0.weight"), optimizers moment by moment ("opt_g.3.exp_avg", per parameter in order).
// Reading checks every name, dtype and shape against the model that receives it: a missing,
// unexpected or mis-shaped tensor is an error naming it, and nothing reaches LibTorch unchecked.
#include <set>
#include <string>

#include "record/tensor_file.h"
#include "train/torch_pch.h"

namespace genscope {

class StateWriter {
 public:
  /// A CPU copy of `t` (contiguous) under `key`. Float32/64, int64 and uint8 tensors only.
  void write(const std::string& key, const torch::Tensor& t);
  void write_int(const std::string& key, int64_t v);
  void write_bytes(const std::string& key, const std::string& bytes);
  TensorFile& file() { return file_; }

 private:
  TensorFile file_;
};

class StateReader {
 public:
  /// Reads from `file`; tensors are made on `device`.
  StateReader(const TensorFile& file, torch::Device device) : file_(file), device_(device) {}

  bool has(const std::string& key) const { return file_.tensors.count(key) > 0; }
  /// The tensor under `key`, which must have `dtype` and `shape` (throws std::runtime_error
  /// naming the key and both shapes otherwise).
  torch::Tensor read(const std::string& key, torch::ScalarType dtype,
                     const std::vector<int64_t>& shape);
  /// The tensor under `key` with `dtype` and any shape of `dims` dimensions (-1: any).
  torch::Tensor read_any(const std::string& key, torch::ScalarType dtype, int dims = -1);
  /// Copies the tensor under `key` into `target` (same dtype and shape), keeping its device.
  void read_into(const std::string& key, torch::Tensor& target);
  int64_t read_int(const std::string& key);
  std::string read_bytes(const std::string& key);
  /// Throws naming the first tensor nobody read (a file of another model).
  void check_all_read() const;

 private:
  const StoredTensor& find(const std::string& key, torch::ScalarType dtype);
  const TensorFile& file_;
  torch::Device device_;
  std::set<std::string> read_;
};

/// Every parameter and buffer of `module`, under key + "." + its path.
void save_module(StateWriter& w, const std::string& key, const torch::nn::Module& module);
/// Reads what save_module wrote into a module of the same architecture.
void load_module(StateReader& r, const std::string& key, torch::nn::Module& module);
/// The per-parameter state of an Adam, AdamW, SGD or RMSprop optimizer (moments, momentum buffers,
/// step counts), parameter by parameter in group order.
void save_optimizer(StateWriter& w, const std::string& key, const torch::optim::Optimizer& opt);
void load_optimizer(StateReader& r, const std::string& key, torch::optim::Optimizer& opt);

}  // namespace genscope
