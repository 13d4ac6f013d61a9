#include "train/state_io.h"

#include <cstring>

#include "util/strings.h"

namespace genscope {
namespace {

DType dtype_of(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32:
      return DType::kF32;
    case torch::kFloat64:
      return DType::kF64;
    case torch::kInt64:
      return DType::kI64;
    case torch::kUInt8:
      return DType::kU8;
    default:
      throw std::runtime_error(std::string("cannot store a tensor of type ") +
                               c10::toString(t));
  }
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string state_key(const torch::optim::Optimizer& opt, const torch::Tensor& p) {
  (void)opt;
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}

}  // namespace

void StateWriter::write(const std::string& key, const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  StoredTensor s;
  s.dtype = dtype_of(c.scalar_type());
  s.shape.assign(c.sizes().begin(), c.sizes().end());
  s.bytes.assign(static_cast<const char*>(c.data_ptr()), size_t(c.numel()) * c.element_size());
  file_.tensors[key] = std::move(s);
}

void StateWriter::write_int(const std::string& key, int64_t v) {
  write(key, torch::tensor({v}, torch::kInt64));
}

void StateWriter::write_bytes(const std::string& key, const std::string& bytes) {
  StoredTensor s;
  s.dtype = DType::kU8;
  s.shape = {int64_t(bytes.size())};
  s.bytes = bytes;
  file_.tensors[key] = std::move(s);
}

const StoredTensor& StateReader::find(const std::string& key, torch::ScalarType dtype) {
  auto it = file_.tensors.find(key);
  if (it == file_.tensors.end()) throw std::runtime_error(key + " is missing");
  if (it->second.dtype != dtype_of(dtype)) {
    throw std::runtime_error(key + " is " + dtype_name(it->second.dtype) + ", expected " +
                             dtype_name(dtype_of(dtype)));
  }
  read_.insert(key);
  return it->second;
}

torch::Tensor StateReader::read_any(const std::string& key, torch::ScalarType dtype, int dims) {
  const StoredTensor& s = find(key, dtype);
  if (dims >= 0 && int(s.shape.size()) != dims) {
    throw std::runtime_error(strformat("%s has %zu dimensions, expected %d", key.c_str(),
                                       s.shape.size(), dims));
  }
  // decode_tensor_file checked that the bytes are exactly numel x element size.
  torch::Tensor t = torch::empty(s.shape, torch::TensorOptions().dtype(dtype));
  if (!s.bytes.empty()) std::memcpy(t.data_ptr(), s.bytes.data(), s.bytes.size());
  return device_.is_cpu() ? t : t.to(device_);
}

torch::Tensor StateReader::read(const std::string& key, torch::ScalarType dtype,
                                const std::vector<int64_t>& shape) {
  const StoredTensor& s = find(key, dtype);
  if (s.shape != shape) {
    throw std::runtime_error(key + " is " + shape_text(s.shape) + " in the checkpoint but " +
                             shape_text(shape) + " in this model");
  }
  return read_any(key, dtype);
}

void StateReader::read_into(const std::string& key, torch::Tensor& target) {
  const std::vector<int64_t> shape(target.sizes().begin(), target.sizes().end());
  const torch::Tensor t = read(key, target.scalar_type(), shape);
  torch::NoGradGuard no_grad;
  target.copy_(t);
}

int64_t StateReader::read_int(const std::string& key) {
  return read(key, torch::kInt64, {1}).to(torch::kCPU).item<int64_t>();
}

std::string StateReader::read_bytes(const std::string& key) {
  const StoredTensor& s = find(key, torch::kUInt8);
  if (s.shape.size() != 1) throw std::runtime_error(key + " is not a byte string");
  return s.bytes;
}

void StateReader::check_all_read() const {
  for (const auto& [key, t] : file_.tensors) {
    if (!read_.count(key)) throw std::runtime_error(key + " is not part of this model");
  }
}

void save_module(StateWriter& w, const std::string& key, const torch::nn::Module& module) {
  for (const auto& p : module.named_parameters(/*recurse=*/true)) {
    w.write(key + "." + p.key(), p.value());
  }
  for (const auto& b : module.named_buffers(/*recurse=*/true)) {
    w.write(key + "." + b.key(), b.value());
  }
}

void load_module(StateReader& r, const std::string& key, torch::nn::Module& module) {
  for (auto& p : module.named_parameters(/*recurse=*/true)) r.read_into(key + "." + p.key(), p.value());
  for (auto& b : module.named_buffers(/*recurse=*/true)) r.read_into(key + "." + b.key(), b.value());
}

namespace {

// Adam's and AdamW's per-parameter state (the same fields under two types).
template <class State>
void write_adam_state(StateWriter& w, const std::string& k, const State& a) {
  w.write_int(k + ".step", a.step());
  w.write(k + ".exp_avg", a.exp_avg());
  w.write(k + ".exp_avg_sq", a.exp_avg_sq());
  if (a.max_exp_avg_sq().defined()) w.write(k + ".max_exp_avg_sq", a.max_exp_avg_sq());
}

template <class State>
std::unique_ptr<State> read_adam_state(StateReader& r, const std::string& k, const torch::Tensor& p) {
  const std::vector<int64_t> shape(p.sizes().begin(), p.sizes().end());
  auto a = std::make_unique<State>();
  a->step(r.read_int(k + ".step"));
  a->exp_avg(r.read(k + ".exp_avg", p.scalar_type(), shape));
  a->exp_avg_sq(r.read(k + ".exp_avg_sq", p.scalar_type(), shape));
  if (r.has(k + ".max_exp_avg_sq")) a->max_exp_avg_sq(r.read(k + ".max_exp_avg_sq", p.scalar_type(), shape));
  return a;
}

}  // namespace

void save_optimizer(StateWriter& w, const std::string& key, const torch::optim::Optimizer& opt) {
  int index = 0;
  for (const auto& group : opt.param_groups()) {
    for (const torch::Tensor& p : group.params()) {
      const std::string k = key + "." + std::to_string(index++);
      auto it = opt.state().find(state_key(opt, p));
      if (it == opt.state().end()) continue;  // no step taken yet
      const auto* state = it->second.get();
      if (const auto* a = dynamic_cast<const torch::optim::AdamParamState*>(state)) {
        write_adam_state(w, k, *a);
      } else if (const auto* aw = dynamic_cast<const torch::optim::AdamWParamState*>(state)) {
        write_adam_state(w, k, *aw);
      } else if (const auto* s = dynamic_cast<const torch::optim::SGDParamState*>(state)) {
        if (s->momentum_buffer().defined()) w.write(k + ".momentum_buffer", s->momentum_buffer());
      } else if (const auto* m = dynamic_cast<const torch::optim::RMSpropParamState*>(state)) {
        w.write_int(k + ".step", m->step());
        w.write(k + ".square_avg", m->square_avg());
        if (m->momentum_buffer().defined()) w.write(k + ".momentum_buffer", m->momentum_buffer());
        if (m->grad_avg().defined()) w.write(k + ".grad_avg", m->grad_avg());
      } else {
        throw std::runtime_error(key + ": an optimizer genscope cannot save");
      }
    }
  }
}

void load_optimizer(StateReader& r, const std::string& key, torch::optim::Optimizer& opt) {
  int index = 0;
  const auto like = [&r](const std::string& k, const torch::Tensor& p) {
    return r.read(k, p.scalar_type(), std::vector<int64_t>(p.sizes().begin(), p.sizes().end()));
  };
  for (auto& group : opt.param_groups()) {
    for (const torch::Tensor& p : group.params()) {
      const std::string k = key + "." + std::to_string(index++);
      std::unique_ptr<torch::optim::OptimizerParamState> state;
      if (dynamic_cast<torch::optim::Adam*>(&opt)) {
        if (!r.has(k + ".step")) continue;
        state = read_adam_state<torch::optim::AdamParamState>(r, k, p);
      } else if (dynamic_cast<torch::optim::AdamW*>(&opt)) {
        if (!r.has(k + ".step")) continue;
        state = read_adam_state<torch::optim::AdamWParamState>(r, k, p);
      } else if (dynamic_cast<torch::optim::SGD*>(&opt)) {
        if (!r.has(k + ".momentum_buffer")) continue;
        auto s = std::make_unique<torch::optim::SGDParamState>();
        s->momentum_buffer(like(k + ".momentum_buffer", p));
        state = std::move(s);
      } else if (dynamic_cast<torch::optim::RMSprop*>(&opt)) {
        if (!r.has(k + ".step")) continue;
        auto m = std::make_unique<torch::optim::RMSpropParamState>();
        m->step(r.read_int(k + ".step"));
        m->square_avg(like(k + ".square_avg", p));
        if (r.has(k + ".momentum_buffer")) m->momentum_buffer(like(k + ".momentum_buffer", p));
        if (r.has(k + ".grad_avg")) m->grad_avg(like(k + ".grad_avg", p));
        state = std::move(m);
      } else {
        throw std::runtime_error(key + ": an optimizer genscope cannot load");
      }
      opt.state()[state_key(opt, p)] = std::move(state);
    }
  }
}

}  // namespace genscope
