#include "train/generator_export.h"

#include <nlohmann/json.hpp>

#include "record/checkpoint_file.h"
#include "record/tensor_file.h"
#include "train/state_io.h"
#include "util/strings.h"

namespace genscope {
namespace {

namespace nn = torch::nn;
using Json = nlohmann::json;

std::vector<int64_t> list(const torch::ExpandingArray<2>& a) { return {a->begin(), a->end()}; }

template <typename Options>
Json conv_padding(const Options& o) {
  const auto* p = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (!p) throw std::runtime_error("a convolution with 'same' or 'valid' padding");
  return list(*p);
}

// The layer as the README's Python snippet builds it (nn.<type> with these arguments).
Json describe(const nn::Module& m) {
  if (const auto* l = m.as<nn::Linear>()) {
    const auto& o = l->options;
    return {{"type", "Linear"}, {"in", o.in_features()}, {"out", o.out_features()},
            {"bias", o.bias()}};
  }
  if (const auto* c = m.as<nn::ConvTranspose2d>()) {
    const auto& o = c->options;
    if (o.groups() != 1 || list(o.dilation()) != std::vector<int64_t>{1, 1}) {
      throw std::runtime_error("a grouped or dilated transposed convolution");
    }
    return {{"type", "ConvTranspose2d"}, {"in", o.in_channels()}, {"out", o.out_channels()},
            {"kernel", list(o.kernel_size())}, {"stride", list(o.stride())},
            {"padding", conv_padding(o)}, {"output_padding", list(o.output_padding())},
            {"bias", o.bias()}};
  }
  if (const auto* b = m.as<nn::BatchNorm2d>()) {
    const auto& o = b->options;
    return {{"type", "BatchNorm2d"}, {"features", o.num_features()}, {"eps", o.eps()},
            {"affine", o.affine()}};
  }
  if (m.as<nn::ReLU>()) return {{"type", "ReLU"}};
  if (const auto* r = m.as<nn::LeakyReLU>()) {
    return {{"type", "LeakyReLU"}, {"slope", r->options.negative_slope()}};
  }
  if (m.as<nn::Tanh>()) return {{"type", "Tanh"}};
  if (m.as<nn::Sigmoid>()) return {{"type", "Sigmoid"}};
  if (const auto* u = m.as<nn::Unflatten>()) {
    if (u->options.dim() != 1) throw std::runtime_error("an Unflatten of another dimension than 1");
    return {{"type", "Unflatten"}, {"shape", u->options.sizes()}};
  }
  throw std::runtime_error("a " + m.name() + " layer");
}

Json unflatten(const std::vector<int64_t>& shape) {
  return {{"type", "Unflatten"}, {"shape", shape}};
}

// The layers in the order Python's nn.Sequential runs them, and the tensors under its keys
// ("<index>.weight"): `net`'s layers shifted by a leading Unflatten when codes are viewed first.
struct Described {
  Json layers = Json::array();
  StateWriter tensors;
};

// Whether `net` ends in [N, features] rather than images (run on one code in eval mode).
bool flat_output(const GeneratorNet& g) {
  torch::NoGradGuard no_grad;
  nn::Sequential net = g.net;  // the holder shares the module, so eval() reaches it
  const bool was_training = net->is_training();
  net->eval();
  std::vector<int64_t> shape{1};
  if (g.input_shape.empty()) {
    const auto first = net->children().front()->as<nn::Linear>();
    if (!first) throw std::runtime_error("a generator whose input size is unknown");
    shape.push_back(first->options.in_features());
  } else {
    shape.insert(shape.end(), g.input_shape.begin(), g.input_shape.end());
  }
  const torch::Device device = net->parameters().front().device();
  const torch::Tensor out = net->forward(torch::zeros(shape, torch::TensorOptions().device(device)));
  net->train(was_training);
  return out.dim() == 2;
}

Described describe_net(const GeneratorNet& g, int channels, int size) {
  Described d;
  if (g.input_shape.size() > 1) d.layers.push_back(unflatten(g.input_shape));
  int64_t index = 0;
  nn::Sequential net = g.net;
  for (const auto& layer : net->children()) {
    const std::string key = std::to_string(d.layers.size());
    try {
      d.layers.push_back(describe(*layer));
    } catch (const std::exception& e) {
      throw std::runtime_error(strformat("layer %lld of the generator is %s, which the export cannot describe",
                                         static_cast<long long>(index), e.what()));
    }
    for (const auto& p : layer->named_parameters(/*recurse=*/false)) {
      d.tensors.write(key + "." + p.key(), p.value().to(torch::kFloat32));
    }
    for (const auto& b : layer->named_buffers(/*recurse=*/false)) {
      d.tensors.write(key + "." + b.key(), b.value());
    }
    ++index;
  }
  // A flat output (an MLP's) becomes images, and a decoder's sigmoid is part of the network.
  if (flat_output(g)) d.layers.push_back(unflatten({channels, size, size}));
  if (g.sigmoid_output) d.layers.push_back({{"type", "Sigmoid"}});
  return d;
}

std::string stem_of(const std::string& path) {
  const std::string ext = ".safetensors";
  if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
    return path.substr(0, path.size() - ext.size());
  }
  return path;
}

}  // namespace

ExportPaths export_paths(const std::string& path) {
  const std::string stem = stem_of(path);
  return {stem + ".safetensors", stem + ".json"};
}

Status export_generator(Model& model, const Params& params, int64_t step, const std::string& path) {
  const ExportPaths paths = export_paths(path);
  const GeneratorNet g = model.generator_net();
  if (!g.net) return Error{"the " + params.to_string(ParamId::kModel) + " has no generator to export"};
  Json arch;
  try {
    const torch::Tensor one = model.decode(torch::zeros({1, model.latent_dim()}));
    const int channels = int(one.size(1)), size = int(one.size(2));
    Described d = describe_net(g, channels, size);
    arch = {{"format", "genscope-generator"},
            {"version", 1},
            {"architecture", g.architecture},
            {"model", params.to_string(ParamId::kModel)},
            {"dataset", params.text(ParamId::kDataset)},
            {"step", step},
            {"latent_dim", model.latent_dim()},
            {"channels", channels},
            {"image_size", size},
            {"output_range", g.sigmoid_output ? Json{0, 1} : Json{-1, 1}},
            {"layers", d.layers}};
    TensorFile& file = d.tensors.file();
    file.metadata = {{"format", "pt"}, {"genscope", "generator"}};
    if (Status s = write_file_atomic(paths.weights, encode_tensor_file(file)); !s) return s;
  } catch (const std::exception& e) {
    return Error{paths.weights + ": " + e.what()};
  }
  return write_file_atomic(paths.architecture, arch.dump(2) + "\n");
}

}  // namespace genscope
